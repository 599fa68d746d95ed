package io.telos.planner.cost;

import io.telos.api.Target;

/**
 * One term of the energy a planner minimises, evaluated on a whole batch of predicted
 * trajectories at once. Implementations are small, stateless between calls and allocation-free.
 * Guardrail terms add at least {@link Energy#HARD_COST} for a trajectory that breaks a hard limit,
 * growing with the size of the breach so that samples still rank.
 */
public interface CostTerm {
  /** Short name for diagnostics, e.g. {@code reach}. */
  String name();

  /**
   * Adds this term's cost of each trajectory {@code k} in {@code [0, rollout.samples())} to
   * {@code costs[k]}.
   */
  void accumulate(Rollout rollout, Target target, double[] costs);
}
