package io.telos.planner.djl;

/**
 * One recorded episode resampled to the model step: {@code length + 1} observed states and the
 * {@code length} actions between them. Row {@code t} of {@code q}, {@code qd} and {@code ee} is the
 * state at {@code t * dtS}; {@code action[t]} is the joint velocity command held from {@code t} to
 * {@code t + 1}.
 *
 * @param id episode id (for held-out splits and logs)
 * @param q joint positions, {@code (length + 1) × dof}
 * @param qd joint velocities, {@code (length + 1) × dof}
 * @param ee end-effector positions in the base frame (m), {@code (length + 1) × 3}
 * @param action joint velocity commands, {@code length × dof}
 */
public record Trajectory(String id, double[][] q, double[][] qd, double[][] ee, double[][] action) {
  /** Checks the shapes. */
  public Trajectory {
    if (q.length != qd.length || q.length != ee.length || action.length != q.length - 1) {
      throw new IllegalArgumentException("trajectory " + id + ": " + q.length + " positions, " + qd.length
          + " velocities, " + ee.length + " end-effector rows, " + action.length + " actions (need n+1, n+1, n+1, n)");
    }
  }

  /** Number of transitions. */
  public int length() {
    return action.length;
  }

  /** Number of joints. */
  public int dof() {
    return q.length == 0 ? 0 : q[0].length;
  }
}
