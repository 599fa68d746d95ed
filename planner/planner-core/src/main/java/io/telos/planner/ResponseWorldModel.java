package io.telos.planner;

import io.telos.api.Observation;
import io.telos.model.ActuatorResponse;
import io.telos.model.JointLimits;
import io.telos.model.KinematicChain;
import io.telos.model.RobotModel;
import io.telos.planner.spi.WorldModel;
import java.util.Objects;

/**
 * The analytic model of a position-controlled arm that lags its command: the planner's actions
 * drive the <em>command</em> (as in {@link AnalyticWorldModel}), and the arm follows the command
 * through its {@link ActuatorResponse} — a dead time {@code d}, a first-order lag {@code τ} and a
 * speed ceiling {@code v̄}, per joint. Plans are therefore made in command space for a plant that
 * lags, while every cost sees where the arm will really be.
 *
 * <p>State of one sample, {@code (4 + K)·n} values:
 *
 * <pre>
 *   [ y(n)  yd(n)  c(n)  cd(n)  c(t−h)(n) … c(t−Kh)(n) ]
 * </pre>
 *
 * the arm's position and velocity, the command's position and velocity, and the commands of the
 * last {@code K = ⌈max d / h⌉} steps (the ones still in the dead time). One step with action
 * {@code u} (a command velocity):
 *
 * <pre>
 *   cd' = clamp(cd + clamp((u − cd)/h, ±a_max)·h, ±min(v_max, v̄));  c' = clamp(c + h·cd', lower, upper)
 *   y'  = the exact response of dy/dt = (c(t − d) − y)/τ to the piecewise-linear delayed command,
 *         its change clamped to ±v̄·h;  yd' = (y' − y)/h
 * </pre>
 *
 * The command is piecewise linear between steps, as the safety kernel interpolates the plan's
 * setpoints, and the delayed command is integrated exactly on each linear piece, so the prediction
 * matches {@link ActuatorResponse.Filter} fed with the same interpolated command up to the speed
 * clamp's granularity. Probes read the arm ({@code y}); {@link #commands} reads {@code c, cd};
 * {@link #settle} puts the arm at rest on its command (where the terminal cost judges a plan).
 *
 * <p>{@link #encode} assumes the arm is in steady state on its current velocity (the command leads
 * it by {@code (τ + d)·qd}); the planner replaces that guess with the commands it sent
 * ({@link #assimilate}) whenever it continues a plan. Not thread-safe.
 */
public final class ResponseWorldModel implements WorldModel {
  private final KinematicChain chain;
  private final KinematicChain.Scratch scratch;
  private final int n;
  private final int k;
  private final int size;
  private final double h;
  private final double[] lower;
  private final double[] upper;
  private final double[] bound;
  private final double[] amax;
  private final double[] lag;
  private final double[] dead;
  private final double[] maxStep;
  private final double[] q;
  private final double[] ee = new double[3];

  /**
   * @param robot the arm with its limits and response (any response; an ideal one makes this model
   *     a kinematic one with a one-step command state)
   * @param dtS model step in seconds, finite and > 0
   */
  public ResponseWorldModel(RobotModel robot, double dtS) {
    Objects.requireNonNull(robot, "robot");
    if (!(dtS > 0) || !Double.isFinite(dtS)) {
      throw new IllegalArgumentException("dtS must be a finite number > 0, was " + dtS);
    }
    ActuatorResponse r = robot.response();
    this.chain = robot.chain();
    this.scratch = chain.newScratch();
    this.n = robot.dof();
    this.h = dtS;
    this.k = (int) Math.ceil(r.maxDeadTimeS() / dtS - 1e-9);
    this.size = (4 + k) * n;
    JointLimits lim = robot.limits();
    this.lower = lim.lower();
    this.upper = lim.upper();
    this.amax = lim.acceleration();
    this.bound = new double[n];
    this.lag = r.lagS();
    this.dead = r.deadTimeS();
    this.maxStep = new double[n];
    for (int i = 0; i < n; i++) {
      bound[i] = r.achievableVelocity(i, lim.velocity(i));
      maxStep[i] = r.maxVelocity(i) * dtS;
    }
    this.q = new double[n];
  }

  @Override
  public String name() {
    return "analytic";
  }

  @Override
  public int dof() {
    return n;
  }

  @Override
  public int stateSize() {
    return size;
  }

  @Override
  public double dtS() {
    return h;
  }

  /** The command velocity bound: the velocity limit, or the arm's speed ceiling when lower. */
  @Override
  public double actionBound(int i) {
    return bound[i];
  }

  /** Steps of past commands the state keeps (the longest dead time, in whole model steps). */
  public int historySteps() {
    return k;
  }

  @Override
  public boolean separatesCommand() {
    return true;
  }

  @Override
  public void encode(Observation observation, double[] stateOut) {
    int nv = AnalyticWorldModel.checkJoints(observation, n);
    for (int i = 0; i < n; i++) {
      double y = observation.position().get(i);
      double v = nv == 0 ? 0.0 : observation.velocity().get(i);
      v = Math.max(-bound[i], Math.min(bound[i], v));
      stateOut[i] = y;
      stateOut[n + i] = v;
      stateOut[2 * n + i] = clamp(y + (lag[i] + dead[i]) * v, lower[i], upper[i]);
      stateOut[3 * n + i] = v;
      for (int j = 0; j < k; j++) {
        stateOut[(4 + j) * n + i] = clamp(stateOut[2 * n + i] - (j + 1) * h * v, lower[i], upper[i]);
      }
    }
  }

  @Override
  public void assimilate(Observation observation, double[] predictedAtStamp, double[] predictedLater,
      double[] stateOut) {
    System.arraycopy(predictedLater, 0, stateOut, 0, size);
    int nv = observation.velocity().size();
    for (int i = 0; i < n; i++) {
      stateOut[i] += observation.position().get(i) - predictedAtStamp[i];
      if (nv == n) {
        stateOut[n + i] += observation.velocity().get(i) - predictedAtStamp[n + i];
      }
    }
  }

  /**
   * Shifts the command, its velocity and the commands inside the dead time by the difference
   * between what was commanded at the stamp and what {@code reference} meant to command, within
   * the joint limits and the command velocity bound. The arm's part is left as measured.
   */
  @Override
  public void assimilateCommand(double[] commandedPosition, double[] commandedVelocity, double[] reference,
      double[] stateOut) {
    for (int i = 0; i < n; i++) {
      double shift = commandedPosition[i] - reference[2 * n + i];
      if (!Double.isFinite(shift)) {
        continue;
      }
      stateOut[2 * n + i] = clamp(stateOut[2 * n + i] + shift, lower[i], upper[i]);
      for (int j = 0; j < k; j++) {
        int past = (4 + j) * n + i;
        stateOut[past] = clamp(stateOut[past] + shift, lower[i], upper[i]);
      }
      if (commandedVelocity != null) {
        double dv = commandedVelocity[i] - reference[3 * n + i];
        if (Double.isFinite(dv)) {
          stateOut[3 * n + i] = clamp(stateOut[3 * n + i] + dv, -bound[i], bound[i]);
        }
      }
    }
  }

  /** The arm at rest on its command: {@code y = c}, velocities zero, every past command {@code c}. */
  @Override
  public void settle(double[] states, int batch, double[] out) {
    for (int b = 0; b < batch; b++) {
      int o = b * size;
      for (int i = 0; i < n; i++) {
        double c = states[o + 2 * n + i];
        out[o + i] = c;
        out[o + n + i] = 0.0;
        out[o + 2 * n + i] = c;
        out[o + 3 * n + i] = 0.0;
        for (int j = 0; j < k; j++) {
          out[o + (4 + j) * n + i] = c;
        }
      }
    }
  }

  @Override
  public void commands(double[] states, int batch, double[] positionOut, double[] velocityOut) {
    for (int b = 0; b < batch; b++) {
      System.arraycopy(states, b * size + 2 * n, positionOut, b * n, n);
      System.arraycopy(states, b * size + 3 * n, velocityOut, b * n, n);
    }
  }

  @Override
  public void step(double[] states, double[] actions, int batch, double[] next) {
    for (int b = 0; b < batch; b++) {
      int so = b * size;
      int ao = b * n;
      for (int i = 0; i < n; i++) {
        double c = states[so + 2 * n + i];
        double cd = states[so + 3 * n + i];
        double acc = clamp((actions[ao + i] - cd) / h, -amax[i], amax[i]);
        double cdn = clamp(cd + acc * h, -bound[i], bound[i]);
        double cn = c + h * cdn;
        if (cn > upper[i]) {
          cn = upper[i];
          cdn = 0.0;
        } else if (cn < lower[i]) {
          cn = lower[i];
          cdn = 0.0;
        }
        double y = states[so + i];
        double yn = respond(states, so, i, c, cn, y);
        double dy = clamp(yn - y, -maxStep[i], maxStep[i]);
        yn = clamp(y + dy, lower[i], upper[i]);
        next[so + i] = yn;
        next[so + n + i] = (yn - y) / h;
        next[so + 2 * n + i] = cn;
        next[so + 3 * n + i] = cdn;
        if (k > 0) {
          for (int j = k - 1; j > 0; j--) {
            next[so + (4 + j) * n + i] = states[so + (3 + j) * n + i];
          }
          next[so + 4 * n + i] = c;
        }
      }
    }
  }

  /** The arm's position after one step: the lag driven by the delayed command, exact per linear piece. */
  private double respond(double[] s, int so, int i, double c, double cn, double y) {
    double d = dead[i];
    double knot = d - Math.floor(d / h + 1e-12) * h; // where the delayed command crosses a step boundary
    if (knot <= 1e-12 || knot >= h - 1e-12) {
      return ramp(y, commandAt(s, so, i, c, cn, -d), commandAt(s, so, i, c, cn, h - d), h, i);
    }
    double mid = commandAt(s, so, i, c, cn, knot - d);
    double y1 = ramp(y, commandAt(s, so, i, c, cn, -d), mid, knot, i);
    return ramp(y1, mid, commandAt(s, so, i, c, cn, h - d), h - knot, i);
  }

  /** Response of the first-order lag over {@code span} to a command going linearly from a0 to a1. */
  private double ramp(double y, double a0, double a1, double span, int i) {
    double tau = lag[i];
    if (tau == 0) {
      return a1;
    }
    double v = (a1 - a0) / span;
    double e = Math.exp(-span / tau);
    return a1 - tau * v + (y - a0 + tau * v) * e;
  }

  /**
   * The command of joint {@code i} at time {@code w} relative to the step's start, {@code w} in
   * {@code [−K·h, h]}: on the step's own ramp for {@code w ≥ 0}, else between the kept past commands.
   */
  private double commandAt(double[] s, int so, int i, double c, double cn, double w) {
    if (w >= 0) {
      return c + (cn - c) * (w / h);
    }
    double m = -w / h;
    int j = (int) Math.floor(m);
    if (j >= k) {
      return past(s, so, i, c, k);
    }
    double fr = m - j;
    double pj = past(s, so, i, c, j);
    return fr == 0 ? pj : pj + fr * (past(s, so, i, c, j + 1) - pj);
  }

  /** The command {@code j} steps ago ({@code j = 0}: now). */
  private double past(double[] s, int so, int i, double c, int j) {
    return j == 0 ? c : s[so + (3 + j) * n + i];
  }

  @Override
  public void probe(Probe probe, double[] states, int batch, double[] out) {
    AnalyticWorldModel.probeArm(probe, states, size, batch, out, chain, scratch, q, ee);
  }

  private static double clamp(double v, double lo, double hi) {
    return v < lo ? lo : (v > hi ? hi : v);
  }
}
