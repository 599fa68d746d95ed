package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.config.Settings;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The contact task simulation-in-the-loop over MQTT, in real time: the standalone simulated arm
 * (with the puck) publishes joint states and the puck's pose on {@code <prefix>objects} through its
 * embedded broker; the agent perceives the puck only through that topic and pushes it to the
 * targets of {@code launch/examples/push-mqtt.yaml}.
 */
class PushOverMqttIT {
  @Test
  void agentPushesThePuckOnTheSimRobotOverMqtt() throws Exception {
    LaunchSpec file = LaunchFile.load(Path.of("examples/push-mqtt.yaml").toFile().exists()
        ? Path.of("examples/push-mqtt.yaml") : Path.of("launch/examples/push-mqtt.yaml"));
    try (SimRobotCommand.Standalone robot = SimRobotCommand.Standalone.start("arm1", "builtin:telos6", "embedded", 0, 42,
        file.scene())) {
      assertTrue(robot.mqtt().awaitConnected(10, TimeUnit.SECONDS), "sim robot connected to its broker");
      LaunchSpec spec = file.withBridge(new Settings("bridge", Map.of("type", "mqtt", "broker",
          robot.mqtt().brokerUri())));
      RunReport r = Session.run(spec, o -> { }, Duration.ofMinutes(2));
      assertEquals(2, r.outcomes().size(), r.outcomes().toString());
      assertEquals(2, r.reached(), "pushed: " + r.outcomes() + " faults " + r.faults());
      assertEquals(0, r.commandViolations(), "commands outside limits");
      double[] puck = {robot.arm().objects().get(0).xM(), robot.arm().objects().get(0).yM()};
      assertTrue(Math.hypot(puck[0] - 0.38, puck[1] - 0.08) < 0.03, "the simulated puck is at the last target: "
          + puck[0] + ", " + puck[1]);
    }
  }
}
