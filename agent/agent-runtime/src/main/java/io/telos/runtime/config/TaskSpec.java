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
 * @param object for {@code push}: the scene object to push to each of {@code points} ([x, y]);
 *     empty otherwise
 * @param goalSpace for {@code reach_recalled}: {@code joints} (the recorded joint configuration)
 *     or {@code latent} (the recorded observation, compared in the world model's state space)
 */
public record TaskSpec(String type, int count, double toleranceM, double timeoutS, double settleS, List<double[]> points,
    List<Long> episodes, double toleranceRad, String object, String goalSpace) {
  public TaskSpec {
    points = List.copyOf(points);
    episodes = List.copyOf(episodes);
    object = object == null ? "" : object;
    goalSpace = goalSpace == null ? "joints" : goalSpace;
  }

  public TaskSpec(String type, int count, double toleranceM, double timeoutS, double settleS, List<double[]> points,
      List<Long> episodes, double toleranceRad, String object) {
    this(type, count, toleranceM, timeoutS, settleS, points, episodes, toleranceRad, object, "joints");
  }

  public TaskSpec(String type, int count, double toleranceM, double timeoutS, double settleS, List<double[]> points,
      List<Long> episodes, double toleranceRad) {
    this(type, count, toleranceM, timeoutS, settleS, points, episodes, toleranceRad, "");
  }

  /** The same task with at most {@code max} goals (listed points or count). */
  public TaskSpec limitedTo(int max) {
    return new TaskSpec(type, Math.min(count, max), toleranceM, timeoutS, settleS,
        points.size() > max ? points.subList(0, max) : points, episodes, toleranceRad, object, goalSpace);
  }

  /** The same task with {@code n} random goals. */
  public TaskSpec withCount(int n) {
    return new TaskSpec(type, n, toleranceM, timeoutS, settleS, points, episodes, toleranceRad, object, goalSpace);
  }

  /** How many goals the task will produce (for the types whose goals are known from the file). */
  public int goalCount() {
    return switch (type) {
      case "reach_random" -> count;
      case "reach_sequence", "push" -> points.size();
      default -> 0;
    };
  }

  public TaskSpec(String type, int count, double toleranceM, double timeoutS, double settleS, List<double[]> points) {
    this(type, count, toleranceM, timeoutS, settleS, points, List.of(), 0.02);
  }
}
