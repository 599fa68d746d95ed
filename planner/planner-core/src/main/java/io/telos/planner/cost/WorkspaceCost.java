package io.telos.planner.cost;

import io.telos.api.Target;

/**
 * Guardrail: the end-effector must stay inside an axis-aligned box in the base frame. A point
 * outside costs {@link Energy#HARD_COST} times (1 + its distance to the box in metres), per step.
 */
public final class WorkspaceCost implements CostTerm {
  /** Points closer than this to the box (m) count as inside: forward kinematics rounds. */
  static final double TOLERANCE_M = 1e-9;
  private final double[] min;
  private final double[] max;

  /** A box from {@code min} to {@code max} (x, y, z in metres, base frame). */
  public WorkspaceCost(double[] min, double[] max) {
    this.min = min.clone();
    this.max = max.clone();
  }

  @Override
  public String name() {
    return "workspace";
  }

  /** Distance (m) from {@code (x, y, z)} to the box, 0 inside; NaN coordinates give +inf. */
  public double outside(double x, double y, double z) {
    double dx = Math.max(0, Math.max(min[0] - x, x - max[0]));
    double dy = Math.max(0, Math.max(min[1] - y, y - max[1]));
    double dz = Math.max(0, Math.max(min[2] - z, z - max[2]));
    double d = Math.sqrt(dx * dx + dy * dy + dz * dz);
    return Double.isNaN(d) || Double.isNaN(x + y + z) ? Double.POSITIVE_INFINITY : d;
  }

  @Override
  public void accumulate(Rollout r, Target target, double[] costs) {
    int samples = r.samples();
    for (int t = 1; t <= r.horizon(); t++) {
      double[] ee = r.endEffector(t);
      for (int k = 0; k < samples; k++) {
        double o = outside(ee[3 * k], ee[3 * k + 1], ee[3 * k + 2]);
        if (o > TOLERANCE_M) {
          costs[k] += Energy.HARD_COST * (1 + Math.min(o, 1e6));
        }
      }
    }
  }
}
