package io.telos.api;

import java.util.Objects;

/**
 * What the planner sees: the estimated joint state, the end-effector pose from forward
 * kinematics, and a learned latent when an encoder is configured.
 *
 * @param position estimated joint positions
 * @param velocity estimated joint velocities
 * @param endEffector end-effector pose in the robot's base frame
 * @param latent encoder output, empty when there is none
 * @param stateAgeNs age of the newest measurement this observation is built from
 */
public record Observation(
    Header header, Vec position, Vec velocity, Pose endEffector, Vec latent, long stateAgeNs)
    implements Message {
  public Observation {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(velocity, "velocity");
    Objects.requireNonNull(endEffector, "endEffector");
    latent = latent == null ? Vec.empty() : latent;
  }
}
