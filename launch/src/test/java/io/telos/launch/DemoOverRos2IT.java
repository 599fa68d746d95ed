package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.config.Settings;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchSpec;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Simulation-in-the-loop over ROS 2 (real DDS through IHMC's Fast DDS, loopback only): the
 * simulated arm publishes /joint_states and executes forward-controller commands; the agent
 * reaches it through the ROS 2 bridge as it would a ros2_control arm.
 */
class DemoOverRos2IT {
  @Test
  void agentReachesTargetsOnTheSimRobotOverRos2() throws Exception {
    int domain = 150 + (int) (ProcessHandle.current().pid() % 60);
    try (Ros2SimRobot robot = Ros2SimRobot.start("arm1", "builtin:telos6", domain, true, 42)) {
      LaunchSpec spec = Telos.demoSpec("wall", 42L, 3)
          .withBridge(new Settings("bridge", Map.of("type", "ros2", "domain_id", domain, "loopback_only", true)))
          .withMemory(new Settings("memory", Map.of("type", "none")));
      RunReport r = Session.run(spec, o -> { }, Duration.ofMinutes(2));
      assertEquals(3, r.outcomes().size(), r.outcomes().toString());
      assertTrue(r.reached() >= 2, "reached " + r.reached() + " of 3: " + r.outcomes() + " faults " + r.faults());
      assertEquals(0, r.commandViolations(), "commands outside limits");
      assertTrue(robot.commandsApplied() > 1000, "the robot executed the agent's commands");
    }
  }
}
