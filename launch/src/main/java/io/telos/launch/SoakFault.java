package io.telos.launch;

import java.util.List;
import java.util.Locale;

/** The faults the soak injects, in the order it cycles through them. */
enum SoakFault {
  /** The MQTT broker stops (every connection drops, no wills) and comes back after a pause. */
  BROKER_RESTART("STATE_STALE"),
  /** The robot's ROS 2 driver leaves DDS (its participant goes) and comes back after a pause; the arm stays. */
  PEER_LOST("STATE_STALE"),
  /**
   * A burst of malformed, NaN, out-of-range and wrongly named joint states on the robot's state
   * topic; judged by the bridge refusing every one (its BAD_INPUT fault is rate-limited, doubling).
   */
  MALFORMED_BURST(null),
  /** Busy threads, one more than the cores, for a few seconds. */
  CPU_STARVATION(null),
  /** An operator takes the arm, sends a few heartbeats, then goes silent: the deadman must stop it. */
  OPERATOR_HEARTBEAT_LOSS("DEADMAN"),
  /** The planner stops answering for longer than a plan lives. */
  PLANNER_STALL("PLAN_STALE"),
  /**
   * Another process holds the episodic store's write lock for longer than the store waits: writes
   * fail as they would on a full disk or a read-only file, and must resume without losing what was
   * acknowledged.
   */
  STORE_LOCKED("MEMORY_WRITE_FAILED");

  /** The fault code that shows the agent noticed, or null when the fault is to be absorbed without one. */
  public final String expected;

  SoakFault(String expected) {
    this.expected = expected;
  }

  /** The faults a soak over {@code transport} cycles through. */
  static List<SoakFault> over(String transport) {
    return "ros2".equals(transport)
        ? List.of(PEER_LOST, CPU_STARVATION, OPERATOR_HEARTBEAT_LOSS, PLANNER_STALL, STORE_LOCKED)
        : List.of(BROKER_RESTART, MALFORMED_BURST, CPU_STARVATION, OPERATOR_HEARTBEAT_LOSS, PLANNER_STALL,
            STORE_LOCKED);
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
