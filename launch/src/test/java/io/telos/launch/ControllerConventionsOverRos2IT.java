package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.telos.api.config.Settings;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reach task over ROS 2 against a ros2_control-style driver that is not Java:
 * {@code bridges/bridge-ros2/src/test/cyclone/ctl_driver.c} on Eclipse Cyclone DDS, in another
 * process, built by the test with idlc and gcc (skipped without Debian's cyclonedds-dev,
 * cyclonedds-tools and gcc). The driver's robot has more joints than the chain (a gripper finger
 * and a second arm's joint that keeps swinging) and its forward controller lists the arm's joints in
 * reverse URDF order; the agent is told that order with {@code bridge.controller_joints}.
 */
@Timeout(240)
class ControllerConventionsOverRos2IT {
  /** joint_state_broadcaster's alphabetical order, with two joints the chain does not have. */
  private static final List<String> STATE_JOINTS = List.of("elbow_joint", "gripper_finger_joint", "left_arm_joint_1",
      "shoulder_lift_joint", "shoulder_pan_joint", "wrist_1_joint", "wrist_2_joint", "wrist_3_joint");
  /** telos6's home pose, per state joint. */
  private static final List<Double> INITIAL = List.of(1.2, 0.01, 0.3, -0.5, 0.0, -0.7, 1.57, 0.0);
  private static final List<String> CONTROLLER_JOINTS = List.of("wrist_3_joint", "wrist_2_joint", "wrist_1_joint",
      "elbow_joint", "shoulder_lift_joint", "shoulder_pan_joint");

  private static Path build() throws IOException, InterruptedException {
    assumeTrue(CyclonePeers.available("ctl_driver"),
        "needs Debian packages cyclonedds-dev cyclonedds-tools libcycloneddsidl0 and gcc");
    return CyclonePeers.build("ctl_driver");
  }

  @Test
  void reachWithExtraJointsAndReorderedPositionController() throws Exception {
    reach("position", "forward_position_controller", 0, Map.of());
  }

  /**
   * The driver integrates the velocities; like a velocity driver with a command watchdog it stops a
   * joint whose command is 20 ms old (on a loaded machine the agent's servo loop can stall longer
   * than that, and an integrator without a watchdog keeps moving meanwhile).
   */
  @Test
  void reachThroughTheVelocityInterface() throws Exception {
    reach("velocity", "forward_velocity_controller", 20, Map.of("command_interface", "velocity"));
  }

  private static void reach(String commandInterface, String controller, int cmdTimeoutMs, Map<String, Object> bridge)
      throws Exception {
    Path dir = build();
    int domain = 90 + (int) ((ProcessHandle.current().pid() + commandInterface.length()) % 50);
    ProcessBuilder pb = new ProcessBuilder(dir.resolve("ctl_driver").toString(), Integer.toString(domain), "200",
        commandInterface, controller, String.join(",", STATE_JOINTS),
        String.join(",", INITIAL.stream().map(String::valueOf).toList()), String.join(",", CONTROLLER_JOINTS), "1000",
        Integer.toString(cmdTimeoutMs))
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("CYCLONEDDS_URI", "file://" + dir.resolve("cyclonedds.xml"));
    Process driver = pb.start();
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread.ofPlatform().daemon(true).start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          lines.add(l);
        }
      } catch (IOException e) {
        // process ended
      }
    });
    try {
      assertEquals("ready", lines.poll(10, TimeUnit.SECONDS));
      Map<String, Object> settings = new HashMap<>(bridge);
      settings.putAll(Map.of("type", "ros2", "domain_id", domain, "loopback_only", true, "controller_joints",
          CONTROLLER_JOINTS));
      LaunchSpec spec = Telos.demoSpec("wall", 42L, 3)
          .withBridge(new Settings("bridge", settings))
          .withMemory(new Settings("memory", Map.of("type", "none")));
      RunReport r = Session.run(spec, o -> { }, Duration.ofMinutes(2));
      driver.getOutputStream().close();
      String done = lines.poll(10, TimeUnit.SECONDS);
      assertNotNull(done, "the driver did not report");
      Matcher m = Pattern.compile("done commands=(\\d+) ignored=(\\d+) ticks=(\\d+) timeouts=(\\d+)").matcher(done);
      assertTrue(m.matches(), done);
      long commands = Long.parseLong(m.group(1));
      System.out.printf("reach over ROS 2, Cyclone ctl_driver (%s interface, controller order %s, 2 extra joints):"
          + " reached %d of %d, violations %d command + %d measured, %d commands taken, %d ignored, %s watchdog stops,"
          + " %.1f s, faults %s%n",
          commandInterface, CONTROLLER_JOINTS, r.reached(), r.outcomes().size(), r.commandViolations(),
          r.measuredViolations(), commands, Long.parseLong(m.group(2)), m.group(4), r.wallSeconds(), r.faults());
      assertEquals(3, r.outcomes().size(), r.outcomes().toString());
      assertTrue(r.reached() >= 2, "reached " + r.reached() + " of 3: " + r.outcomes() + " faults " + r.faults());
      assertEquals(0, r.limitViolations(), "commands or measured positions outside limits");
      assertTrue(commands > 1000, "the driver executed the agent's commands: " + commands);
      assertEquals("0", m.group(2), "commands of the wrong length");
    } finally {
      driver.getOutputStream().close();
      if (!driver.waitFor(10, TimeUnit.SECONDS)) {
        driver.destroyForcibly();
      }
    }
  }
}
