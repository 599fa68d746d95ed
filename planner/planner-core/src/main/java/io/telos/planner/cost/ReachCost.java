package io.telos.planner.cost;

import io.telos.api.Target;

/**
 * Task cost: distance to the target along the trajectory, with a heavier terminal term. For a
 * {@link Target.Position} the distance is the end-effector's Euclidean distance to the point
 * (metres); for {@link Target.Joints} it is the Euclidean joint-space distance (rad or m).
 *
 * <pre>  cost = runningWeight * mean_t d_t + terminalWeight * d_end</pre>
 *
 * where {@code d_end} is measured where the plan leaves the arm ({@link Rollout#terminalEndEffector()}):
 * the last step for an arm that follows at once, at rest on the last command for one that lags. For
 * a lagging arm the running distances {@code d_t} are also measured where each step's command would
 * leave it ({@link Rollout#commandEndEffector(int)}), not where the lagging arm is: judged on the
 * arm, the cheapest plans overshoot the command to hurry the arm, and the receding horizon turned
 * that into an oscillation of ±15 cm around the target. Guardrails still judge the arm.
 */
public final class ReachCost implements CostTerm {
  private final double runningWeight;
  private final double terminalWeight;

  public ReachCost(double runningWeight, double terminalWeight) {
    if (!(runningWeight >= 0) || !(terminalWeight >= 0)) {
      throw new IllegalArgumentException("reach weights must be >= 0");
    }
    this.runningWeight = runningWeight;
    this.terminalWeight = terminalWeight;
  }

  @Override
  public String name() {
    return "reach";
  }

  @Override
  public void accumulate(Rollout r, Target target, double[] costs) {
    int samples = r.samples();
    int horizon = r.horizon();
    double perStep = runningWeight / horizon;
    switch (target) {
      case Target.Position p -> {
        double tx = p.xM();
        double ty = p.yM();
        double tz = p.zM();
        boolean settled = r.settlesOnCommands(); // then the terminal term has its own row, H + 1
        for (int t = 1; t <= (settled ? horizon + 1 : horizon); t++) {
          double w = t > horizon ? terminalWeight : t == horizon && !settled ? perStep + terminalWeight : perStep;
          double[] ee = t > horizon ? r.terminalEndEffector() : settled ? r.commandEndEffector(t) : r.endEffector(t);
          for (int k = 0; k < samples; k++) {
            double dx = ee[3 * k] - tx;
            double dy = ee[3 * k + 1] - ty;
            double dz = ee[3 * k + 2] - tz;
            costs[k] += w * Math.sqrt(dx * dx + dy * dy + dz * dz);
          }
        }
      }
      case Target.Push p -> { } // the object's distance is the objects term's (ObjectCost)
      case Target.Observed o -> { } // measured in the model's state space (StateGoalCost)
      case Target.Joints j -> {
        int n = r.dof();
        checkJoints(j, n);
        boolean settled = r.settlesOnCommands();
        for (int t = 1; t <= (settled ? horizon + 1 : horizon); t++) {
          double w = t > horizon ? terminalWeight : t == horizon && !settled ? perStep + terminalWeight : perStep;
          double[] q = t > horizon ? r.terminalPositions() : settled ? r.commandPositions(t) : r.positions(t);
          for (int k = 0; k < samples; k++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
              double d = q[k * n + i] - j.position().get(i);
              s += d * d;
            }
            costs[k] += w * Math.sqrt(s);
          }
        }
      }
    }
  }

  /** Fails unless a joint target has one value per joint. */
  public static void checkJoints(Target.Joints j, int dof) {
    if (j.position().size() != dof) {
      throw new IllegalArgumentException("joint target has " + j.position().size() + " values for " + dof + " joints");
    }
  }
}
