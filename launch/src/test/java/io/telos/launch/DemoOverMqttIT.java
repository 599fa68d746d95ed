package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.config.Settings;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchSpec;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Simulation-in-the-loop over the wire: the simulated arm runs as a standalone MQTT robot (with
 * the embedded broker), and the agent reaches it through the MQTT bridge exactly as it would a
 * real arm, in real time.
 */
class DemoOverMqttIT {
  @Test
  void agentReachesTargetsOnTheSimRobotOverMqtt() throws Exception {
    try (SimRobotCommand.Standalone robot = SimRobotCommand.Standalone.start("arm1", "builtin:telos6", "embedded", 0, 42)) {
      assertTrue(robot.mqtt().awaitConnected(10, TimeUnit.SECONDS), "sim robot connected to its broker");
      LaunchSpec spec = Telos.demoSpec("wall", 42L, 3)
          .withBridge(new Settings("bridge", Map.of("type", "mqtt", "broker", robot.mqtt().brokerUri())))
          .withMemory(new Settings("memory", Map.of("type", "none")));
      RunReport r = Session.run(spec, o -> { }, Duration.ofMinutes(2));
      assertEquals(3, r.outcomes().size(), r.outcomes().toString());
      assertTrue(r.reached() >= 2, "reached " + r.reached() + " of 3: " + r.outcomes() + " faults " + r.faults());
      assertEquals(0, r.commandViolations(), "commands outside limits");
      assertTrue(robot.mqtt().commandsApplied() > 1000, "the robot executed the agent's commands");
    }
  }
}
