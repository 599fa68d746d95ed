package io.telos.planner.spi;

import io.telos.api.config.Settings;
import io.telos.model.RobotModel;

/**
 * Plugs a world-model engine into the planners. Providers are found with
 * {@link java.util.ServiceLoader} (register the class in
 * {@code META-INF/services/io.telos.planner.spi.WorldModelProvider}); the launch file picks one by
 * {@link #type()} ({@code planner.world_model}). When two providers claim the same type, the one
 * with the higher {@link #rank()} wins.
 */
public interface WorldModelProvider {
  /** The value of {@code planner.world_model} (or {@code planner.world_model.type}) that selects it. */
  String type();

  /** Preference among providers of the same type; higher wins. */
  default int rank() {
    return 0;
  }

  /**
   * Builds a model of {@code robot} stepping {@code dtS} seconds.
   *
   * @param robot the arm, with the limits the planner must respect
   * @param dtS model step requested by the planner
   * @param settings the provider's own keys (the {@code planner.world_model} section without
   *     {@code type}; empty when the launch file gives only a name)
   * @throws io.telos.api.config.ConfigException for settings it cannot use; the message names the key
   */
  WorldModel create(RobotModel robot, double dtS, Settings settings);
}
