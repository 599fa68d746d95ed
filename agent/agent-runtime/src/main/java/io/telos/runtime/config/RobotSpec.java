package io.telos.runtime.config;

import io.telos.api.config.Settings;
import io.telos.api.spi.ArmChain;
import java.util.Objects;

/**
 * {@code robot:} — which arm this deployment drives.
 *
 * @param id robot id used in bus addresses and topics ([a-z0-9_]+)
 * @param description URDF path (relative paths resolve against the launch file) or {@code builtin:<name>}
 * @param limits optional {@code velocity_scale} (0, 1] and per-joint {@code acceleration} list
 * @param arm the chain within the description: {@code base_link}, {@code tip_link} and
 *     {@code tool: {xyz, rpy}} ({@link ArmChain#DEFAULT} when none is given)
 */
public record RobotSpec(String id, String description, Settings limits, ArmChain arm) {
  public RobotSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(limits, "limits");
    arm = arm == null ? ArmChain.DEFAULT : arm;
  }

  /** The default chain: root link to the only leaf, no tool. */
  public RobotSpec(String id, String description, Settings limits) {
    this(id, description, limits, ArmChain.DEFAULT);
  }
}
