package io.telos.memory;

import java.util.Objects;

/**
 * What is known about an episode when it begins.
 *
 * @param robotId the robot the episode was lived by
 * @param launchSource where the run was configured (launch-file path), or empty
 * @param policy the model or planner that chose the actions (e.g. {@code mppi}), or empty
 * @param goalId the goal the episode pursues
 * @param operator true when a remote operator drove the arm
 * @param startNs monotonic stamp (the run's injected clock) of the episode's start
 */
public record EpisodeMeta(
    String robotId, String launchSource, String policy, String goalId, boolean operator, long startNs) {
  public EpisodeMeta {
    Objects.requireNonNull(robotId, "robotId");
    Objects.requireNonNull(launchSource, "launchSource");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(goalId, "goalId");
  }
}
