package io.telos.planner.cost;

import io.telos.api.Target;
import io.telos.model.JointLimits;

/**
 * Action smoothness: squared change of the velocity command between steps, each joint normalised
 * by its velocity limit, starting from the command applied before the plan:
 * {@code weight * mean_t sum_i ((u_t,i - u_t-1,i) / vMax_i)^2}.
 */
public final class SmoothnessCost implements CostTerm {
  private final double[] inverseLimit;
  private final double weight;

  public SmoothnessCost(JointLimits limits, double weight) {
    this.inverseLimit = new double[limits.size()];
    for (int i = 0; i < inverseLimit.length; i++) {
      inverseLimit[i] = 1.0 / limits.velocity(i);
    }
    this.weight = weight;
  }

  @Override
  public String name() {
    return "smoothness";
  }

  @Override
  public void accumulate(Rollout r, Target target, double[] costs) {
    int n = r.dof();
    int samples = r.samples();
    double w = weight / r.horizon();
    double[] prev0 = r.previousAction();
    for (int k = 0; k < samples; k++) {
      double c = 0;
      for (int t = 0; t < r.horizon(); t++) {
        double[] u = r.actions(t);
        double[] prev = t == 0 ? null : r.actions(t - 1);
        for (int i = 0; i < n; i++) {
          double before = prev == null ? prev0[i] : prev[k * n + i];
          double d = (u[k * n + i] - before) * inverseLimit[i];
          c += d * d;
        }
      }
      costs[k] += w * c;
    }
  }
}
