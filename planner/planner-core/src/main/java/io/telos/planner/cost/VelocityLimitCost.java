package io.telos.planner.cost;

import io.telos.api.Target;
import io.telos.model.JointLimits;

/**
 * Guardrail: a quadratic barrier on joint speeds above {@code margin} of the velocity limit
 * (rising to {@code weight} per joint and step at the limit) and a hard cost above the limit.
 */
public final class VelocityLimitCost implements CostTerm {
  private final double[] inverseLimit;
  private final double margin;
  private final double weight;

  /**
   * @param limits the arm's velocity limits
   * @param margin fraction of the limit where the barrier starts, in (0, 1)
   * @param weight barrier cost per joint and step at the limit
   */
  public VelocityLimitCost(JointLimits limits, double margin, double weight) {
    this.inverseLimit = new double[limits.size()];
    for (int i = 0; i < inverseLimit.length; i++) {
      inverseLimit[i] = 1.0 / limits.velocity(i);
    }
    this.margin = margin;
    this.weight = weight;
  }

  @Override
  public String name() {
    return "velocity_limits";
  }

  @Override
  public void accumulate(Rollout r, Target target, double[] costs) {
    int n = r.dof();
    int samples = r.samples();
    double span = 1 - margin;
    for (int t = 1; t <= r.horizon(); t++) {
      double[] qd = r.velocities(t);
      for (int k = 0; k < samples; k++) {
        double c = 0;
        for (int i = 0; i < n; i++) {
          double ratio = Math.abs(qd[k * n + i]) * inverseLimit[i];
          if (!(ratio <= 1 + 1e-9)) {
            c += Energy.HARD_COST * (1 + (Double.isNaN(ratio) ? 1 : ratio - 1));
          } else if (ratio > margin) {
            double x = (ratio - margin) / span;
            c += weight * x * x;
          }
        }
        costs[k] += c;
      }
    }
  }
}
