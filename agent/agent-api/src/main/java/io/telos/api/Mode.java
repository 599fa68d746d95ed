package io.telos.api;

/** Who drives the arm. */
public enum Mode {
  /** The planner's plans are executed. */
  AUTONOMOUS,
  /** A controlled stop, then hold position; plans are ignored. */
  HOLD,
  /**
   * A remote operator holding the control lease drives the arm; operator commands are checked by
   * the safety kernel exactly like plans, and plans are ignored.
   */
  TELEOP,
  /** Latched stop after a fault or e-stop; only an explicit reset leaves it. */
  PROTECTIVE_STOP
}
