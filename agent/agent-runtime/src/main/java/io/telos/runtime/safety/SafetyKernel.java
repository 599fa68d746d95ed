package io.telos.runtime.safety;

import io.telos.api.ActionChunk;
import io.telos.api.Fault.Severity;
import io.telos.api.Mode;
import io.telos.api.Setpoint;
import io.telos.api.Vec;
import io.telos.model.ActuatorResponse;
import io.telos.model.CollisionModel;
import io.telos.model.JointLimits;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The last word before a robot: turns the active plan (or a stop) into one joint command per servo
 * tick that is always finite and inside the position, velocity and acceleration limits.
 *
 * <p>Per tick: validate the measured state (stale → HOLD; the first fresh state after that
 * re-anchors the command where the arm is), check tracking error (too large → protective stop),
 * adopt the newest plan from the lock-free handoff (malformed → rejected), then interpolate it one
 * tick ahead (in TELEOP: integrate the operator's jog velocity instead, while the lease holder's
 * heartbeat is fresh, else protective stop) and pass the result through a limiter: velocity clamp,
 * acceleration clamp, braking distance to the position limits, position clamp. Without a fresh
 * plan, or in HOLD / PROTECTIVE_STOP, the limiter brings the velocity to zero at the acceleration
 * limit (a controlled stop) and then holds.
 *
 * <p>Not thread-safe except {@link #offer(ActionChunk)} and {@link #adoptResponse}: one servo
 * thread calls {@link #tick}. Allocation-free in steady state.
 */
public final class SafetyKernel {
  private final int n;
  private final double[] lo;
  private final double[] hi;
  private final double[] vmax;
  private final double[] amax;
  private final double dt;
  private final long periodNs;
  private final SafetyConfig config;
  private final ModeArbiter arbiter;
  private final FaultSink faults;

  private final double[] cmdPos;
  private final double[] cmdVel;
  private final double[] desired;
  private final double[] planStartPos;
  /** The arm's response, or null when it follows its commands at once. */
  private ActuatorResponse response;
  /** A response adopted from another thread, taken up on the next tick with a fresh state. */
  private final AtomicReference<ActuatorResponse> adoptedResponse = new AtomicReference<>();
  /** The commands passed through the response: where the arm should be (null for an ideal response). */
  private ActuatorResponse.Filter expected;
  /** The last {@value #EXPECTED_HISTORY} expected positions, one per tick (a ring), newest at {@code expectedHead}. */
  private double[][] expectedRing;
  private int expectedHead;
  private long expectedCount;
  private boolean initialized;

  /**
   * Ticks of expected positions kept, to compare a measurement with where the arm should have been
   * when it was taken.
   */
  static final int EXPECTED_HISTORY = 256;

  private volatile ActionChunk offered;
  private ActionChunk active;
  private ActionChunk rejected;
  private long planStartNs;
  private int cursor;

  private boolean stateStaleReported;
  private long staleHoldMark = -1;
  private long freshSinceNs = -1;
  /** When the current blind spell (stale or invalid states) began, or -1 while states are fresh. */
  private long blindSinceNs = -1;
  private volatile long reanchors;
  private boolean planStaleReported;
  private volatile long badPlans; // written by the servo thread only; read by metrics
  private long staleTicks;
  private boolean following;
  private volatile OperatorInput operator;
  private final double[] jogVel;
  private Mode lastMode;
  private long minPlanStampNs = Long.MIN_VALUE;
  private boolean deadmanReported;
  private final CollisionGuard guard;

  public SafetyKernel(JointLimits limits, SafetyConfig config, ModeArbiter arbiter, FaultSink faults) {
    this(limits, ActuatorResponse.ideal(limits.size()), config, arbiter, faults);
  }

  /**
   * A kernel for an arm that follows its commands through {@code response}: the tracking-error
   * check compares the measured positions with the commands passed through that response (a slow
   * arm is not a blocked one), rather than with the commands themselves.
   */
  public SafetyKernel(JointLimits limits, ActuatorResponse response, SafetyConfig config, ModeArbiter arbiter,
      FaultSink faults) {
    this.n = limits.size();
    if (response.size() != n) {
      throw new IllegalArgumentException("response for " + response.size() + " joints, limits for " + n);
    }
    this.response = response.isIdeal() ? null : response;
    this.lo = limits.lower();
    this.hi = limits.upper();
    this.vmax = limits.velocity();
    this.amax = limits.acceleration();
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(lo[i]) || !Double.isFinite(hi[i])) {
        // continuous joints: the kernel still needs finite numbers to clamp against
        lo[i] = Math.max(lo[i], -1e6);
        hi[i] = Math.min(hi[i], 1e6);
      }
    }
    this.config = config;
    this.periodNs = config.periodNs();
    this.dt = periodNs / 1e9;
    this.arbiter = arbiter;
    this.faults = faults;
    this.cmdPos = new double[n];
    this.cmdVel = new double[n];
    this.desired = new double[n];
    this.planStartPos = new double[n];
    this.jogVel = new double[n];
    this.guard = new CollisionGuard(n, lo, hi, amax, dt, cmdPos, cmdVel, this::limit, faults);
  }

  /**
   * Checks every plan against the arm's collision geometry before adopting it: a plan with a
   * setpoint where two links that may not touch overlap, or a link is below the table, deeper than
   * the arm is where it is commanded now, is rejected ({@code BAD_PLAN}); so is one whose straight
   * joint-space path between setpoints (from the current command to the first, then on), sampled
   * every {@link CollisionGuard#SWEEP_STEP} rad (m) on the joint that moves most, goes deeper: a
   * sparse plan cannot step over the table or a link. The arm keeps to the plan it follows (and
   * stops when that runs out). A plan that backs out of an overlap is accepted. On every tick that
   * follows a plan, the command is also taken only if its stopping point goes no deeper into a
   * collision than the command is now, else the kernel brakes ({@link #collisionBrakes()}).
   * Call before the servo thread starts; null turns the check off.
   */
  public void setCollisionModel(CollisionModel model) {
    guard.setModel(model);
  }

  /**
   * Ticks on which the kernel braked instead of following because the command's stopping point
   * (where it would come to rest braking at the acceleration limits) would have gone deeper into
   * a collision than the command is now.
   */
  public long collisionBrakes() {
    return guard.collisionBrakes();
  }

  /** Plans rejected because a setpoint collides (part of {@link #badPlans()}). */
  public long collidingPlans() {
    return guard.collidingPlans();
  }

  /** Connects teleoperation: in TELEOP the kernel follows this input's jog, through the same limiter. */
  public void setOperatorInput(OperatorInput input) {
    this.operator = input;
  }

  /**
   * From the next tick with a fresh state, judges tracking against {@code next} (the response
   * identified on the arm and adopted by the runtime): the expected positions start again where
   * the arm is measured and follow the commands through the new response. Safe from any thread.
   */
  public void adoptResponse(ActuatorResponse next) {
    if (next.size() != n) {
      throw new IllegalArgumentException("response for " + next.size() + " joints, kernel for " + n);
    }
    adoptedResponse.set(next);
  }

  /** The response the tracking check uses now (ideal when the arm is taken to follow at once). */
  public ActuatorResponse response() {
    return response == null ? ActuatorResponse.ideal(n) : response;
  }

  /** Hands a new plan to the kernel; safe from any thread. */
  public void offer(ActionChunk plan) {
    offered = plan;
  }

  /**
   * One servo tick.
   *
   * @param nowNs the current time
   * @param measured measured joint positions in chain order, or null when there is no valid state
   * @param stateStampNs stamp of the measured state
   * @return true when a command is ready in {@link #commandPosition()} / {@link #commandVelocity()};
   *     false only before the first valid state (nothing may be sent yet)
   */
  public boolean tick(long nowNs, double[] measured, long stateStampNs) {
    boolean valid = measured != null && finite(measured);
    if (!initialized) {
      if (!valid) {
        return false;
      }
      anchor(measured, false);
      initialized = true;
    }
    boolean stale = !valid || nowNs - stateStampNs > config.stateTimeoutNs();
    if (stale) {
      onStale(nowNs, measured, stateStampNs, valid);
    } else {
      onFresh(nowNs, measured);
      checkTracking(nowNs, measured, stateStampNs);
    }
    Mode mode = arbiter.mode();
    if (mode != lastMode) {
      if (mode == Mode.AUTONOMOUS && lastMode != null) {
        // back to autonomy (after HOLD, TELEOP or a reset): only plans made from states measured from
        // now on may drive the arm, and they blend from where the arm is, not from an old plan
        active = null;
        minPlanStampNs = valid ? stateStampNs : nowNs;
      }
      deadmanReported = false;
      lastMode = mode;
    }
    adoptOffered(nowNs);
    following = follow(nowNs, mode, stale);
    if (guard.enabled() && following) {
      guard.limit();
    } else {
      limit(following);
    }
    if (expected != null) {
      expected.step(cmdPos);
      expectedHead = (expectedHead + 1) % EXPECTED_HISTORY;
      System.arraycopy(expected.position(), 0, expectedRing[expectedHead], 0, n);
      expectedCount++;
    }
    return true;
  }

  /** A stale or invalid state: reported once per spell, and the arm held if it was autonomous. */
  private void onStale(long nowNs, double[] measured, long stateStampNs, boolean valid) {
    staleTicks++;
    blindSinceNs = blindSinceNs < 0 ? nowNs : blindSinceNs;
    if (!stateStaleReported) {
      stateStaleReported = true;
      String why = measured == null ? "no joint state" : !valid ? "joint state has non-finite values"
          : "joint state is " + (nowNs - stateStampNs) / 1_000_000 + " ms old";
      faults.fault(Severity.ERROR, "STATE_STALE", why + "; holding");
      if (arbiter.mode() == Mode.AUTONOMOUS && arbiter.request(Mode.HOLD, "STATE_STALE: " + why)) {
        staleHoldMark = arbiter.transitions();
      }
    }
    freshSinceNs = -1;
  }

  /**
   * A fresh state: re-anchors after a blind spell, resumes autonomy after our own stale HOLD once
   * states have been fresh long enough, and takes up an adopted response.
   */
  private void onFresh(long nowNs, double[] measured) {
    stateStaleReported = false;
    if (freshSinceNs < 0) {
      freshSinceNs = nowNs;
    }
    if (blindSinceNs >= 0) {
      reanchorAfterBlindSpell(nowNs, measured);
    }
    if (staleHoldMark >= 0 && config.resumeAfterNs() > 0 && nowNs - freshSinceNs >= config.resumeAfterNs()) {
      // resume only if nobody (operator, another fault) changed the mode since our own HOLD
      if (arbiter.transitions() == staleHoldMark && arbiter.mode() == Mode.HOLD) {
        arbiter.request(Mode.AUTONOMOUS, "STATE_FRESH: states fresh again for "
            + config.resumeAfterNs() / 1_000_000 + " ms");
      }
      staleHoldMark = -1;
    }
    if (adoptedResponse.get() != null) { // a plain read per tick; the swap only when one was adopted
      switchResponse(adoptedResponse.getAndSet(null), measured);
    }
  }

  /**
   * The tracking-error check: the measurement against the command (or, for an arm that lags, the
   * command passed through its response at the measurement's stamp); too far is a protective stop.
   */
  private void checkTracking(long nowNs, double[] measured, long stateStampNs) {
    double worst = 0;
    int worstJoint = 0;
    double[] reference = expected == null ? cmdPos : expectedAt(nowNs - stateStampNs);
    for (int i = 0; i < n; i++) {
      double e = Math.abs(reference[i] - measured[i]);
      if (e > worst) {
        worst = e;
        worstJoint = i;
      }
    }
    if (worst > config.trackingErrorRad() && arbiter.mode() != Mode.PROTECTIVE_STOP) {
      faults.fault(Severity.CRITICAL, "TRACKING_ERROR",
          "joint " + worstJoint + " is " + worst + " from " + (expected == null ? "its command" : "its command passed"
              + " through the arm's response") + " (limit " + config.trackingErrorRad() + ")");
      arbiter.protectiveStop("TRACKING_ERROR on joint " + worstJoint);
    }
  }

  /**
   * What the command should follow this tick into {@link #desired} (the operator's jog in TELEOP,
   * the active plan in AUTONOMOUS); false to brake to rest instead (a stale state, deadman lost —
   * checked even while states are stale —, no plan or a stale one, any other mode).
   */
  private boolean follow(long nowNs, Mode mode, boolean stale) {
    if (mode == Mode.TELEOP) {
      OperatorInput in = operator;
      if (in == null || !in.alive(nowNs)) {
        if (!deadmanReported) {
          deadmanReported = true;
          String why = in == null ? "no teleoperation input is connected" : in.deadReason(nowNs);
          faults.fault(Severity.CRITICAL, "DEADMAN", why + "; protective stop");
          arbiter.protectiveStop("DEADMAN: " + why);
        }
        return false;
      }
      if (stale || !in.velocity(nowNs, cmdPos, cmdVel, jogVel)) {
        return false;
      }
      for (int i = 0; i < n; i++) {
        desired[i] = cmdPos[i] + jogVel[i] * dt;
      }
      return true;
    }
    if (mode != Mode.AUTONOMOUS || stale || active == null) {
      return false;
    }
    if (nowNs - active.header().stampNs() <= config.planTimeoutNs()) {
      interpolate(nowNs + periodNs);
      planStaleReported = false;
      return true;
    }
    if (!planStaleReported) {
      planStaleReported = true;
      faults.fault(Severity.WARNING, "PLAN_STALE",
          "no plan newer than " + config.planTimeoutNs() / 1_000_000 + " ms; controlled stop");
    }
    return false;
  }

  /**
   * Starts the command where the arm is, with the response's history there too; at rest, or
   * ({@code keepVelocity}) with the command's velocity kept so that braking goes on within the
   * acceleration limit instead of stopping in one tick.
   */
  private void anchor(double[] measured, boolean keepVelocity) {
    for (int i = 0; i < n; i++) {
      cmdPos[i] = clamp(measured[i], lo[i], hi[i]);
      if (!keepVelocity) {
        cmdVel[i] = 0;
      }
    }
    if (response != null) {
      expected = response.filter(dt, cmdPos);
      expectedRing = new double[EXPECTED_HISTORY][n];
      System.arraycopy(cmdPos, 0, expectedRing[0], 0, n);
      expectedHead = 0;
      expectedCount = 1;
    }
  }

  /** Takes up an adopted response: the expected positions restart at the measured ones. */
  private void switchResponse(ActuatorResponse next, double[] measured) {
    response = next.isIdeal() ? null : next;
    if (response == null) {
      expected = null;
      return;
    }
    double[] q = new double[n];
    for (int i = 0; i < n; i++) {
      q[i] = clamp(measured[i], lo[i], hi[i]);
    }
    expected = response.filter(dt, q);
    expectedRing = new double[EXPECTED_HISTORY][n];
    System.arraycopy(q, 0, expectedRing[0], 0, n);
    expectedHead = 0;
    expectedCount = 1;
  }

  /**
   * The first fresh state after a blind spell (states stale or invalid). While blind, the kernel
   * kept braking its own command toward rest, but it cannot know what reached the arm: over a lost
   * link the arm went on to the last command it received, so the command and the arm may now be
   * far apart without anything being wrong. Comparing them would stop the arm for a tracking error
   * it does not have (a protective stop an operator must reset), and braking on from the kernel's
   * stale command would move the arm. Instead the command starts again where the arm is — as at
   * start-up, the least motion the arm can be told — braking what is left of its velocity within
   * the acceleration limit (HOLD), and a gap larger than half the tracking limit is reported
   * ({@code REANCHORED}, a warning). A blocked arm is still caught: from here on the tracking check
   * compares it with commands that started from where it really is. Plans made before the spell
   * are not resumed (the HOLD that staleness requested discards them).
   */
  private void reanchorAfterBlindSpell(long nowNs, double[] measured) {
    double worst = 0;
    int worstJoint = 0;
    for (int i = 0; i < n; i++) {
      double e = Math.abs(cmdPos[i] - measured[i]);
      if (e > worst) {
        worst = e;
        worstJoint = i;
      }
    }
    long blindMs = (nowNs - blindSinceNs) / 1_000_000;
    blindSinceNs = -1;
    anchor(measured, true);
    reanchors++;
    if (worst > config.trackingErrorRad() / 2) {
      faults.fault(Severity.WARNING, "REANCHORED", "after " + blindMs + " ms without fresh states joint "
          + worstJoint + " is " + worst + " rad from the last command; holding where the arm is");
    }
  }

  /** Times the command was re-anchored at the measured position after a blind spell. */
  public long reanchors() {
    return reanchors;
  }

  /**
   * Where the arm should have been {@code ageNs} ago (the measurement's age): the expected position
   * of that tick, so a state that arrives late is not compared with where the arm is only now.
   */
  private double[] expectedAt(long ageNs) {
    long ticks = Math.max(0, Math.round((double) ageNs / periodNs));
    ticks = Math.min(ticks, Math.min(expectedCount, EXPECTED_HISTORY) - 1);
    return expectedRing[Math.floorMod(expectedHead - (int) ticks, EXPECTED_HISTORY)];
  }


  private void adoptOffered(long nowNs) {
    ActionChunk p = offered;
    if (p == null || p == active || p == rejected || p.header().stampNs() < minPlanStampNs) {
      return;
    }
    String problem = validate(p);
    if (problem != null) {
      rejected = p;
      badPlans++;
      faults.fault(Severity.WARNING, "BAD_PLAN", problem + "; plan rejected");
      return;
    }
    active = p;
    cursor = 0;
    planStartNs = nowNs;
    System.arraycopy(cmdPos, 0, planStartPos, 0, n);
  }

  private String validate(ActionChunk p) {
    List<Setpoint> sps = p.setpoints();
    long prev = Long.MIN_VALUE;
    for (int k = 0; k < sps.size(); k++) {
      Setpoint s = sps.get(k);
      if (s.position().size() != n || (!s.velocity().isEmpty() && s.velocity().size() != n)) {
        return "setpoint " + k + " has " + s.position().size() + " positions for " + n + " joints";
      }
      if (!s.position().isFinite() || !s.velocity().isFinite()) {
        return "setpoint " + k + " has non-finite values";
      }
      if (s.timeNs() <= prev) {
        return "setpoint times are not increasing at " + k;
      }
      prev = s.timeNs();
    }
    return guard.checkPath(sps);
  }

  /** Desired positions at time {@code t} from the active plan, seam-blended from where it started. */
  private void interpolate(long t) {
    List<Setpoint> sps = active.setpoints();
    Setpoint first = sps.get(0);
    if (t <= first.timeNs()) {
      long span = first.timeNs() - planStartNs;
      double f = span <= 0 ? 1 : (double) (t - planStartNs) / span;
      f = clamp(f, 0, 1);
      Vec p = first.position();
      for (int i = 0; i < n; i++) {
        desired[i] = planStartPos[i] + f * (p.get(i) - planStartPos[i]);
      }
      return;
    }
    int last = sps.size() - 1;
    while (cursor < last && sps.get(cursor + 1).timeNs() <= t) {
      cursor++;
    }
    Setpoint a = sps.get(cursor);
    if (cursor == last) {
      a.position().copyTo(desired);
      return;
    }
    Setpoint b = sps.get(cursor + 1);
    double f = (double) (t - a.timeNs()) / (b.timeNs() - a.timeNs());
    for (int i = 0; i < n; i++) {
      double pa = a.position().get(i);
      desired[i] = pa + f * (b.position().get(i) - pa);
    }
  }

  private void limit(boolean follow) {
    for (int i = 0; i < n; i++) {
      double p = cmdPos[i];
      double vPrev = cmdVel[i];
      double dv = amax[i] * dt;
      double v = follow ? (desired[i] - p) / dt : 0.0;
      v = clamp(v, -vmax[i], vmax[i]);
      v = clamp(v, vPrev - dv, vPrev + dv);
      // braking distance: always able to stop at the acceleration limit before a position limit
      double up = brakingSpeed(hi[i] - p, amax[i]);
      double down = brakingSpeed(p - lo[i], amax[i]);
      v = clamp(v, -down, up);
      double next = clamp(p + v * dt, lo[i], hi[i]);
      cmdVel[i] = (next - p) / dt;
      cmdPos[i] = next;
    }
  }

  /**
   * Largest speed from which the discrete stopping sequence v, v - aΔt, v - 2aΔt, … 0 covers at most
   * {@code d}. Exact for the tick-by-tick integration used here, so the tail of a stop always lands
   * on (never past) a position limit without exceeding the acceleration limit.
   */
  private double brakingSpeed(double d, double a) {
    if (d <= 0) {
      return 0;
    }
    double u = a * dt;
    double big = d / dt;
    double m = Math.floor((-1 + Math.sqrt(1 + 8 * big / u)) / 2);
    double v = (big + u * m * (m + 1) / 2) / (m + 1);
    return Math.min(v, (m + 1) * u);
  }

  private static boolean finite(double[] v) {
    for (double x : v) {
      if (!Double.isFinite(x)) {
        return false;
      }
    }
    return true;
  }

  static double clamp(double v, double lo, double hi) {
    return v < lo ? lo : (v > hi ? hi : v);
  }

  /** The last command's positions (the kernel's own array: copy, do not keep). */
  public double[] commandPosition() {
    return cmdPos;
  }

  /** The last command's velocities (the kernel's own array). */
  public double[] commandVelocity() {
    return cmdVel;
  }

  public int dof() {
    return n;
  }

  public long periodNs() {
    return periodNs;
  }

  /** Whether the last tick followed a plan (false: stopping or holding). */
  public boolean following() {
    return following;
  }

  public long badPlans() {
    return badPlans;
  }

  public long staleTicks() {
    return staleTicks;
  }

  public ModeArbiter arbiter() {
    return arbiter;
  }
}
