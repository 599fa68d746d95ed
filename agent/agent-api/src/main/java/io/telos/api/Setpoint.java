package io.telos.api;

import java.util.Objects;

/** One time-stamped point of a plan: where the joints should be at {@code timeNs}, and how fast. */
public record Setpoint(long timeNs, Vec position, Vec velocity) {
  public Setpoint {
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(velocity, "velocity");
  }
}
