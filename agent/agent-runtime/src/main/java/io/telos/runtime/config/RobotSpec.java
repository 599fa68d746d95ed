package io.telos.runtime.config;

import io.telos.api.config.Settings;

/**
 * {@code robot:} — which arm this deployment drives.
 *
 * @param id robot id used in bus addresses and topics ([a-z0-9_]+)
 * @param description URDF path (relative paths resolve against the launch file) or {@code builtin:<name>}
 * @param limits optional {@code velocity_scale} (0, 1] and per-joint {@code acceleration} list
 * @param response optional actuator response: {@code lag_s}, {@code dead_time_ms},
 *     {@code max_velocity}, each one number for all joints or a per-joint list
 */
public record RobotSpec(String id, String description, Settings limits, Settings response) {
  /** Keys of {@code robot.response}. */
  public static final java.util.Set<String> RESPONSE_KEYS = java.util.Set.of("lag_s", "dead_time_ms", "max_velocity");

  /** A spec without a declared response (the arm is assumed to follow its commands at once). */
  public RobotSpec(String id, String description, Settings limits) {
    this(id, description, limits, new Settings("robot.response", java.util.Map.of()));
  }
}
