package io.telos.planner.djl;

import java.util.List;

/**
 * Where the trainer gets experience from: recorded episodes resampled to the model step. The
 * composition root adapts the episodic memory to it, so this module never depends on a store.
 */
@FunctionalInterface
public interface ExperienceSource {
  /**
   * Every episode available now, each resampled to {@code dtS} seconds per step.
   *
   * @param dtS the model step
   */
  List<Trajectory> trajectories(double dtS);
}
