package io.telos.planner.cost;

import io.telos.api.Target;

/**
 * Distance to a goal given as an observation ({@link Target.Observed}), measured in the world
 * model's own state space: {@code running · mean_t ‖s_t − s*‖ + terminal · ‖s_H − s*‖}, with
 * {@code s*} the goal observation encoded by the same model. For a learned model that is the
 * distance between latents — the goal is wherever the model's representation of the recorded
 * situation is, not a point that has to be spelled out in joint or task coordinates. The planner
 * sets {@code s*} once per goal ({@link #set}); without it the term adds nothing.
 */
public final class StateGoalCost implements CostTerm {
  private final double runningWeight;
  private final double terminalWeight;
  private final double[] goal;
  private final int width;
  private boolean active;

  /**
   * @param width the model's state size
   * @param compared how many leading state values are compared (the arm's part of a contact
   *     model's state; the objects are not part of an observed goal)
   */
  public StateGoalCost(int width, int compared, double runningWeight, double terminalWeight) {
    this.width = width;
    this.goal = new double[compared];
    this.runningWeight = runningWeight;
    this.terminalWeight = terminalWeight;
  }

  /** Sets the encoded goal state ({@code compared} values are read). */
  public void set(double[] goalState) {
    System.arraycopy(goalState, 0, goal, 0, goal.length);
    active = true;
  }

  public void clear() {
    active = false;
  }

  @Override
  public String name() {
    return "state_goal";
  }

  @Override
  public void accumulate(Rollout r, Target target, double[] costs) {
    if (!active || !(target instanceof Target.Observed)) {
      return;
    }
    int samples = r.samples();
    int horizon = r.horizon();
    double perStep = runningWeight / horizon;
    for (int t = 1; t <= horizon; t++) {
      double w = t == horizon ? perStep + terminalWeight : perStep;
      double[] s = r.states(t);
      for (int k = 0; k < samples; k++) {
        int o = k * width;
        double d2 = 0;
        for (int j = 0; j < goal.length; j++) {
          double d = s[o + j] - goal[j];
          d2 += d * d;
        }
        costs[k] += w * Math.sqrt(d2);
      }
    }
  }
}
