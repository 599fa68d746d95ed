package io.telos.bridge.ros2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.config.ConfigException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Ros2ConfigTest {
  @Test
  void defaultsFollowRos2() {
    Ros2Config c = Ros2Config.defaults();
    assertEquals("", c.namespace());
    assertEquals(0, c.domainId());
    assertEquals("forward_position_controller", c.controller());
    assertEquals(Ros2Config.CommandInterface.FORWARD, c.commandInterface());
    assertEquals(Ros2Qos.DEFAULT, c.qos());
    assertEquals(new Ros2Qos(Ros2Qos.Reliability.RELIABLE, 10, Ros2Qos.Durability.VOLATILE), c.qos());
    assertEquals(10_000_000L, c.servoPeriodNs());
    assertEquals(500_000_000L, c.stateTimeoutNs());
    assertFalse(c.loopbackOnly());
    assertEquals("/joint_states", c.stateTopic());
    assertEquals("/forward_position_controller/commands", c.commandTopic());
    assertEquals("/telos/mode", c.modeTopic());
    assertEquals("/telos/estop", c.estopTopic());
  }

  @Test
  void everySettingBinds() {
    Ros2Config c = Ros2Config.parse(Map.of("namespace", "/cell/arm1", "domain_id", 42, "controller", "jtc",
        "command_interface", "trajectory", "reliability", "best_effort", "history_depth", 1, "durability",
        "transient_local", "servo_period_s", 0.002, "loopback_only", true, "state_timeout_s", 1));
    assertEquals(42, c.domainId());
    assertEquals(new Ros2Qos(Ros2Qos.Reliability.BEST_EFFORT, 1, Ros2Qos.Durability.TRANSIENT_LOCAL), c.qos());
    assertEquals("/cell/arm1/jtc/joint_trajectory", c.commandTopic());
    assertEquals("/cell/arm1/joint_states", c.stateTopic());
    assertEquals(2_000_000L, c.servoPeriodNs());
    assertTrue(c.loopbackOnly());
    assertEquals("", Ros2Config.parse(Map.of("namespace", "/")).namespace());
  }

  @Test
  void velocityInterfaceAndControllerJoints() {
    Ros2Config c = Ros2Config.parse(Map.of("command_interface", "velocity", "controller_joints", List.of("b", "a")));
    assertEquals(Ros2Config.CommandInterface.VELOCITY, c.commandInterface());
    assertEquals("/forward_velocity_controller/commands", c.commandTopic());
    assertEquals(List.of("b", "a"), c.commandOrder(List.of("a", "b")));
    assertEquals(List.of("a", "b"), Ros2Config.defaults().commandOrder(List.of("a", "b")));
    assertEquals("/vc/commands", Ros2Config.parse(Map.of("command_interface", "velocity", "controller", "vc"))
        .commandTopic());
    assertThrows(ConfigException.class, () -> c.commandOrder(List.of("a", "b", "c")));
    assertEquals(10.0, c.velocityGain());
    assertEquals(0.0, Ros2Config.parse(Map.of("velocity_gain", 0)).velocityGain());
  }

  @Test
  void errorsNameTheKey() {
    assertMessage("bridge.velocity_gain", Map.of("velocity_gain", -1));
    assertMessage("bridge.controller_joints", Map.of("controller_joints", "a"));
    assertMessage("bridge.controller_joints", Map.of("controller_joints", List.of()));
    assertMessage("bridge.controller_joints", Map.of("controller_joints", List.of("a", "a")));
    assertMessage("bridge.controller_joints", Map.of("controller_joints", List.of("a", 3)));
    assertMessage("bridge.domain_id", Map.of("domain_id", 233));
    assertMessage("bridge.domain_id", Map.of("domain_id", "zero"));
    assertMessage("bridge.reliability", Map.of("reliability", "sure"));
    assertMessage("bridge.durability", Map.of("durability", "transient"));
    assertMessage("bridge.history_depth", Map.of("history_depth", 0));
    assertMessage("bridge.command_interface", Map.of("command_interface", "effort"));
    assertMessage("bridge.namespace", Map.of("namespace", "arm1"));
    assertMessage("bridge.namespace", Map.of("namespace", "/arm1/"));
    assertMessage("bridge.controller", Map.of("controller", "/abs"));
    assertMessage("bridge.servo_period_s", Map.of("servo_period_s", 0));
    assertMessage("bridge.nope", Map.of("nope", 1));
  }

  private static void assertMessage(String key, Map<String, ?> settings) {
    ConfigException e = assertThrows(ConfigException.class, () -> Ros2Config.parse(settings));
    assertTrue(e.getMessage().startsWith(key + ":"), e.getMessage());
  }
}
