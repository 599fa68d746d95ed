package io.telos.planner.cost;

import io.telos.api.Target;

/**
 * Guidance toward a joint-space subgoal chosen by a higher layer (for example a configuration that
 * inverse kinematics found for a position target): {@code weight * scale * (mean_t |q_t - q*| +
 * |q_H - q*|)}, Euclidean in joint space. The planner sets the subgoal and the scale each call;
 * fading the scale near the target lets the task cost alone decide the final configuration. Zero
 * while no subgoal is set.
 */
public final class SubgoalCost implements CostTerm {
  private final double weight;
  private final double[] subgoal;
  private boolean active;
  private double scale;

  public SubgoalCost(int dof, double weight) {
    this.weight = weight;
    this.subgoal = new double[dof];
  }

  /** Sets the subgoal ({@code dof} joint positions) and the scale of the weight for the next evaluations. */
  public void set(double[] q, double weightScale) {
    System.arraycopy(q, 0, subgoal, 0, subgoal.length);
    this.scale = weightScale;
    this.active = weightScale > 0;
  }

  /** Removes the subgoal. */
  public void clear() {
    active = false;
  }

  @Override
  public String name() {
    return "subgoal";
  }

  @Override
  public void accumulate(Rollout r, Target target, double[] costs) {
    if (!active) {
      return;
    }
    int n = r.dof();
    int samples = r.samples();
    int h = r.horizon();
    double perStep = weight * scale / h;
    for (int t = 1; t <= h; t++) {
      double w = t == h ? perStep + weight * scale : perStep;
      double[] q = r.positions(t);
      for (int k = 0; k < samples; k++) {
        double s = 0;
        for (int i = 0; i < n; i++) {
          double d = q[k * n + i] - subgoal[i];
          s += d * d;
        }
        costs[k] += w * Math.sqrt(s);
      }
    }
  }
}
