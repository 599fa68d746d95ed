package io.telos.planner.cost;

import io.telos.planner.spi.WorldModel.Probe;
import io.telos.planner.spi.WorldModel;
import java.util.Arrays;
import java.util.List;

/**
 * A batch of predicted trajectories: {@code samples} action sequences of {@code horizon} steps
 * rolled out through a {@link WorldModel} from one initial state, with the probes that cost terms
 * read. All buffers are allocated once and reused; the accessors return the live arrays (flat,
 * row-major, sample {@code k} of a row of width {@code w} at {@code [k * w, (k + 1) * w)}).
 *
 * <p>Time indices: actions {@code t = 0 .. H-1}; predicted states and probes {@code t = 1 .. H},
 * where step {@code t} is the state after action {@code t - 1} (index 0 of the state buffers holds
 * the initial state). Not thread-safe.
 */
public final class Rollout {
  private final int samples;
  private final int horizon;
  private final int dof;
  private final int stateSize;
  private final double dtS;
  private final double[][] states;
  private final double[][] actions;
  private final double[][] positions;
  private final double[][] velocities;
  /** The commands sent for each step: the joint probes' own arrays unless the model separates them. */
  private final double[][] commandPositions;
  private final double[][] commandVelocities;
  private final boolean separateCommands;
  /** Scratch: a step's states settled on their commands; the last step's settled joint positions. */
  private final double[] settled;
  private final double[] settledPositions;
  /** Per step, where each command would leave the arm at rest (joint positions and end-effector). */
  private final double[][] commandEndEffector;
  private final double[][] endEffector;
  private final double[][] uncertainty;
  private final int objects;
  private final List<String> objectNames;
  private final double[][] objectPositions;
  private final double[] previousAction;
  private final double[] initialPosition;
  private final double[] initialVelocity;
  private final double[] initialEndEffector = new double[3];

  /** Buffers for {@code samples} trajectories of {@code horizon} steps of {@code model}. */
  public Rollout(WorldModel model, int samples, int horizon) {
    if (samples < 1 || horizon < 1) {
      throw new IllegalArgumentException("samples and horizon must be >= 1, were " + samples + ", " + horizon);
    }
    this.samples = samples;
    this.horizon = horizon;
    this.dof = model.dof();
    this.stateSize = model.stateSize();
    this.dtS = model.dtS();
    this.states = new double[horizon + 1][samples * stateSize];
    this.actions = new double[horizon][samples * dof];
    this.positions = new double[horizon + 1][samples * dof];
    this.velocities = new double[horizon + 1][samples * dof];
    this.separateCommands = model.separatesCommand();
    this.commandPositions = separateCommands ? new double[horizon + 1][samples * dof] : positions;
    this.commandVelocities = separateCommands ? new double[horizon + 1][samples * dof] : velocities;
    this.settled = separateCommands ? new double[samples * stateSize] : null;
    this.settledPositions = separateCommands ? new double[samples * dof] : null;
    this.endEffector = new double[horizon + 1][samples * 3];
    this.commandEndEffector = model.separatesCommand() ? new double[horizon + 1][samples * 3] : endEffector;
    this.uncertainty = new double[horizon + 1][samples];
    this.objectNames = model.objectNames();
    this.objects = objectNames.size();
    this.objectPositions = new double[horizon + 1][samples * 2 * objects];
    this.previousAction = new double[dof];
    this.initialPosition = new double[dof];
    this.initialVelocity = new double[dof];
  }

  /**
   * Rolls the current {@link #actions(int)} out from {@code initialState} and fills every probe.
   * Asks the model for uncertainty only when {@code withUncertainty} (otherwise it stays zero).
   */
  public void run(WorldModel model, double[] initialState, boolean withUncertainty) {
    double[] s0 = states[0];
    for (int k = 0; k < samples; k++) {
      System.arraycopy(initialState, 0, s0, k * stateSize, stateSize);
    }
    model.probe(Probe.JOINT_POSITION, initialState, 1, initialPosition);
    model.probe(Probe.JOINT_VELOCITY, initialState, 1, initialVelocity);
    model.probe(Probe.END_EFFECTOR_POSITION, initialState, 1, initialEndEffector);
    if (objects > 0) {
      model.probe(Probe.OBJECT_POSITION, s0, samples, objectPositions[0]);
    }
    for (int t = 0; t < horizon; t++) {
      model.step(states[t], actions[t], samples, states[t + 1]);
      if (withUncertainty) {
        model.uncertainty(states[t], actions[t], samples, uncertainty[t + 1]);
      }
    }
    for (int t = 1; t <= horizon; t++) {
      model.probe(Probe.JOINT_POSITION, states[t], samples, positions[t]);
      model.probe(Probe.JOINT_VELOCITY, states[t], samples, velocities[t]);
      model.probe(Probe.END_EFFECTOR_POSITION, states[t], samples, endEffector[t]);
      if (separateCommands) {
        model.commands(states[t], samples, commandPositions[t], commandVelocities[t]);
        model.settle(states[t], samples, settled);
        model.probe(Probe.END_EFFECTOR_POSITION, settled, samples, commandEndEffector[t]);
        if (t == horizon) {
          model.probe(Probe.JOINT_POSITION, settled, samples, settledPositions);
        }
      }
      if (objects > 0) {
        model.probe(Probe.OBJECT_POSITION, states[t], samples, objectPositions[t]);
      }
    }
    if (!withUncertainty) {
      for (double[] u : uncertainty) {
        Arrays.fill(u, 0.0);
      }
    }
  }

  public int samples() {
    return samples;
  }

  public int horizon() {
    return horizon;
  }

  public int dof() {
    return dof;
  }

  public int stateSize() {
    return stateSize;
  }

  /** Model step in seconds. */
  public double dtS() {
    return dtS;
  }

  /** Model states at step {@code t} in {@code [0, H]}, {@code samples * stateSize} values. */
  public double[] states(int t) {
    return states[t];
  }

  /** Actions (joint velocity commands) applied at step {@code t} in {@code [0, H)}; written by the planner. */
  public double[] actions(int t) {
    return actions[t];
  }

  /** Predicted joint positions after step {@code t} in {@code [1, H]}. */
  public double[] positions(int t) {
    return positions[t];
  }

  /** Predicted joint velocities after step {@code t} in {@code [1, H]}. */
  public double[] velocities(int t) {
    return velocities[t];
  }

  /**
   * Joint position commands of step {@code t} in {@code [1, H]}: what is sent to the robot for the
   * predicted {@link #positions(int)} (the same array when the model has no separate command part).
   */
  public double[] commandPositions(int t) {
    return commandPositions[t];
  }

  /** Joint velocity commands of step {@code t} in {@code [1, H]} (see {@link #commandPositions(int)}). */
  public double[] commandVelocities(int t) {
    return commandVelocities[t];
  }

  /**
   * End-effector positions after step {@code t} in {@code [1, H]} with the arm at rest on that step's
   * command: where the command leads (the predicted {@link #endEffector(int)} itself when the model
   * has no separate command part).
   */
  public double[] commandEndEffector(int t) {
    return commandEndEffector[t];
  }

  /** True when the terminal probes are the arm settled on its last command, not the last step. */
  public boolean settlesOnCommands() {
    return separateCommands;
  }

  /**
   * Joint positions where the trajectory leaves the arm: at rest on the last command when the model
   * separates commands from the arm's response ({@link WorldModel#settle}), else the last step's.
   */
  public double[] terminalPositions() {
    return separateCommands ? settledPositions : positions[horizon];
  }

  /** End-effector positions where the trajectory leaves the arm (see {@link #terminalPositions()}). */
  public double[] terminalEndEffector() {
    return commandEndEffector[horizon]; // the last step's, settled on its commands when the model separates them
  }

  /** Predicted end-effector positions (x, y, z per sample) after step {@code t} in {@code [1, H]}. */
  public double[] endEffector(int t) {
    return endEffector[t];
  }

  /** Index of scene object {@code name} in {@link #objectPositions(int)}, or -1. */
  public int objectIndex(String name) {
    return objectNames.indexOf(name);
  }

  /** Number of scene objects the model predicts (0: the arm alone). */
  public int objects() {
    return objects;
  }

  /**
   * Predicted planar object positions at step {@code t} in {@code [0, H]}: {@code 2 * objects()}
   * values per sample (x, y of each object in the model's order); empty without objects.
   */
  public double[] objectPositions(int t) {
    return objectPositions[t];
  }

  /** Model uncertainty of step {@code t} in {@code [1, H]}, one value per sample (zero unless asked for). */
  public double[] uncertainty(int t) {
    return uncertainty[t];
  }

  /** The command applied just before this plan ({@code dof} values); smoothness is measured from it. */
  public double[] previousAction() {
    return previousAction;
  }

  /** Joint positions of the initial state. */
  public double[] initialPosition() {
    return initialPosition;
  }

  /** Joint velocities of the initial state. */
  public double[] initialVelocity() {
    return initialVelocity;
  }

  /** End-effector position of the initial state. */
  public double[] initialEndEffector() {
    return initialEndEffector;
  }
}
