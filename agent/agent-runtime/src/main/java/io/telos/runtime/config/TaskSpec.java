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
 */
public record TaskSpec(String type, int count, double toleranceM, double timeoutS, double settleS, List<double[]> points) {
  public TaskSpec {
    points = List.copyOf(points);
  }
}
