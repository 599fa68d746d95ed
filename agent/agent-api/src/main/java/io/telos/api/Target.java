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

  /**
   * Bring the arm to the state a recorded observation shows (a goal observation taken from
   * episodic memory): the planner encodes it with its world model and minimises the distance
   * between predicted and goal states in the model's own state space — the latent of a learned
   * model, {@code [q, qd]} for the analytic one. Success is judged on the joints (the goal's
   * tolerance in rad).
   *
   * @param position joint positions of the goal observation, chain order
   * @param velocity joint velocities of the goal observation (empty: at rest)
   */
  record Observed(Vec position, Vec velocity) implements Target {
    public Observed {
      Objects.requireNonNull(position, "position");
      velocity = velocity == null || velocity.isEmpty() ? Vec.zeros(position.size()) : velocity;
      if (velocity.size() != position.size() || !position.isFinite() || !velocity.isFinite()) {
        throw new IllegalArgumentException("goal observation must have finite positions and velocities, one per joint");
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
