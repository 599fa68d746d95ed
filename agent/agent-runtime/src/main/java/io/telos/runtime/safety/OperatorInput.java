package io.telos.runtime.safety;

/**
 * What the safety kernel needs from teleoperation while the mode is TELEOP. Called on the servo
 * thread; implementations must be allocation-free and must not block.
 */
public interface OperatorInput {
  /** Deadman: whether the lease holder's heartbeat is fresh at {@code nowNs}. */
  boolean alive(long nowNs);

  /** Describes why {@link #alive} is false, for the fault record (may allocate: called once). */
  String deadReason(long nowNs);

  /**
   * Joint velocities (chain order, rad/s) for the next tick with the arm at {@code position} moving
   * at {@code velocity}, already within the teleoperation speed limits, into {@code out}.
   * Implementations ramp toward the operator's jog (or toward rest when there is none) so that the
   * kernel's acceleration limit is never the one that bites: a clamp per joint would bend the tool's
   * path and could exceed the Cartesian speed limit.
   *
   * @return false to let the kernel bring the arm to rest by itself
   */
  boolean velocity(long nowNs, double[] position, double[] velocity, double[] out);
}
