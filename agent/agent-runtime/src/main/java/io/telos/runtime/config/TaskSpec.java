package io.telos.runtime.config;

import java.util.List;

/**
 * {@code task:} — what the agent is asked to do.
 *
 * @param type {@code reach_random} (seeded random reachable targets), {@code reach_sequence}
 *     (listed points) or {@code idle}
 * @param count number of random targets
 * @param toleranceM success radius
 * @param timeoutS time allowed per target
 * @param settleS time the end-effector must stay within tolerance
 * @param points targets for {@code reach_sequence}, metres in the base frame
 * @param episodes for {@code reach_recalled}: episodes of the episodic memory whose final observed
 *     joint configuration becomes a goal; empty = the {@code count} most recent reached episodes
 * @param toleranceRad success radius for joint-configuration goals
 */
public record TaskSpec(String type, int count, double toleranceM, double timeoutS, double settleS, List<double[]> points,
    List<Long> episodes, double toleranceRad) {
  public TaskSpec {
    points = List.copyOf(points);
    episodes = List.copyOf(episodes);
  }

  public TaskSpec(String type, int count, double toleranceM, double timeoutS, double settleS, List<double[]> points) {
    this(type, count, toleranceM, timeoutS, settleS, points, List.of(), 0.02);
  }
}
