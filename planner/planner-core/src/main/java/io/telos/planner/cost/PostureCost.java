package io.telos.planner.cost;

import io.telos.api.Target;
import io.telos.model.JointLimits;

/**
 * Redundancy resolution: a weak pull toward the middle of each joint's range,
 * {@code weight * mean_t sum_i ((q_i - mid_i) / halfRange_i)^2}. On a redundant arm it acts only
 * in the null space of the task and keeps the joints from drifting toward their limits over a
 * sequence of goals; joints without position limits are left alone.
 */
public final class PostureCost implements CostTerm {
  private final double[] mid;
  private final double[] inverseHalfRange;
  private final double weight;

  public PostureCost(JointLimits limits, double weight) {
    int n = limits.size();
    this.mid = new double[n];
    this.inverseHalfRange = new double[n];
    for (int i = 0; i < n; i++) {
      double lo = limits.lower(i);
      double hi = limits.upper(i);
      boolean bounded = Double.isFinite(lo) && Double.isFinite(hi) && hi > lo;
      mid[i] = bounded ? 0.5 * (lo + hi) : 0.0;
      inverseHalfRange[i] = bounded ? 2.0 / (hi - lo) : 0.0;
    }
    this.weight = weight;
  }

  @Override
  public String name() {
    return "posture";
  }

  @Override
  public void accumulate(Rollout r, Target target, double[] costs) {
    int n = r.dof();
    int samples = r.samples();
    double w = weight / r.horizon();
    for (int t = 1; t <= r.horizon(); t++) {
      double[] q = r.positions(t);
      for (int k = 0; k < samples; k++) {
        double c = 0;
        for (int i = 0; i < n; i++) {
          double d = (q[k * n + i] - mid[i]) * inverseHalfRange[i];
          c += d * d;
        }
        costs[k] += w * c;
      }
    }
  }
}
