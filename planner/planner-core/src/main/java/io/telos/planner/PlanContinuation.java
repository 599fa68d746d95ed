package io.telos.planner;

import io.telos.api.JointCommand;
import io.telos.api.Observation;
import io.telos.planner.cost.Rollout;
import io.telos.planner.spi.WorldModel.Probe;
import io.telos.planner.spi.WorldModel;
import java.util.Arrays;

/**
 * What one call of {@link MppiPlanner} hands to the next besides the mean: the plan it sent and the
 * commands the servo loop really issued. With {@link Continuity} on, a call whose observation the
 * sent plan still covers (and agrees with) starts from that plan's state where the new one will
 * apply, latency included, and takes the command executing at that seam as the action before its
 * first; otherwise it starts from the measurement. For a model with a separate command part, the
 * commands in flight in the start state are corrected to the ones really issued. Not thread-safe,
 * except {@link #commanded}, which may be called from the servo thread meanwhile.
 */
final class PlanContinuation {
  /** Commands kept for correcting the ones in flight (a second at 1 kHz). */
  private static final int ISSUED_CAPACITY = 1024;
  /** The newest command older than this before an observation's stamp says nothing about it. */
  private static final long ISSUED_MAX_AGE_NS = 100_000_000L;

  private final WorldModel model;
  private final Continuity continuity;
  private final long latencyNs;
  private final long dtNs;
  private final int horizon;
  private final int n;
  /** The action bound of each joint (the sampler's). */
  private final double[] bound;
  /** The sent plan: its states (H + 1 rows), joint positions (H + 1 rows) and actions (H rows). */
  private final double[] sentStates;
  private final double[] sentPositions;
  private final double[] sentActions;
  private final double[] sentAtStamp;
  private final double[] sentLater;
  private final double[] measuredQ;
  private long sentStartNs;
  private boolean haveSent;
  /** What the servo loop really commanded (a lagging arm's model corrects its commands in flight with it). */
  private final CommandHistory issued;
  private final double[] issuedPosition;
  private final double[] issuedVelocity;
  private final double[] commandBefore;
  private final double[] commandVelocityBefore;
  private double lastCommandShift;

  /** @param bound the action bound of each joint (the sampler's) */
  PlanContinuation(WorldModel model, Continuity continuity, int horizon, long dtNs, double[] bound) {
    this.model = model;
    this.continuity = continuity;
    this.latencyNs = Math.round(continuity.latencyS() * 1e9);
    this.dtNs = dtNs;
    this.horizon = horizon;
    this.n = model.dof();
    this.bound = bound;
    this.sentStates = new double[(horizon + 1) * model.stateSize()];
    this.sentPositions = new double[(horizon + 1) * n];
    this.sentActions = new double[horizon * n];
    this.sentAtStamp = new double[model.stateSize()];
    this.sentLater = new double[model.stateSize()];
    this.measuredQ = new double[n];
    this.issued = new CommandHistory(n, ISSUED_CAPACITY);
    this.issuedPosition = new double[n];
    this.issuedVelocity = new double[n];
    this.commandBefore = new double[n];
    this.commandVelocityBefore = new double[n];
  }

  /** Records the command the servo loop issued, for a model with a separate command part. */
  void commanded(JointCommand command) {
    if (model.separatesCommand()) {
      issued.record(command);
    }
  }

  /** Forgets the sent plan: the next call starts from the measurement. */
  void reset() {
    haveSent = false;
  }

  /**
   * Latency compensation ({@link Continuity}): when the plan in flight still covers the moment this
   * plan will apply and the arm is where it said, starts from its state there ({@code x0}, holding
   * the encoded observation, gets the measurement assimilated) and returns the step of the sent plan
   * at that seam; -1 to start from the measurement ({@code x0} unchanged).
   */
  int continueSentPlan(Observation observation, long stamp, double[] x0) {
    if (!continuity.enabled() || !haveSent) {
      return -1;
    }
    double f = (double) (stamp - sentStartNs) / dtNs; // where the observation falls in the sent plan
    double g = f + (double) latencyNs / dtNs; // where the new plan will be applied
    if (f < 0 || g > horizon) {
      return -1;
    }
    model.probe(Probe.JOINT_POSITION, x0, 1, measuredQ);
    double seamDeviation = 0;
    for (int i = 0; i < n; i++) {
      double predicted = interpolate(sentPositions, n, i, f);
      seamDeviation = Math.max(seamDeviation, Math.abs(predicted - measuredQ[i]));
    }
    if (seamDeviation > continuity.resyncRad()) {
      return -1;
    }
    int size = model.stateSize();
    for (int j = 0; j < size; j++) {
      sentAtStamp[j] = interpolate(sentStates, size, j, f);
      sentLater[j] = interpolate(sentStates, size, j, g);
    }
    // the measurement, advanced by what the plan in flight does meanwhile (for a lagging arm:
    // the commands in flight as sent, the arm's part corrected by the measurement)
    model.assimilate(observation, sentAtStamp, sentLater, x0);
    return Math.min(horizon - 1, (int) Math.floor(g));
  }

  /** When the plan starts: the observation's stamp, plus the latency when it continues the sent plan. */
  long start(long stamp, int continuedFrom) {
    return continuedFrom >= 0 ? stamp + latencyNs : stamp;
  }

  /**
   * For a model with a separate command part, corrects the commands in flight in {@code x0} to
   * those really issued at the observation's stamp: the kernel bounds and blends them, and a plan
   * takes over when it arrives, so they drift from the plan that was sent unless corrected. The
   * planner's idea of them is the sent plan's at the stamp when continuing it, else {@code measured}.
   */
  void correctCommands(long stampNs, int continuedFrom, double[] measured, double[] x0) {
    if (!model.separatesCommand()) {
      return;
    }
    double[] reference = continuedFrom >= 0 ? sentAtStamp : measured;
    int got = issued.at(stampNs, ISSUED_MAX_AGE_NS, issuedPosition, issuedVelocity);
    if (got == 0) {
      lastCommandShift = Double.NaN;
      return;
    }
    model.commands(reference, 1, commandBefore, commandVelocityBefore);
    double shift = 0;
    for (int i = 0; i < n; i++) {
      shift = Math.max(shift, Math.abs(issuedPosition[i] - commandBefore[i]));
    }
    lastCommandShift = shift;
    model.assimilateCommand(issuedPosition, got == 2 ? issuedVelocity : null, reference, x0);
  }

  /**
   * Largest joint difference between the command really in force at the last observation's stamp
   * and the one the planner had meant for it (rad or m); NaN when no command was known.
   */
  double lastCommandShift() {
    return lastCommandShift;
  }

  /**
   * The action before the first one planned, into both rollouts: the command at the seam, else the
   * measured velocity (bounded), else rest.
   */
  void seedPreviousAction(Observation observation, int continuedFrom, Rollout samples, Rollout plan) {
    double[] previous = samples.previousAction();
    if (continuedFrom >= 0) { // the command being executed at the seam
      System.arraycopy(sentActions, continuedFrom * n, previous, 0, n);
    } else if (observation.velocity().size() == n) {
      observation.velocity().copyTo(previous);
      for (int i = 0; i < n; i++) {
        previous[i] = Double.isFinite(previous[i]) ? Math.max(-bound[i], Math.min(bound[i], previous[i])) : 0.0;
      }
    } else {
      Arrays.fill(previous, 0.0);
    }
    System.arraycopy(previous, 0, plan.previousAction(), 0, n);
  }

  /** Keeps the sent plan's predictions, the starting point of the next call. */
  void remember(Rollout plan, long start) {
    int size = model.stateSize();
    for (int t = 0; t <= horizon; t++) {
      System.arraycopy(plan.states(t), 0, sentStates, t * size, size);
      System.arraycopy(t == 0 ? plan.initialPosition() : plan.positions(t), 0, sentPositions, t * n, n);
      if (t < horizon) {
        System.arraycopy(plan.actions(t), 0, sentActions, t * n, n);
      }
    }
    sentStartNs = start;
    haveSent = true;
  }

  /** Row-major {@code rows} of width {@code w}: component {@code j} at fractional row {@code f}. */
  private static double interpolate(double[] rows, int w, int j, double f) {
    int a = (int) Math.floor(f);
    double frac = f - a;
    double va = rows[a * w + j];
    return frac == 0 ? va : va + frac * (rows[(a + 1) * w + j] - va);
  }
}
