package io.telos.planner.cost;

import io.telos.api.Target;

/**
 * Prefers trajectories the world model is sure about: {@code weight * mean_t uncertainty_t}. Zero
 * for the analytic model; active only when the planner asks the model for uncertainty.
 */
public final class UncertaintyCost implements CostTerm {
  private final double weight;

  public UncertaintyCost(double weight) {
    this.weight = weight;
  }

  @Override
  public String name() {
    return "uncertainty";
  }

  @Override
  public void accumulate(Rollout r, Target target, double[] costs) {
    int samples = r.samples();
    double w = weight / r.horizon();
    for (int t = 1; t <= r.horizon(); t++) {
      double[] u = r.uncertainty(t);
      for (int k = 0; k < samples; k++) {
        costs[k] += w * u[k];
      }
    }
  }
}
