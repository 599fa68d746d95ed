package io.telos.api;

import java.util.List;
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
 * @param objects poses of the tracked objects of the scene (empty when none are tracked)
 */
public record Observation(
    Header header, Vec position, Vec velocity, Pose endEffector, Vec latent, long stateAgeNs,
    List<ObjectPose> objects)
    implements Message {
  /** An observation of the arm alone (no tracked objects). */
  public Observation(Header header, Vec position, Vec velocity, Pose endEffector, Vec latent, long stateAgeNs) {
    this(header, position, velocity, endEffector, latent, stateAgeNs, List.of());
  }

  public Observation {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(velocity, "velocity");
    Objects.requireNonNull(endEffector, "endEffector");
    latent = latent == null ? Vec.empty() : latent;
    objects = objects == null ? List.of() : List.copyOf(objects);
  }

  /** The same observation with these tracked objects. */
  public Observation withObjects(List<ObjectPose> tracked) {
    return new Observation(header, position, velocity, endEffector, latent, stateAgeNs, tracked);
  }

  /** The tracked object called {@code name}, or null when it is not in this observation. */
  public ObjectPose object(String name) {
    for (ObjectPose o : objects) {
      if (o.name().equals(name)) {
        return o;
      }
    }
    return null;
  }
}
