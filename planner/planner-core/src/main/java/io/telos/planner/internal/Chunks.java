package io.telos.planner.internal;

import io.telos.api.ActionChunk;
import io.telos.api.Header;
import io.telos.api.Observation;
import io.telos.api.Setpoint;
import io.telos.api.Vec;
import io.telos.model.JointLimits;
import io.telos.planner.cost.Rollout;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the chosen predicted trajectory into an {@link ActionChunk}: one setpoint per model step at
 * {@code stamp + (k + 1) * dt} holding the trajectory's commands ({@link Rollout#commandPositions};
 * for a lagging arm they lead the predicted positions), positions clipped into the position limits, velocities into the
 * velocity limits. A non-finite value (a broken model) makes that setpoint hold the last good
 * position at rest.
 */
public final class Chunks {
  private Chunks() {}

  /**
   * @param r a one-trajectory rollout
   * @param clipped receives in {@code [0]} how many values were moved inside the limits
   */
  public static ActionChunk build(Header header, Observation obs, String goalId, Rollout r, JointLimits limits,
      long dtNs, double energy, int[] clipped) {
    return build(header, obs.header().stampNs(), obs, goalId, r, limits, dtNs, energy, clipped);
  }

  /**
   * As {@link #build(Header, Observation, String, Rollout, JointLimits, long, double, int[])} for a
   * rollout that starts at {@code startNs} instead of the observation's stamp (setpoints at
   * {@code startNs + (k + 1) * dt}).
   */
  public static ActionChunk build(Header header, long startNs, Observation obs, String goalId, Rollout r,
      JointLimits limits, long dtNs, double energy, int[] clipped) {
    int n = r.dof();
    int count = 0;
    double[] hold = new double[n];
    for (int i = 0; i < n; i++) {
      double q = obs.position().get(i);
      double c = clamp(Double.isFinite(q) ? q : 0.5 * (limits.lower(i) + limits.upper(i)), limits.lower(i), limits.upper(i));
      hold[i] = Double.isFinite(c) ? c : 0.0;
    }
    long stamp = startNs;
    List<Setpoint> out = new ArrayList<>(r.horizon());
    for (int t = 1; t <= r.horizon(); t++) {
      double[] qt = r.commandPositions(t);
      double[] vt = r.commandVelocities(t);
      double[] p = new double[n];
      double[] v = new double[n];
      boolean finite = true;
      for (int i = 0; i < n; i++) {
        finite &= Double.isFinite(qt[i]) && Double.isFinite(vt[i]);
      }
      for (int i = 0; i < n; i++) {
        if (!finite) {
          p[i] = hold[i];
          v[i] = 0.0;
          count++;
          continue;
        }
        double lo = limits.lower(i);
        double hi = limits.upper(i);
        double vm = limits.velocity(i);
        p[i] = clamp(qt[i], lo, hi);
        v[i] = clamp(vt[i], -vm, vm);
        if (p[i] != qt[i]) {
          count++;
        }
        if (v[i] != vt[i]) {
          count++;
        }
        if ((p[i] <= lo && v[i] < 0) || (p[i] >= hi && v[i] > 0)) {
          v[i] = 0.0;
        }
      }
      System.arraycopy(p, 0, hold, 0, n);
      out.add(new Setpoint(stamp + t * dtNs, Vec.of(p), Vec.of(v)));
    }
    clipped[0] = count;
    return new ActionChunk(header, goalId, out, Double.isFinite(energy) ? energy : Double.MAX_VALUE);
  }

  /** Refuses an observation with NaN or infinite joint values: there is nothing safe to plan from. */
  public static void requireFinite(Observation obs) {
    if (!obs.position().isFinite() || !obs.velocity().isFinite()) {
      throw new IllegalArgumentException("observation " + obs.header().sequence() + " has non-finite joint values");
    }
  }

  private static double clamp(double v, double lo, double hi) {
    return v < lo ? lo : (v > hi ? hi : v);
  }
}
