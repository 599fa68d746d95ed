package io.telos.api;

import java.util.Objects;

/**
 * A goal for the planner.
 *
 * @param id unique id of the goal
 * @param target what to reach
 * @param tolerance success radius (metres for a position, radians for joints)
 * @param timeoutNs time allowed before the goal counts as failed
 */
public record Goal(Header header, String id, Target target, double tolerance, long timeoutNs)
    implements Message {
  public Goal {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(target, "target");
    if (!(tolerance > 0) || !Double.isFinite(tolerance)) {
      throw new IllegalArgumentException("tolerance must be > 0, was " + tolerance);
    }
    if (timeoutNs <= 0) {
      throw new IllegalArgumentException("timeoutNs must be > 0, was " + timeoutNs);
    }
  }
}
