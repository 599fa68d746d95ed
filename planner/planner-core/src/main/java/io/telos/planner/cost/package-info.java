/**
 * The energy planners minimise: batched {@link io.telos.planner.cost.CostTerm}s over a {@link
 * io.telos.planner.cost.Rollout} of predicted trajectories, summed by {@link
 * io.telos.planner.cost.Energy}. Task terms (reach, smoothness, posture, subgoal, uncertainty) and
 * guardrails (joint limits, velocity limits, workspace box).
 */
package io.telos.planner.cost;
