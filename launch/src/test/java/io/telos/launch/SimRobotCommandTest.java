package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.scene.Scene;
import io.telos.api.spi.ArmChain;
import io.telos.model.ActuatorResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code telos sim-robot}'s slow-arm options: binding, refusal under the option's name, plumbing. */
class SimRobotCommandTest {

  private static SimRobotCommand parse(String... args) {
    SimRobotCommand c = new SimRobotCommand();
    new CommandLine(c).parseArgs(args);
    return c;
  }

  private static int run(StringWriter err, String... args) {
    CommandLine cl = Telos.commandLine();
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void theOptionsBecomeSimBridgeSettings() {
    assertEquals(Map.of(), parse().simSettings(), "none: the arm of before");
    assertEquals(Map.of("lag_s", 0.1, "dead_time_ms", 20.0, "max_velocity", List.of(1.0, 1.0, 1.0, 0.5, 0.5, 0.5)),
        parse("--lag-s", "0.1", "--dead-time-ms", "20", "--max-velocity", "1,1,1,0.5,0.5,0.5").simSettings());
    assertEquals(Map.of("link_collisions", true), parse("--link-collisions").simSettings());
  }

  @Test
  void badValuesAreRefusedUnderTheOptionName() {
    StringWriter err = new StringWriter();
    assertEquals(Telos.EXIT_BAD_LAUNCH, run(err, "sim-robot", "--lag-s", "-0.1"));
    assertTrue(err.toString().contains("--lag-s: must be a number in [0, 5], was -0.1"), err.toString());
    StringWriter err2 = new StringWriter();
    assertEquals(Telos.EXIT_BAD_LAUNCH, run(err2, "sim-robot", "--max-velocity", "1,2", "--port", "0"));
    assertTrue(err2.toString().contains("--max-velocity: must be one number or a list of 6 (one per joint of"),
        err2.toString());
    StringWriter err3 = new StringWriter();
    assertEquals(Telos.EXIT_BAD_LAUNCH, run(err3, "sim-robot", "--dead-time-ms", "5000", "--transport", "ros2"));
    assertTrue(err3.toString().contains("--dead-time-ms: must be a number in [0, 1000], was 5000"), err3.toString());
  }

  @Test
  void theMqttRobotIsSlow() throws Exception {
    Map<String, Object> sim = parse("--lag-s", "0.2", "--dead-time-ms", "30", "--max-velocity", "1").simSettings();
    try (SimRobotCommand.Standalone robot = SimRobotCommand.Standalone.start("arm1", "builtin:telos6", "embedded", 0,
        42, Scene.EMPTY, sim)) {
      assertEquals(ActuatorResponse.uniform(6, 0.2, 0.03, 1), robot.arm().response());
    }
  }

  @Test
  void aBranchingVendorArmRunsWithItsTipLinkNamed() throws Exception {
    String panda = Path.of("examples", "robots", "panda.urdf").toAbsolutePath().toString();
    try (SimRobotCommand.Standalone robot = SimRobotCommand.Standalone.start("panda", panda,
        new ArmChain(null, "panda_hand_tcp", null), "embedded", 0, 1, Scene.EMPTY, Map.of())) {
      assertEquals("panda_hand_tcp", robot.arm().model().chain().tipLink());
      assertEquals(7, robot.arm().jointNames().size());
    }
    StringWriter err = new StringWriter();
    assertEquals(Telos.EXIT_BAD_LAUNCH, run(err, "sim-robot", "--robot", panda, "--port", "0"));
    assertTrue(err.toString().contains("panda_hand_tcp, panda_leftfinger, panda_rightfinger"), err.toString());
  }

  @Test
  void theHelpNamesTheSlowArmOptions() {
    StringWriter out = new StringWriter();
    CommandLine cl = Telos.commandLine();
    cl.setOut(new PrintWriter(out, true));
    assertEquals(0, cl.execute("help", "sim-robot"));
    for (String o : List.of("--lag-s", "--dead-time-ms", "--max-velocity", "MQTT or ROS 2")) {
      assertTrue(out.toString().contains(o), o + " in:\n" + out);
    }
  }
}
