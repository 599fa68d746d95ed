package io.telos.planner.internal;

import io.telos.api.config.Settings;
import io.telos.model.RobotModel;
import io.telos.planner.AnalyticWorldModel;
import io.telos.planner.spi.WorldModel;
import io.telos.planner.spi.WorldModelProvider;
import java.util.Set;

/**
 * Provides the analytic model as {@code world_model: analytic} ({@link AnalyticWorldModel}, or
 * {@link io.telos.planner.ResponseWorldModel} when the robot declares a lagging response); it takes
 * no settings.
 */
public final class AnalyticWorldModelProvider implements WorldModelProvider {
  @Override
  public String type() {
    return "analytic";
  }

  @Override
  public WorldModel create(RobotModel robot, double dtS, Settings settings) {
    settings.requireOnly(Set.of());
    return AnalyticWorldModel.of(robot, dtS);
  }
}
