package io.telos.bridge.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.SimulatedClock;
import io.telos.api.spi.HardwareContext;
import io.telos.api.spi.RobotHardware;
import io.telos.api.spi.RobotHardwareProvider;
import io.telos.model.ActuatorResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code sim} provider: discovery, settings binding and the messages of bad settings. */
class SimRobotHardwareProviderTest {
  private final SimRobotHardwareProvider provider = new SimRobotHardwareProvider();

  private static HardwareContext context(String urdf, Map<String, Object> settings) {
    return new HardwareContext("arm1", urdf, settings, new SimulatedClock(), 3, true);
  }

  @Test
  void isFoundByServiceLoader() {
    RobotHardwareProvider found = ServiceLoader.load(RobotHardwareProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.type().equals("sim"))
        .findFirst()
        .orElseThrow();
    assertEquals(SimRobotHardwareProvider.class, found.getClass());
    assertEquals(Set.of("step_ms", "gravity", "kp", "command_interface", "noise_position_rad",
        "noise_velocity_rad_s", "initial_position", "effort_scale", "lag_s", "dead_time_ms", "max_velocity",
        "link_collisions", "camera_pose"),
        found.settingKeys());
  }

  @Test
  void createsWithDefaults() {
    try (RobotHardware hw = provider.create(context("builtin:telos6", Map.of()))) {
      SimulatedArm arm = (SimulatedArm) hw;
      assertEquals(SimConfig.defaults(), arm.config());
      assertEquals(6, hw.read().position().size());
      assertEquals("sim/arm1", hw.read().header().source());
    }
  }

  @Test
  void bindsEverySetting() {
    Map<String, Object> s = new HashMap<>();
    s.put("step_ms", 2);
    s.put("gravity", List.of(0.0, 0, -1.62));
    s.put("kp", 25);
    s.put("command_interface", "velocity");
    s.put("noise_position_rad", 0.001);
    s.put("noise_velocity_rad_s", 0.01);
    s.put("initial_position", List.of(0.5, -1));
    s.put("effort_scale", 0.5);
    try (SimulatedArm arm = provider.create(context("builtin:planar2", s))) {
      SimConfig c = arm.config();
      assertEquals(2_000_000L, c.stepNs());
      assertArrayEquals(new double[] {0, 0, -1.62}, c.gravity());
      assertEquals(25, c.kp());
      assertEquals(SimConfig.CommandInterface.VELOCITY, c.commandInterface());
      assertEquals(0.001, c.noisePositionRad());
      assertEquals(0.01, c.noiseVelocityRadS());
      assertArrayEquals(new double[] {0.5, -1}, c.initialPosition());
      assertEquals(0.5, c.effortScale());
      assertArrayEquals(new double[] {0.5, -1}, arm.groundTruth().position().toArray(), 1e-12);
    }
    assertArrayEquals(new double[] {0, 0, 0}, SimRobotHardwareProvider.parse(Map.of("gravity", 0)).gravity());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "kp|abc|bridge.kp: must be a number > 0, was 'abc'",
    "kp|-1|bridge.kp: must be a number > 0, was -1",
    "kp|5000|bridge.kp: must be a number > 0 and <= 1/step (1000 for step_ms 1), was 5000",
    "step_ms|0|bridge.step_ms: must be a number in (0, 100], was 0",
    "step_ms|fast|bridge.step_ms: must be a number in (0, 100], was 'fast'",
    "command_interface|torque|bridge.command_interface: must be one of position, velocity, was 'torque'",
    "noise_position_rad|-0.1|bridge.noise_position_rad: must be a finite number >= 0, was -0.1",
    "noise_velocity_rad_s|x|bridge.noise_velocity_rad_s: must be a number >= 0, was 'x'",
    "effort_scale|200|bridge.effort_scale: must be a number in [0, 100], was 200",
    "gravity|down|bridge.gravity: must be a number (the z component, e.g. -9.81) or a list of 3 numbers [x, y, z], was 'down'",
    "initial_position|0.5|bridge.initial_position: must be a list of numbers (one per joint, rad or m), was 0.5",
    "lag_s|-0.1|bridge.lag_s: must be a number in [0, 5], was -0.1",
    "lag_s|slow|bridge.lag_s: must be a number in [0, 5], was 'slow'",
    "lag_s|6|bridge.lag_s: must be a number in [0, 5], was 6",
    "dead_time_ms|1500|bridge.dead_time_ms: must be a number in [0, 1000], was 1500",
    "dead_time_ms|-1|bridge.dead_time_ms: must be a number in [0, 1000], was -1",
    "max_velocity|0|bridge.max_velocity: must be a number in [0.001, 10000], was 0",
    "max_velocity|Infinity|bridge.max_velocity: must be a number in [0.001, 10000], was Infinity",
    "link_collisions|yes|bridge.link_collisions: must be true or false, was 'yes'",
    "colour|red|bridge.colour: unknown key (allowed: camera_pose, command_interface, dead_time_ms, effort_scale, gravity, initial_position, kp, lag_s, link_collisions, max_velocity, noise_position_rad, noise_velocity_rad_s, step_ms)",
  })
  void badSettingsNameTheKey(String key, String raw, String message) {
    Object value = parse(raw);
    var e = assertThrows(IllegalArgumentException.class,
        () -> provider.create(context("builtin:planar2", Map.of(key, value))));
    assertEquals(message, e.getMessage());
  }

  @Test
  void badListsNameTheKeyAndIndex() {
    var e1 = assertThrows(IllegalArgumentException.class,
        () -> provider.create(context("builtin:planar2", Map.of("initial_position", List.of(0.1, "x")))));
    assertEquals("bridge.initial_position[1]: must be a finite number, was 'x'", e1.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class,
        () -> provider.create(context("builtin:planar2", Map.of("initial_position", List.of(0.1)))));
    assertTrue(e2.getMessage().startsWith("bridge.initial_position: must have 2 entries"), e2.getMessage());
    var e3 = assertThrows(IllegalArgumentException.class,
        () -> provider.create(context("builtin:planar2", Map.of("gravity", List.of(0, true, 1)))));
    assertEquals("bridge.gravity[1]: must be a finite number, was true", e3.getMessage());
    var e4 = assertThrows(IllegalArgumentException.class,
        () -> provider.create(context("builtin:planar2", Map.of("kp", true))));
    assertEquals("bridge.kp: must be a number > 0, was true", e4.getMessage());
  }

  @Test
  void bindsTheActuatorResponse() {
    assertNull(SimRobotHardwareProvider.parse(Map.of()).response(), "none unless a key is set");
    assertEquals(ActuatorResponse.uniform(1, 0.08, 0.012, Double.POSITIVE_INFINITY),
        SimRobotHardwareProvider.parse(Map.of("lag_s", 0.08, "dead_time_ms", 12)).response());
    assertEquals(ActuatorResponse.uniform(1, 0, 0, 1.0), SimRobotHardwareProvider.parse(Map.of("max_velocity", 1)).response());
    Map<String, Object> s = Map.of("lag_s", List.of(0.05, 0.2), "dead_time_ms", 30, "max_velocity", List.of(1, 0.5));
    ActuatorResponse perJoint = new ActuatorResponse(new double[] {0.05, 0.2}, new double[] {0.03, 0.03},
        new double[] {1, 0.5});
    assertEquals(perJoint, SimRobotHardwareProvider.parse(s).response());
    try (SimulatedArm arm = provider.create(context("builtin:planar2", s))) {
      assertEquals(perJoint, arm.response());
      assertTrue(arm.config().toString().endsWith("lag_s=[0.05, 0.2], dead_time_ms=[30, 30], max_velocity=[1, 0.5]]"),
          arm.config().toString());
    }
    try (SimulatedArm arm = provider.create(context("builtin:telos6", Map.of("lag_s", 0.1)))) {
      assertEquals(ActuatorResponse.uniform(6, 0.1, 0, Double.POSITIVE_INFINITY), arm.response(), "one number: every joint");
    }
  }

  @Test
  void badResponseListsNameTheKey() {
    var e1 = assertThrows(IllegalArgumentException.class,
        () -> provider.create(context("builtin:planar2", Map.of("lag_s", List.of(0.1, 0.2, 0.3)))));
    assertEquals("bridge.lag_s: must be one number or a list of 2 (one per joint of [joint1, joint2]), had 3 entries",
        e1.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class,
        () -> provider.create(context("builtin:planar2", Map.of("lag_s", List.of(0.1, 0.2), "max_velocity", List.of(1)))));
    assertEquals("bridge.max_velocity: has 1 entries but bridge.lag_s has 2 (one per joint in both, or a single number)",
        e2.getMessage());
    var e3 = assertThrows(IllegalArgumentException.class,
        () -> provider.create(context("builtin:planar2", Map.of("dead_time_ms", List.of(10, "x")))));
    assertEquals("bridge.dead_time_ms[1]: must be a number in [0, 1000], was 'x'", e3.getMessage());
    var e4 = assertThrows(IllegalArgumentException.class,
        () -> provider.create(context("builtin:planar2", Map.of("max_velocity", List.of()))));
    assertEquals("bridge.max_velocity: must be one number or a non-empty list (one per joint)", e4.getMessage());
  }

  @Test
  void anUnknownRobotDescriptionIsAnIllegalArgument() {
    var e = assertThrows(IllegalArgumentException.class, () -> provider.create(context("builtin:nope", Map.of())));
    assertTrue(e.getMessage().contains("builtin:nope"), e.getMessage());
  }

  /** YAML-like typing of a CSV cell: integer, double or string. */
  private static Object parse(String raw) {
    try {
      return Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      try {
        return Double.parseDouble(raw);
      } catch (NumberFormatException e2) {
        return raw;
      }
    }
  }
}
