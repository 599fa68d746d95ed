package io.telos.planner.cost;

import io.telos.api.Target;
import io.telos.model.JointLimits;

/**
 * Guardrail: a quadratic barrier inside {@code margin} of each joint's position limits (rising to
 * {@code weight} per step at the limit) and a hard cost for a position on or beyond a limit. A
 * position exactly on a limit counts as a breach because a clamping model (such as the analytic
 * one) puts a trajectory there only when it asked to go further.
 */
public final class JointLimitCost implements CostTerm {
  private final double[] lower;
  private final double[] upper;
  private final double[] margin;
  private final double weight;

  /**
   * @param limits the arm's position limits
   * @param marginRad width of the barrier (rad or m); capped at a quarter of each joint's range
   * @param weight barrier cost per joint and step at the limit
   */
  public JointLimitCost(JointLimits limits, double marginRad, double weight) {
    int n = limits.size();
    this.lower = limits.lower();
    this.upper = limits.upper();
    this.margin = new double[n];
    for (int i = 0; i < n; i++) {
      double range = upper[i] - lower[i];
      margin[i] = Double.isFinite(range) ? Math.min(marginRad, range / 4) : marginRad;
    }
    this.weight = weight;
  }

  @Override
  public String name() {
    return "joint_limits";
  }

  @Override
  public void accumulate(Rollout r, Target target, double[] costs) {
    int n = r.dof();
    int samples = r.samples();
    for (int t = 1; t <= r.horizon(); t++) {
      double[] q = r.positions(t);
      for (int k = 0; k < samples; k++) {
        double c = 0;
        for (int i = 0; i < n; i++) {
          double qi = q[k * n + i];
          double d = Math.min(qi - lower[i], upper[i] - qi);
          if (!(d > 0)) {
            c += Energy.HARD_COST * (1 + (Double.isNaN(d) ? 1 : -d));
          } else if (d < margin[i]) {
            double x = (margin[i] - d) / margin[i];
            c += weight * x * x;
          }
        }
        costs[k] += c;
      }
    }
  }
}
