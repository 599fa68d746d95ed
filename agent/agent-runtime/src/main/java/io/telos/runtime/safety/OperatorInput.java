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
   * Joint velocities (chain order, rad/s) the operator asks for with the arm at {@code position},
   * already within the teleoperation speed limits, into {@code out}.
   *
   * @return false when there is no current jog (the kernel then brings the arm to rest)
   */
  boolean velocity(long nowNs, double[] position, double[] out);
}
