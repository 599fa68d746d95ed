package io.telos.testkit;

import io.telos.api.Header;
import io.telos.api.JointState;
import io.telos.api.Observation;
import io.telos.api.spi.StateEstimator;
import io.telos.model.RobotModel;

/** A fake estimator for tests: positions as given (chain order assumed), pose by forward kinematics. */
public final class KinematicEstimator implements StateEstimator {
  private final RobotModel model;
  private long sequence;

  public KinematicEstimator(RobotModel model) {
    this.model = model;
  }

  @Override
  public Observation update(JointState state, long nowNs) {
    return new Observation(new Header(sequence++, state.header().stampNs(), "fake-estimator", model.chain().baseLink()),
        state.position(), state.velocity(), model.chain().forwardPose(state.position().toArray()), null,
        nowNs - state.header().stampNs());
  }
}
