package io.telos.api;

import java.util.List;
import java.util.Objects;

/**
 * Measured joint state, following {@code sensor_msgs/JointState}: values are SI (rad or m,
 * rad/s or m/s, N·m or N), indexed like {@link #names()}. Velocity and effort may be empty when
 * the robot does not report them.
 */
public record JointState(Header header, List<String> names, Vec position, Vec velocity, Vec effort)
    implements RobotMessage {
  public JointState {
    Objects.requireNonNull(header, "header");
    names = List.copyOf(names);
    Objects.requireNonNull(position, "position");
    velocity = velocity == null ? Vec.empty() : velocity;
    effort = effort == null ? Vec.empty() : effort;
    if (position.size() != names.size()) {
      throw new IllegalArgumentException(
          "position has " + position.size() + " values for " + names.size() + " joints");
    }
    if (!velocity.isEmpty() && velocity.size() != names.size()) {
      throw new IllegalArgumentException(
          "velocity has " + velocity.size() + " values for " + names.size() + " joints");
    }
    if (!effort.isEmpty() && effort.size() != names.size()) {
      throw new IllegalArgumentException(
          "effort has " + effort.size() + " values for " + names.size() + " joints");
    }
  }
}
