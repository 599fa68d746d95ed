package io.telos.api;

import java.util.Objects;

/**
 * What the planner knows about the plan it just sent, for the fallback logic and for people
 * watching: published once per plan.
 *
 * @param goalId the goal planned for (empty while holding without a goal)
 * @param energy predicted energy of the plan (task + guardrail cost)
 * @param taskError distance to the target at the observation (m, or rad for joint targets); NaN when unknown
 * @param uncertainty the world model's mean uncertainty along the plan (0 for exact models, NaN when unknown)
 * @param stuck the energy has stopped improving short of the goal (a plateau)
 * @param infeasible no sampled plan satisfied the hard guardrails
 */
public record PlanSignals(Header header, String goalId, double energy, double taskError, double uncertainty,
    boolean stuck, boolean infeasible) implements Message {
  public PlanSignals {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(goalId, "goalId");
  }

  /** The same signals under another header (the planner verticle stamps them with the plan's header). */
  public PlanSignals withHeader(Header h) {
    return new PlanSignals(h, goalId, energy, taskError, uncertainty, stuck, infeasible);
  }
}
