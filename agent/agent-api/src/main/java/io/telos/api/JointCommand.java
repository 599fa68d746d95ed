package io.telos.api;

import java.util.List;
import java.util.Objects;

/**
 * A command for the robot's joint controllers, emitted only by the safety kernel. Position is the
 * setpoint (rad or m) and velocity the feed-forward (rad/s or m/s), both already inside limits.
 *
 * @param mode the arbiter's mode when the command was produced
 */
public record JointCommand(Header header, List<String> names, Vec position, Vec velocity, Mode mode)
    implements RobotMessage {
  public JointCommand {
    Objects.requireNonNull(header, "header");
    names = List.copyOf(names);
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(velocity, "velocity");
    Objects.requireNonNull(mode, "mode");
    if (position.size() != names.size() || velocity.size() != names.size()) {
      throw new IllegalArgumentException("command sizes differ from " + names.size() + " joints");
    }
  }
}
