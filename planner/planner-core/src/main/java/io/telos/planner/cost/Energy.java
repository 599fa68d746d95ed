package io.telos.planner.cost;

import io.telos.api.Target;
import io.telos.model.JointLimits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The energy a planner minimises: the sum of its {@link CostTerm}s over a batch of predicted
 * trajectories. A trajectory whose energy reaches {@link #HARD_COST} breaks a hard guardrail.
 */
public final class Energy {
  /** Least cost of breaking a hard limit; soft terms stay orders of magnitude below it. */
  public static final double HARD_COST = 1e6;

  private final List<CostTerm> terms;
  private final double[] one = new double[1];

  public Energy(List<CostTerm> terms) {
    if (terms.isEmpty()) {
      throw new IllegalArgumentException("an energy needs at least one cost term");
    }
    this.terms = List.copyOf(terms);
  }

  /**
   * The standard energy: reach, smoothness, posture and (when weighted) uncertainty, plus the joint-limit,
   * velocity-limit and workspace guardrails.
   *
   * @param limits the limits guardrails guard: the arm's real limits, not the planner's tighter ones
   */
  public static Energy standard(JointLimits limits, CostConfig costs, GuardrailConfig guardrails) {
    List<CostTerm> t = new ArrayList<>();
    t.add(new ReachCost(costs.reachWeight(), costs.terminalWeight()));
    if (costs.smoothnessWeight() > 0) {
      t.add(new SmoothnessCost(limits, costs.smoothnessWeight()));
    }
    if (costs.postureWeight() > 0) {
      t.add(new PostureCost(limits, costs.postureWeight()));
    }
    if (costs.uncertaintyWeight() > 0) {
      t.add(new UncertaintyCost(costs.uncertaintyWeight()));
    }
    t.add(new JointLimitCost(limits, guardrails.jointLimitMarginRad(), guardrails.jointLimitWeight()));
    t.add(new VelocityLimitCost(limits, guardrails.velocityMargin(), guardrails.velocityWeight()));
    t.add(new WorkspaceCost(guardrails.workspaceMin(), guardrails.workspaceMax()));
    return new Energy(t);
  }

  public List<CostTerm> terms() {
    return terms;
  }

  /** True when some term needs the world model's uncertainty. */
  public boolean needsUncertainty() {
    for (CostTerm t : terms) {
      if (t instanceof UncertaintyCost) {
        return true;
      }
    }
    return false;
  }

  /** Energy of every trajectory of {@code rollout} into {@code costs[0, samples)}; NaN becomes +inf. */
  public void evaluate(Rollout rollout, Target target, double[] costs) {
    int k = rollout.samples();
    Arrays.fill(costs, 0, k, 0.0);
    for (CostTerm t : terms) {
      t.accumulate(rollout, target, costs);
    }
    for (int i = 0; i < k; i++) {
      if (Double.isNaN(costs[i])) {
        costs[i] = Double.POSITIVE_INFINITY;
      }
    }
  }

  /** Energy of a single-trajectory rollout. */
  public double evaluateOne(Rollout rollout, Target target) {
    if (rollout.samples() != 1) {
      throw new IllegalArgumentException("expected a rollout of one trajectory, had " + rollout.samples());
    }
    evaluate(rollout, target, one);
    return one[0];
  }

  /** True when {@code energy} says a hard guardrail was broken (or the energy is not finite). */
  public static boolean breaksHardLimit(double energy) {
    return !(energy < HARD_COST);
  }
}
