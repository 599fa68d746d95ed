package io.telos.bridge.ros2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.WallClock;
import io.telos.api.spi.HardwareContext;
import io.telos.api.spi.RobotHardware.Health;
import io.telos.api.spi.RobotHardwareProvider;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class Ros2RobotHardwareProviderTest {
  private static HardwareContext context(String description, Map<String, Object> settings) {
    return new HardwareContext("arm1", description, settings, WallClock.INSTANCE, 1, false);
  }

  @Test
  void foundByServiceLoader() {
    RobotHardwareProvider p = ServiceLoader.load(RobotHardwareProvider.class).stream()
        .map(ServiceLoader.Provider::get).filter(x -> x.type().equals("ros2")).findFirst().orElseThrow();
    assertEquals(Ros2Config.KEYS, p.settingKeys());
    assertTrue(p.settingKeys().containsAll(
        java.util.Set.of("namespace", "domain_id", "controller", "command_interface", "reliability", "history_depth",
            "durability")));
  }

  @Test
  void buildsFromTheRobotDescriptionWithoutStarting() {
    Ros2RobotHardware hw = new Ros2RobotHardwareProvider().create(context("builtin:telos6", Map.of("domain_id", 7)));
    assertEquals("arm1", hw.robotId());
    assertFalse(hw.jointNames().isEmpty());
    assertEquals(7, hw.config().domainId());
    assertEquals(Health.LOST, hw.health());
    hw.close(); // closing an unstarted bridge is harmless
  }

  @Test
  void refusesBadSettingsAndDescriptions() {
    Ros2RobotHardwareProvider p = new Ros2RobotHardwareProvider();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> p.create(context("builtin:telos6", Map.of("reliability", "maybe"))));
    assertTrue(e.getMessage().startsWith("bridge.reliability:"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> p.create(context("builtin:nope", Map.of())));
    assertTrue(e.getMessage().contains("builtin:nope"), e.getMessage());
  }

  @Test
  void nodeNamesAreSanitised() {
    assertEquals("telos_arm_1_x", Ros2RobotHardware.nodeName("arm-1.x"));
  }
}
