package io.telos.model;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import java.util.Arrays;
import java.util.List;

/**
 * How each joint of a position-controlled arm follows its position command: after a dead time
 * {@code d} the measured position approaches the command with a first-order lag {@code τ}, never
 * faster than a speed ceiling {@code v̄}:
 *
 * <pre>
 *   q̇(t) = clamp((c(t − d) − q(t)) / τ, −v̄, v̄)
 * </pre>
 *
 * A joint with {@code τ = 0} and {@code d = 0} follows its command at once (up to the ceiling). The
 * ideal response ({@link #ideal(int)}: no lag, no dead time, no ceiling) is what a kinematic model
 * assumes. Values are per joint, in chain order; accessors for whole arrays return copies.
 *
 * <p>{@link Filter} is the discrete form, shared by everything that needs to pass a command through
 * the response: the simulator (as its plant), the safety kernel (as its tracking reference) and the
 * identification tests.
 */
public final class ActuatorResponse {
  /** Largest lag accepted, s. */
  public static final double MAX_LAG_S = 5.0;
  /** Largest dead time accepted, s. */
  public static final double MAX_DEAD_TIME_S = 1.0;

  /** The keys of a response in a settings section: {@code lag_s}, {@code dead_time_ms}, {@code max_velocity}. */
  public static final List<String> KEYS = List.of("lag_s", "dead_time_ms", "max_velocity");
  /** Range of {@code max_velocity}, rad/s or m/s. */
  private static final double MIN_CEILING = 1e-3;
  private static final double MAX_CEILING = 1e4;

  private final double[] lagS;
  private final double[] deadTimeS;
  private final double[] maxVelocity;

  /** Whether {@code section} sets any of {@link #KEYS}. */
  public static boolean declaredIn(Settings section) {
    return KEYS.stream().anyMatch(section.asMap()::containsKey);
  }

  /**
   * Checks the response keys of {@code section} where the number of joints is not known yet: each
   * one number or a list of numbers, in range ({@code lag_s} s in [0, 5], {@code dead_time_ms} in
   * [0, 1000], {@code max_velocity} in [0.001, 10000]).
   */
  public static void check(Settings section) {
    section.checkPerJoint(KEYS.get(0), 0, MAX_LAG_S);
    section.checkPerJoint(KEYS.get(1), 0, MAX_DEAD_TIME_S * 1e3);
    section.checkPerJoint(KEYS.get(2), MIN_CEILING, MAX_CEILING);
  }

  /**
   * The response {@code section} declares, the one parser of the keys wherever they appear
   * ({@code robot.response}, the simulator's bridge section): each key one number for every joint
   * or a list of one per joint; no lag, no dead time and no ceiling where a key is absent.
   *
   * @param dof the number of joints, or -1 when not known yet: then as many joints as the lists
   *     have (the lists must agree), one when every key is a single number
   * @throws ConfigException naming the key and what is allowed
   */
  public static ActuatorResponse parse(Settings section, int dof) {
    check(section);
    int n = dof;
    if (n < 0) {
      n = 1;
      String listKey = null;
      for (String k : KEYS) {
        if (section.asMap().get(k) instanceof List<?> l) {
          if (l.isEmpty()) {
            throw new ConfigException(section.key(k) + ": must be one number or a non-empty list (one per joint)");
          }
          if (listKey != null && l.size() != n) {
            throw new ConfigException(section.key(k) + ": has " + l.size() + " entries but " + section.key(listKey)
                + " has " + n + " (one per joint in both, or a single number)");
          }
          n = l.size();
          listKey = k;
        }
      }
    }
    double[] lag = section.perJoint(KEYS.get(0), n, 0, 0, MAX_LAG_S);
    double[] dead = section.perJoint(KEYS.get(1), n, 0, 0, MAX_DEAD_TIME_S * 1e3);
    for (int i = 0; i < n; i++) {
      dead[i] /= 1e3;
    }
    double[] ceiling = section.asMap().containsKey(KEYS.get(2))
        ? section.perJoint(KEYS.get(2), n, MAX_CEILING, MIN_CEILING, MAX_CEILING)
        : filled(n, Double.POSITIVE_INFINITY);
    return new ActuatorResponse(lag, dead, ceiling);
  }

  private static double[] filled(int n, double v) {
    double[] out = new double[n];
    Arrays.fill(out, v);
    return out;
  }

  /**
   * @param lagS per-joint first-order time constant, s, in [0, {@value #MAX_LAG_S}]
   * @param deadTimeS per-joint dead time, s, in [0, {@value #MAX_DEAD_TIME_S}]
   * @param maxVelocity per-joint speed ceiling actually achieved (rad/s or m/s), > 0;
   *     {@link Double#POSITIVE_INFINITY} for none
   * @throws IllegalArgumentException when the arrays differ in length or a value is out of range
   */
  public ActuatorResponse(double[] lagS, double[] deadTimeS, double[] maxVelocity) {
    int n = lagS.length;
    if (deadTimeS.length != n || maxVelocity.length != n) {
      throw new IllegalArgumentException("response arrays must all have " + n + " entries, had lag " + n
          + ", dead time " + deadTimeS.length + ", max velocity " + maxVelocity.length);
    }
    for (int i = 0; i < n; i++) {
      if (!(lagS[i] >= 0 && lagS[i] <= MAX_LAG_S)) {
        throw new IllegalArgumentException("joint " + i + ": lag_s must be in [0, " + MAX_LAG_S + "], was " + lagS[i]);
      }
      if (!(deadTimeS[i] >= 0 && deadTimeS[i] <= MAX_DEAD_TIME_S)) {
        throw new IllegalArgumentException("joint " + i + ": dead_time_ms must be in [0, " + MAX_DEAD_TIME_S * 1e3
            + "], was " + deadTimeS[i] * 1e3);
      }
      if (!(maxVelocity[i] > 0)) {
        throw new IllegalArgumentException("joint " + i + ": max_velocity must be > 0, was " + maxVelocity[i]);
      }
    }
    this.lagS = lagS.clone();
    this.deadTimeS = deadTimeS.clone();
    this.maxVelocity = maxVelocity.clone();
  }

  /** No lag, no dead time, no speed ceiling. */
  public static ActuatorResponse ideal(int n) {
    double[] inf = new double[n];
    Arrays.fill(inf, Double.POSITIVE_INFINITY);
    return new ActuatorResponse(new double[n], new double[n], inf);
  }

  /**
   * This response with the lag and dead time identified on the arm where they are known: a
   * finite entry replaces this response's value for that joint (clamped into range), NaN keeps it
   * (a joint that did not move enough to tell). The speed ceilings are kept.
   */
  public ActuatorResponse adopting(double[] identifiedLagS, double[] identifiedDeadTimeS) {
    double[] keep = new double[lagS.length];
    Arrays.fill(keep, Double.NaN);
    return adopting(identifiedLagS, identifiedDeadTimeS, keep);
  }

  /**
   * As {@link #adopting(double[], double[])}, with the speed ceilings seen on the arm: a finite
   * ceiling replaces this response's (clamped to at least 0.001); NaN or +∞ (none seen — the arm may
   * just not have gone that fast) keeps it.
   */
  public ActuatorResponse adopting(double[] identifiedLagS, double[] identifiedDeadTimeS,
      double[] identifiedMaxVelocity) {
    int n = lagS.length;
    if (identifiedLagS.length != n || identifiedDeadTimeS.length != n || identifiedMaxVelocity.length != n) {
      throw new IllegalArgumentException("identified response for " + identifiedLagS.length + "/"
          + identifiedDeadTimeS.length + "/" + identifiedMaxVelocity.length + " joints, this one has " + n);
    }
    double[] lag = lagS.clone();
    double[] dead = deadTimeS.clone();
    double[] ceiling = maxVelocity.clone();
    for (int i = 0; i < n; i++) {
      if (Double.isFinite(identifiedLagS[i])) {
        lag[i] = Math.min(Math.max(identifiedLagS[i], 0), MAX_LAG_S);
      }
      if (Double.isFinite(identifiedDeadTimeS[i])) {
        dead[i] = Math.min(Math.max(identifiedDeadTimeS[i], 0), MAX_DEAD_TIME_S);
      }
      if (Double.isFinite(identifiedMaxVelocity[i])) {
        ceiling[i] = Math.min(Math.max(identifiedMaxVelocity[i], MIN_CEILING), MAX_CEILING);
      }
    }
    return new ActuatorResponse(lag, dead, ceiling);
  }

  /** The same response on every joint; {@code maxVelocity} may be infinite (no ceiling). */
  public static ActuatorResponse uniform(int n, double lagS, double deadTimeS, double maxVelocity) {
    double[] l = new double[n];
    double[] d = new double[n];
    double[] v = new double[n];
    Arrays.fill(l, lagS);
    Arrays.fill(d, deadTimeS);
    Arrays.fill(v, maxVelocity);
    return new ActuatorResponse(l, d, v);
  }

  public int size() {
    return lagS.length;
  }

  public double lagS(int i) {
    return lagS[i];
  }

  public double deadTimeS(int i) {
    return deadTimeS[i];
  }

  public double maxVelocity(int i) {
    return maxVelocity[i];
  }

  public double[] lagS() {
    return lagS.clone();
  }

  public double[] deadTimeS() {
    return deadTimeS.clone();
  }

  public double[] maxVelocity() {
    return maxVelocity.clone();
  }

  /** True when no joint lags, waits or has a speed ceiling. */
  public boolean isIdeal() {
    for (int i = 0; i < lagS.length; i++) {
      if (lagS[i] != 0 || deadTimeS[i] != 0 || maxVelocity[i] != Double.POSITIVE_INFINITY) {
        return false;
      }
    }
    return true;
  }

  /** Largest dead time over the joints, s. */
  public double maxDeadTimeS() {
    double m = 0;
    for (double d : deadTimeS) {
      m = Math.max(m, d);
    }
    return m;
  }

  /** The speed ceiling of joint {@code i} combined with a velocity limit: the smaller of the two. */
  public double achievableVelocity(int i, double velocityLimit) {
    return Math.min(velocityLimit, maxVelocity[i]);
  }

  /** A new discrete filter of this response, stepping by {@code stepS}, starting at rest at {@code q0}. */
  public Filter filter(double stepS, double[] q0) {
    return new Filter(this, stepS, q0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ActuatorResponse r && Arrays.equals(lagS, r.lagS) && Arrays.equals(deadTimeS, r.deadTimeS)
        && Arrays.equals(maxVelocity, r.maxVelocity);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(lagS) * 31 * 31 + Arrays.hashCode(deadTimeS) * 31 + Arrays.hashCode(maxVelocity);
  }

  @Override
  public String toString() {
    return "ActuatorResponse[lag_s=" + Arrays.toString(lagS) + ", dead_time_s=" + Arrays.toString(deadTimeS)
        + ", max_velocity=" + Arrays.toString(maxVelocity) + "]";
  }

  /**
   * The response in discrete time with a fixed step: a delay line of the commands (dead time,
   * linearly interpolated between samples for a dead time that is not a whole number of steps)
   * followed by the exact discretisation of the first-order lag, {@code q += (1 − e^(−h/τ))(c − q)},
   * with the step clamped to {@code v̄·h}. Deterministic, allocation-free per step, not
   * thread-safe.
   */
  public static final class Filter {
    private final int n;
    private final double stepS;
    private final double[] alpha;
    private final double[] maxStep;
    private final int[] delaySteps;
    private final double[] delayFrac;
    private final double[][] line; // per joint ring of past commands, newest at head
    private final int len;
    private int head;
    private final double[] q;
    private final double[] qd;

    Filter(ActuatorResponse r, double stepS, double[] q0) {
      if (!(stepS > 0) || !Double.isFinite(stepS)) {
        throw new IllegalArgumentException("filter step must be a finite number > 0, was " + stepS);
      }
      this.n = r.size();
      if (q0.length != n) {
        throw new IllegalArgumentException("initial position has " + q0.length + " joints, response " + n);
      }
      this.stepS = stepS;
      this.alpha = new double[n];
      this.maxStep = new double[n];
      this.delaySteps = new int[n];
      this.delayFrac = new double[n];
      int longest = 0;
      for (int i = 0; i < n; i++) {
        alpha[i] = r.lagS[i] == 0 ? 1.0 : -Math.expm1(-stepS / r.lagS[i]);
        maxStep[i] = r.maxVelocity[i] * stepS;
        double steps = r.deadTimeS[i] / stepS;
        double whole = Math.rint(steps);
        if (Math.abs(steps - whole) <= 1e-9 * Math.max(1.0, steps)) {
          steps = whole; // 0.03 s / 0.001 s is 29.999999999999996: a whole number of steps, not 29 and a fraction
        }
        delaySteps[i] = (int) Math.floor(steps);
        delayFrac[i] = steps - delaySteps[i];
        longest = Math.max(longest, delaySteps[i] + 2);
      }
      this.len = Math.max(longest, 2);
      this.line = new double[n][len];
      this.q = q0.clone();
      this.qd = new double[n];
      for (int i = 0; i < n; i++) {
        Arrays.fill(line[i], q0[i]);
      }
    }

    /** The step this filter was built for, s. */
    public double stepS() {
      return stepS;
    }

    /**
     * Advances one step with {@code command} (chain order) applied from now on; the response's
     * position after the step is in {@link #position()}.
     */
    public void step(double[] command) {
      head = (head + 1) % len;
      for (int i = 0; i < n; i++) {
        double[] l = line[i];
        l[head] = command[i];
        int k = delaySteps[i];
        double a = l[Math.floorMod(head - k, len)];
        double delayed = delayFrac[i] == 0 ? a : a + delayFrac[i] * (l[Math.floorMod(head - k - 1, len)] - a);
        double dq = alpha[i] * (delayed - q[i]);
        if (dq > maxStep[i]) {
          dq = maxStep[i];
        } else if (dq < -maxStep[i]) {
          dq = -maxStep[i];
        }
        q[i] += dq;
        qd[i] = dq / stepS;
      }
    }

    /** Restarts the filter at rest at {@code q0}: every past command is {@code q0}. */
    public void reset(double[] q0) {
      for (int i = 0; i < n; i++) {
        q[i] = q0[i];
        qd[i] = 0;
        Arrays.fill(line[i], q0[i]);
      }
    }

    /** The response's position after the last step (live view: do not modify). */
    public double[] position() {
      return q;
    }

    /** The response's velocity over the last step (live view: do not modify). */
    public double[] velocity() {
      return qd;
    }

    /** Position of joint {@code i}. */
    public double position(int i) {
      return q[i];
    }

    /** Velocity of joint {@code i} over the last step. */
    public double velocity(int i) {
      return qd[i];
    }
  }
}
