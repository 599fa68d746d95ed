package io.telos.api;

import java.util.Objects;

/** What a goal asks for. */
public sealed interface Target {
  /** Bring the end-effector to a point (metres, base frame). */
  record Position(double xM, double yM, double zM) implements Target {}

  /**
   * Push an object of the scene across the support plane until its centre is at {@code (x, y)}
   * (metres, base frame); the goal's tolerance is the planar distance left.
   */
  record Push(String object, double xM, double yM) implements Target {
    public Push {
      Objects.requireNonNull(object, "object");
      if (!Double.isFinite(xM) || !Double.isFinite(yM)) {
        throw new IllegalArgumentException("push target must be finite, was (" + xM + ", " + yM + ")");
      }
    }
  }

  /** Bring the joints to a configuration. */
  record Joints(Vec position) implements Target {
    public Joints {
      Objects.requireNonNull(position, "position");
    }
  }
}
