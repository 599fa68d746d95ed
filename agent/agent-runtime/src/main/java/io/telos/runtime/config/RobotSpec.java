package io.telos.runtime.config;

import io.telos.api.config.Settings;
import io.telos.api.spi.ArmChain;
import io.telos.model.ActuatorResponse;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code robot:} — which arm this deployment drives.
 *
 * @param id robot id used in bus addresses and topics ([a-z0-9_]+)
 * @param description URDF path (relative paths resolve against the launch file) or {@code builtin:<name>}
 * @param limits optional {@code velocity_scale} (0, 1] and per-joint {@code acceleration} list
 * @param arm the chain within the description: {@code base_link}, {@code tip_link} and
 *     {@code tool: {xyz, rpy}} ({@link ArmChain#DEFAULT} when none is given)
 * @param response optional actuator response: {@code lag_s}, {@code dead_time_ms},
 *     {@code max_velocity}, each one number for all joints or a per-joint list, and
 *     {@code adapt} (adopt what is identified online)
 */
public record RobotSpec(String id, String description, Settings limits, ArmChain arm, Settings response) {

  public RobotSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(limits, "limits");
    arm = arm == null ? ArmChain.DEFAULT : arm;
    response = response == null ? new Settings("robot.response", Map.of()) : response;
  }

  /**
   * {@code robot.response.adapt}: adopt the response identified online whenever it disagrees with
   * the one in force (the declared one at start, ideal when none is declared).
   */
  public static final String ADAPT = "adapt";

  /** The keys of {@code robot.response}: the response's own and {@value #ADAPT}. */
  public static final Set<String> RESPONSE_KEYS = Stream.concat(ActuatorResponse.KEYS.stream(), Stream.of(ADAPT))
      .collect(Collectors.toUnmodifiableSet());

  /** Whether the identified response is adopted as the arm runs ({@code robot.response.adapt}). */
  public boolean adaptResponse() {
    return response.bool(ADAPT, false);
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
