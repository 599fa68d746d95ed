package io.telos.launch;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.api.scene.Scene;
import io.telos.api.spi.Planner;
import io.telos.api.spi.StateEstimator;
import io.telos.model.RobotModel;
import io.telos.perception.EstimatorConfig;
import io.telos.perception.JointStateEstimator;
import io.telos.planner.Planners;

/** Builds perception and planner components from their launch-file sections. */
final class Components {
  private Components() {}

  static StateEstimator estimator(String robotId, RobotModel model, Settings perception) {
    EstimatorConfig config;
    try {
      config = EstimatorConfig.fromMap(perception.asMap());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage().startsWith("perception") ? e.getMessage() : "perception: " + e.getMessage());
    }
    return new JointStateEstimator(robotId, model, config);
  }

  static Planner planner(RobotModel model, Settings planner, long seed) {
    return Planners.create(model, planner, seed);
  }

  static Planner planner(RobotModel model, Settings planner, long seed, Scene scene) {
    return Planners.create(model, planner, seed, scene);
  }
}
