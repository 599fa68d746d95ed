package io.telos.api;

import java.util.Objects;

/** What a goal asks for. */
public sealed interface Target {
  /** Bring the end-effector to a point (metres, base frame). */
  record Position(double xM, double yM, double zM) implements Target {}

  /** Bring the joints to a configuration. */
  record Joints(Vec position) implements Target {
    public Joints {
      Objects.requireNonNull(position, "position");
    }
  }
}
