package io.telos.runtime.safety;

import io.telos.api.Fault.Severity;
import io.telos.api.Setpoint;
import io.telos.api.Vec;
import io.telos.model.CollisionModel;
import java.util.List;

/**
 * The {@link SafetyKernel}'s collision guard, against the arm's collision geometry (see
 * {@link SafetyKernel#setCollisionModel}): before a plan is adopted, its path is swept for a
 * configuration deeper in a collision than the command is now; on every tick that follows a plan,
 * the command is taken only if its stopping point goes no deeper, else the kernel brakes. Works on
 * the kernel's own command arrays and runs its limiter. Not thread-safe: the servo thread calls it
 * (the model is set before that thread starts); the counters are volatile, for metrics.
 */
final class CollisionGuard {
  /** The kernel's limiter on the command: toward the desired positions ({@code follow}) or to rest. */
  interface Limiter {
    void limit(boolean follow);
  }

  /** Spacing of the collision checks along a plan's path, on the joint that moves most, rad (m). */
  static final double SWEEP_STEP = 0.02;
  /** Unbraked time after which a new brake is a new episode (reported again), s. */
  static final double BRAKE_REPORT_QUIET_S = 0.5;

  private final int n;
  private final double[] lo;
  private final double[] hi;
  private final double[] amax;
  private final double dt;
  private final double[] cmdPos;
  private final double[] cmdVel;
  private final Limiter limiter;
  private final FaultSink faults;

  private CollisionModel.Checker collision;
  private double[] setpointQ;
  private double[] previousQ;
  private double[] sweepQ;
  private volatile long collidingPlans;
  private double[] savedPos;
  private double[] savedVel;
  private double[] stopQ;
  private volatile long collisionBrakes;
  private long clearTicks = Long.MAX_VALUE; // guarded ticks followed since the last brake

  /**
   * @param lo the kernel's lower position limits (its own array, made finite)
   * @param hi the kernel's upper position limits (likewise)
   * @param amax the acceleration limits
   * @param dt the servo period, s
   * @param cmdPos the kernel's command positions (its own array, read and written here)
   * @param cmdVel the kernel's command velocities (likewise)
   * @param limiter the kernel's limiter, run on {@code cmdPos} / {@code cmdVel}
   * @param faults where a brake is reported
   */
  CollisionGuard(int n, double[] lo, double[] hi, double[] amax, double dt, double[] cmdPos, double[] cmdVel,
      Limiter limiter, FaultSink faults) {
    this.n = n;
    this.lo = lo;
    this.hi = hi;
    this.amax = amax;
    this.dt = dt;
    this.cmdPos = cmdPos;
    this.cmdVel = cmdVel;
    this.limiter = limiter;
    this.faults = faults;
  }

  /** Checks against {@code model} from now on; null turns the guard off. Before the servo thread starts. */
  void setModel(CollisionModel model) {
    this.collision = model == null ? null : model.newChecker();
    this.setpointQ = new double[n];
    this.previousQ = new double[n];
    this.sweepQ = new double[n];
    this.savedPos = new double[n];
    this.savedVel = new double[n];
    this.stopQ = new double[n];
  }

  /** Whether a collision model is set. */
  boolean enabled() {
    return collision != null;
  }

  /** Plans rejected because their path collides. */
  long collidingPlans() {
    return collidingPlans;
  }

  /** Ticks on which the kernel braked instead of following (see {@link #limit()}). */
  long collisionBrakes() {
    return collisionBrakes;
  }

  /**
   * Why a plan's setpoints {@code sps} may not be adopted, or null when they may (or no model is
   * set): the straight joint-space path from the current command to the first setpoint, then on
   * from setpoint to setpoint, sampled every {@link #SWEEP_STEP} rad (m) on the joint that moves
   * most, may go no deeper into a collision than the command is now.
   */
  String checkPath(List<Setpoint> sps) {
    if (collision != null) {
      double now = depth(cmdPos);
      System.arraycopy(cmdPos, 0, previousQ, 0, n);
      for (int k = 0; k < sps.size(); k++) {
        Vec pos = sps.get(k).position();
        double step = 0;
        for (int i = 0; i < n; i++) {
          setpointQ[i] = pos.get(i);
          step = Math.max(step, Math.abs(setpointQ[i] - previousQ[i]));
        }
        // the servo moves along the straight line between setpoints: check it, not only its ends
        int samples = Math.max(1, (int) Math.ceil(step / SWEEP_STEP));
        for (int j = 1; j <= samples; j++) {
          double f = (double) j / samples;
          for (int i = 0; i < n; i++) {
            sweepQ[i] = previousQ[i] + f * (setpointQ[i] - previousQ[i]);
          }
          double d = depth(sweepQ);
          if (d > now + 1e-9) {
            collidingPlans++;
            return (j == samples ? "setpoint " + k : "the path to setpoint " + k) + " collides ("
                + (collision.selfClearance() < 0 ? "links " + collision.closestPair()
                    : "link " + collision.lowestLink() + " below the table") + ", " + Math.round(d * 1000) + " mm)";
          }
        }
        System.arraycopy(setpointQ, 0, previousQ, 0, n);
      }
    }
    return null;
  }

  /**
   * The kernel's limiter with the collision guard: the tick's command is taken only when the point
   * where it would come to rest, braking from its velocity at the acceleration limits, is no deeper
   * in a collision than the command is now; otherwise the kernel brakes instead (a limiter tracking
   * a plan at speed overshoots its last setpoint by about v²/2a, and a stop carries on along the
   * velocity: both are checked here, since both reach the robot). Braking from a checked tick ends
   * at that tick's stopping point, so the command never goes deeper than it was.
   */
  void limit() {
    System.arraycopy(cmdPos, 0, savedPos, 0, n);
    System.arraycopy(cmdVel, 0, savedVel, 0, n);
    double now = depth(cmdPos);
    limiter.limit(true);
    for (int i = 0; i < n; i++) {
      double v = cmdVel[i];
      double stop = v * Math.abs(v) / (2 * amax[i]) + v * dt; // the discrete tail adds up to one tick
      stopQ[i] = SafetyKernel.clamp(cmdPos[i] + stop, lo[i], hi[i]);
    }
    if (depth(stopQ) <= now + 1e-9) {
      if (clearTicks != Long.MAX_VALUE) {
        clearTicks++;
      }
      return;
    }
    System.arraycopy(savedPos, 0, cmdPos, 0, n);
    System.arraycopy(savedVel, 0, cmdVel, 0, n);
    limiter.limit(false);
    collisionBrakes++;
    boolean newEpisode = clearTicks * dt >= BRAKE_REPORT_QUIET_S; // creeping along a contact is one episode
    clearTicks = 0;
    if (newEpisode) {
      faults.fault(Severity.WARNING, "COLLISION_BRAKE", "the command's stopping point "
          + (collision.selfClearance() < 0 ? "overlaps links " + collision.closestPair()
              : "puts link " + collision.lowestLink() + " below the table") + "; braking");
    }
  }

  /** How deep configuration {@code q} overlaps or goes below the table, m (0: clear). */
  private double depth(double[] q) {
    collision.update(q);
    double c = Math.min(collision.selfClearance(), collision.tableClearance());
    return c < 0 ? -c : 0;
  }
}
