package io.telos.api.spi;

import io.telos.api.JointState;
import io.telos.api.Observation;

/** Perception's port: turns raw joint states into observations for the planner. */
public interface StateEstimator {
  /** Folds in a measurement and returns the current observation. */
  Observation update(JointState state, long nowNs);

  /** Forgets history (e.g. after the robot reconnects). */
  default void reset() {}
}
