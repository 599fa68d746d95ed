package io.telos.runtime.config;

import io.telos.api.config.Settings;
import io.telos.api.spi.ArmChain;
import java.util.Map;
import java.util.Objects;

/**
 * {@code robot:} — which arm this deployment drives.
 *
 * @param id robot id used in bus addresses and topics ([a-z0-9_]+)
 * @param description URDF path (relative paths resolve against the launch file) or {@code builtin:<name>}
 * @param limits optional {@code velocity_scale} (0, 1] and per-joint {@code acceleration} list
 * @param arm the chain within the description: {@code base_link}, {@code tip_link} and
 *     {@code tool: {xyz, rpy}} ({@link ArmChain#DEFAULT} when none is given)
 * @param response optional actuator response: {@code lag_s}, {@code dead_time_ms},
 *     {@code max_velocity}, each one number for all joints or a per-joint list
 */
public record RobotSpec(String id, String description, Settings limits, ArmChain arm, Settings response) {

  public RobotSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(limits, "limits");
    arm = arm == null ? ArmChain.DEFAULT : arm;
    response = response == null ? new Settings("robot.response", Map.of()) : response;
  }

  /** A spec with the chain given and no declared response (the arm follows its commands at once). */
  public RobotSpec(String id, String description, Settings limits, ArmChain arm) {
    this(id, description, limits, arm, null);
  }

  /** The default chain (root link to the only leaf, no tool), no declared response. */
  public RobotSpec(String id, String description, Settings limits) {
    this(id, description, limits, ArmChain.DEFAULT, null);
  }
}
