package io.telos.planner.spi;

import io.telos.api.Observation;
import java.util.Arrays;
import java.util.List;

/**
 * Predicts what joint velocity commands will do to the arm: the model the planner searches over.
 *
 * <p>The interface is batched and engine-neutral. Every call handles a whole batch of samples over
 * flat, row-major {@code double[]} buffers that the caller owns and reuses, so a planner step
 * allocates nothing per sample and a learned model can run one tensor operation per call. Sample
 * {@code b} of a buffer with row width {@code w} occupies {@code [b * w, (b + 1) * w)}.
 *
 * <ul>
 *   <li><b>State</b>: {@link #stateSize()} doubles, opaque to the planner. The analytic model uses
 *       {@code [q(n), qd(n)]}; a learned model may use a latent. Only the model reads or writes
 *       states, through {@link #encode}, {@link #step} and {@link #probe}.
 *   <li><b>Action</b>: a joint velocity command, {@link #dof()} doubles in chain order (rad/s or
 *       m/s), held for one model step of {@link #dtS()} seconds. Component {@code i} is bounded by
 *       {@code |a_i| <= }{@link #actionBound(int)}; the planner never asks for more.
 *   <li><b>Probes</b>: readouts of a batch of states in physical units ({@link Probe}). Cost terms
 *       see predicted states only through probes: the analytic model computes them exactly
 *       (forward kinematics for the end-effector), a learned model with probe heads.
 *   <li><b>Uncertainty</b>: optional per-sample, per-step epistemic uncertainty of a prediction
 *       (e.g. ensemble disagreement); 0 for an exact model.
 * </ul>
 *
 * <p>Implementations may keep scratch memory, so they are not thread-safe: one instance per
 * planner, calls never overlap (the {@link io.telos.api.spi.Planner} contract guarantees that).
 * They must be deterministic: the same inputs give bit-identical outputs. New engines plug in
 * through {@link WorldModelProvider}.
 */
public interface WorldModel {
  /** Short name for logs and diagnostics, e.g. {@code analytic}. */
  String name();

  /** Number of joints (= action width and width of the joint probes). */
  int dof();

  /** Width of one state row. */
  int stateSize();

  /** Duration of one model step in seconds: how long an action is held. */
  double dtS();

  /** Largest magnitude of action component {@code i} (a joint velocity in rad/s or m/s), > 0. */
  double actionBound(int i);

  /**
   * Writes the state that corresponds to {@code observation} into {@code stateOut[0, stateSize())}.
   * Missing velocities (an empty vector) count as zero.
   *
   * @throws IllegalArgumentException when the observation does not fit this model (wrong joint
   *     count)
   */
  void encode(Observation observation, double[] stateOut);

  /**
   * Predicts one step for a batch: {@code next[b] = f(states[b], actions[b])} for {@code b} in
   * {@code [0, batch)}. {@code next} must not alias {@code states}.
   *
   * @param states {@code batch * stateSize()} values
   * @param actions {@code batch * dof()} joint velocity commands
   * @param batch number of samples
   * @param next receives {@code batch * stateSize()} values
   */
  void step(double[] states, double[] actions, int batch, double[] next);

  /**
   * Reads {@code probe} out of a batch of states into {@code out} ({@code batch * probe.width(dof())}
   * values).
   */
  void probe(Probe probe, double[] states, int batch, double[] out);

  /**
   * Number of scene objects in the state whose planar positions {@link Probe#OBJECT_POSITION}
   * reads (a contact model's objects); 0 for a model of the arm alone.
   */
  default int objectCount() {
    return objectNames().size();
  }

  /** Names of the scene objects in the state, in the order {@link Probe#OBJECT_POSITION} reads them. */
  default List<String> objectNames() {
    return List.of();
  }

  /**
   * True when the state carries the command in flight apart from the arm's response to it (an
   * actuator with lag or dead time): the joint probes then read where the arm is predicted to be,
   * {@link #commands} what it is told. The planner sends the commands and continues their part of
   * the state from the plan it sent ({@link #assimilate}) rather than re-reading it from a
   * measurement. False (the default) when the arm is taken to follow its commands at once.
   */
  default boolean separatesCommand() {
    return false;
  }

  /**
   * The joint position and velocity commands of a batch of states ({@code batch * dof()} values
   * each): what the planner sends to the robot for them. The default reads the joint probes.
   */
  default void commands(double[] states, int batch, double[] positionOut, double[] velocityOut) {
    probe(Probe.JOINT_POSITION, states, batch, positionOut);
    probe(Probe.JOINT_VELOCITY, states, batch, velocityOut);
  }

  /**
   * Latency compensation: the state from which the next plan starts, given the observation, the
   * state the plan in flight predicted for the observation's stamp ({@code predictedAtStamp}) and
   * the one it predicts for the moment the new plan takes over ({@code predictedLater}). The
   * default encodes the observation and advances it by the predicted change; a model with a
   * separate command part keeps the commands of {@code predictedLater} (they are known, not
   * measured) and corrects only the measured part.
   */
  default void assimilate(Observation observation, double[] predictedAtStamp, double[] predictedLater,
      double[] stateOut) {
    encode(observation, stateOut);
    for (int j = 0; j < stateSize(); j++) {
      stateOut[j] += predictedLater[j] - predictedAtStamp[j];
    }
  }

  /**
   * Corrects the command part of a state made by {@link #assimilate} or {@link #encode} with what
   * the arm was really commanded at the observation's stamp: the safety kernel bounds, blends and
   * holds commands, and a plan is adopted when it arrives, not when it was meant to be, so the
   * commands in flight are not quite the ones planned. {@code reference} is the state whose
   * command part was meant for that stamp; the command part of {@code stateOut} is shifted by the
   * difference. Does nothing for a model without a separate command part (the default).
   *
   * @param commandedPosition the joint position command in force at the stamp ({@code dof()})
   * @param commandedVelocity its velocity command ({@code dof()}), or null when not known
   */
  default void assimilateCommand(double[] commandedPosition, double[] commandedVelocity, double[] reference,
      double[] stateOut) {}

  /**
   * Where a batch of states comes to rest if the last command is held: for a model with a separate
   * command part, the arm settled on its command ({@code batch * stateSize()} values into
   * {@code out}). The terminal task cost is judged there, so a plan is valued by where it leaves a
   * lagging arm, not only by how far the arm got within the horizon. The default (an arm that
   * follows at once) copies the states.
   */
  default void settle(double[] states, int batch, double[] out) {
    System.arraycopy(states, 0, out, 0, batch * stateSize());
  }

  /** True when {@link #uncertainty} can return something other than zeros. */
  default boolean hasUncertainty() {
    return false;
  }

  /**
   * Uncertainty of the prediction {@link #step} makes for each sample, a non-negative scalar per
   * sample into {@code out[0, batch)} (dimensionless; larger is less sure). The default, for exact
   * models, is zero.
   */
  default void uncertainty(double[] states, double[] actions, int batch, double[] out) {
    Arrays.fill(out, 0, batch, 0.0);
  }

  /** What a world model can read out of its states. */
  enum Probe {
    /** Joint positions, {@code dof} values (rad or m). */
    JOINT_POSITION,
    /** Joint velocities, {@code dof} values (rad/s or m/s). */
    JOINT_VELOCITY,
    /** End-effector position in the base frame, 3 values (m). */
    END_EFFECTOR_POSITION,
    /**
     * Planar positions (x, y, m, base frame) of the scene objects, 2 values per object, for a model
     * whose {@link #objectCount()} is not 0.
     */
    OBJECT_POSITION;

    /** Values per sample for an arm with {@code dof} joints (per object for {@link #OBJECT_POSITION}). */
    public int width(int dof) {
      return switch (this) {
        case END_EFFECTOR_POSITION -> 3;
        case OBJECT_POSITION -> 2;
        default -> dof;
      };
    }
  }
}
