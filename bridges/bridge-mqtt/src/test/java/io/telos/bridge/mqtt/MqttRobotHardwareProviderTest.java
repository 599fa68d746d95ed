package io.telos.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.WallClock;
import io.telos.api.config.ConfigException;
import io.telos.api.spi.HardwareContext;
import io.telos.api.spi.RobotHardwareProvider;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class MqttRobotHardwareProviderTest {
  private static HardwareContext context(String description, Map<String, Object> settings) {
    return new HardwareContext("arm1", description, settings, WallClock.INSTANCE, 1, false);
  }

  @Test
  void foundByTheServiceLoaderAsMqtt() {
    RobotHardwareProvider p = ServiceLoader.load(RobotHardwareProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(x -> x.type().equals("mqtt"))
        .findFirst()
        .orElseThrow();
    assertTrue(p instanceof MqttRobotHardwareProvider);
    assertEquals(MqttConfig.KEYS, p.settingKeys());
    assertTrue(p.settingKeys().containsAll(List.of("broker", "port", "prefix", "qos_state", "qos_command",
        "command_expiry_s", "username", "password", "ca_file", "cert_file", "key_file", "client_id")));
  }

  @Test
  void jointOrderComesFromTheRobotDescription() {
    MqttRobotHardware hw = new MqttRobotHardwareProvider().create(context("builtin:telos6", Map.of("port", 0)));
    assertEquals(List.of("shoulder_pan_joint", "shoulder_lift_joint", "elbow_joint", "wrist_1_joint",
        "wrist_2_joint", "wrist_3_joint"), hw.jointNames());
    assertEquals("arm1", hw.robotId());
    assertEquals("telos/arm1/state", hw.topics().state());
  }

  @Test
  void badSettingsAndDescriptionsAreNamed() {
    MqttRobotHardwareProvider p = new MqttRobotHardwareProvider();
    ConfigException e = assertThrows(ConfigException.class,
        () -> p.create(context("builtin:telos6", Map.of("qos_state", 5))));
    assertEquals("bridge.qos_state: must be 0, 1 or 2, was 5", e.getMessage());
    IllegalArgumentException d = assertThrows(IllegalArgumentException.class,
        () -> p.create(context("builtin:nope", Map.of())));
    assertTrue(d.getMessage().startsWith("robot description 'builtin:nope' for robot arm1:"), d.getMessage());
  }

  @Test
  void aTakenEmbeddedPortFailsStartNamingTheKey() throws Exception {
    try (EmbeddedBroker other = new EmbeddedBroker(0).start()) {
      MqttRobotHardware hw = new MqttRobotHardwareProvider()
          .create(context("builtin:planar2", Map.of("port", other.port())));
      IllegalStateException e = assertThrows(IllegalStateException.class, hw::start);
      assertTrue(e.getMessage().startsWith("bridge.port: cannot listen on 127.0.0.1:" + other.port()), e.getMessage());
      hw.close();
    }
  }
}
