package io.telos.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class LaunchFileTest {
  static final String GOOD = """
      robot: { id: arm1, description: builtin:telos6 }
      clock: sim
      seed: 7
      bridge: { type: sim }
      planner: { type: mppi, rate_hz: 50 }
      task: { type: reach_random, count: 3 }
      """;

  static LaunchSpec parse(String yaml) {
    return LaunchFile.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), Path.of("test.yaml"));
  }

  @Test
  void readsAGoodFile() {
    LaunchSpec s = parse(GOOD);
    assertEquals("arm1", s.robot().id());
    assertTrue(s.simulatedTime());
    assertEquals(7, s.seed());
    assertEquals(50, s.plannerRateHz());
    assertEquals(1000, s.safety().rateHz());
    assertEquals("reach_random", s.task().type());
    assertEquals(3, s.task().count());
  }

  static Stream<Arguments> badFiles() {
    return Stream.of(
        Arguments.of("robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi }\nplaner: {}", "planer: unknown key"),
        Arguments.of("robot: { id: Arm-1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi }", "robot.id: must match"),
        Arguments.of("robot: { id: arm1 }\nbridge: { type: sim }\nplanner: { type: mppi }", "robot.description: missing"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6 }\nplanner: { type: mppi }", "bridge: missing"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi }\nclock: fast", "clock: must be one of sim, wall, was 'fast'"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi }\nsafety: { rate_hz: 5 }", "safety.rate_hz: must be a number in [10, 10000], was 5"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi, rate_hz: 2000 }", "planner.rate_hz: must be a number in"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi, rate_hz: 800 }\nsafety: { rate_hz: 500 }", "planner.rate_hz: must not exceed safety.rate_hz"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi }\nsafety: { state_timeout_ms: abc }", "safety.state_timeout_ms: must be a number"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi }\ntask: { type: reach_sequence }", "task.points: reach_sequence needs"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi }\ntask: { type: reach_sequence, points: [[1, 2]] }", "task.points[0]: must have 3 entries"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6, limits: { velocity_scale: 2 } }\nbridge: { type: sim }\nplanner: { type: mppi }", "robot.limits.velocity_scale: must be a number in [0.01, 1], was 2"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi }\ntask: { type: push, object: puck, points: [[0.5, 0.1]] }", "task.object: 'puck' is not an object of scene.objects"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi }\nscene: { objects: [ { name: puck, radius_m: 0.04, height_m: 0.06, position: [0.5, 0] } ] }\ntask: { type: push, points: [[0.5, 0.1]] }", "task.object: missing"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi }\nscene: { objects: [ { name: puck, radius_m: 0.04, height_m: 0.06, position: [0.5, 0] } ] }\ntask: { type: push, object: puck }", "task.points: push needs at least one [x, y] point"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi }\nscene: { objects: [ { name: puck, radius_m: 0.04, height_m: 0.06, position: [0.5, 0] } ] }\ntask: { type: push, object: puck, points: [[0.5, 0.1, 0.2]] }", "task.points[0]: must have 2 entries"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi }\nscene: { objects: [ { name: puck, radius_m: 0.04, height_m: 0.06, position: [0.5, 0] } ] }\ntask: { type: reach_random, object: puck }", "task.object: only a push task names an object"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi }\nscene: { objects: [ { name: puck, radius_m: -1, position: [0.5, 0] } ] }", "scene.objects[0].radius_m: must be a number in [0.005, 0.5], was -1"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi }\nscene: { objects: [ { name: puck, position: [0.5] } ] }", "scene.objects[0].position: must have 2 entries"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi }\nscene: { objects: [ { name: puck, shape: box, position: [0.5, 0] } ] }", "scene.objects[0].shape: must be one of cylinder"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi }\nscene: { objects: [ { name: a, position: [0.5, 0] }, { name: a, position: [0.4, 0] } ] }", "scene.objects: name 'a' is used twice"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi }\nscene: { tool_radius_m: 0, objects: [] }", "scene.tool_radius_m: must be a number in [0.002, 0.2], was 0"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi }\nscene: { objets: [] }", "scene.objets: unknown key"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi }\ntask: { type: reach_random, goal_space: latent }", "task.goal_space: only a reach_recalled task takes a goal space"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6 }\nbridge: { type: sim }\nplanner: { type: mppi }\ntask: { type: reach_recalled, goal_space: pixels }", "task.goal_space: must be one of joints, latent, was 'pixels'"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6, response: { lag_s: -0.1 } }\nbridge: { type: sim }\nplanner: { type: mppi }", "robot.response.lag_s: must be a number in [0, 5], was -0.1"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6, response: { lag_s: [0.1, 9] } }\nbridge: { type: sim }\nplanner: { type: mppi }", "robot.response.lag_s[1]: must be a number in [0, 5], was 9"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6, response: { dead_time_ms: 2000 } }\nbridge: { type: sim }\nplanner: { type: mppi }", "robot.response.dead_time_ms: must be a number in [0, 1000], was 2000"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6, response: { max_velocity: 0 } }\nbridge: { type: sim }\nplanner: { type: mppi }", "robot.response.max_velocity: must be a number in [0.001, 10000], was 0"),
        Arguments.of("robot: { id: arm1, description: builtin:telos6, response: { lag: 0.1 } }\nbridge: { type: sim }\nplanner: { type: mppi }", "robot.response.lag: unknown key"),
        Arguments.of("- just\n- a list", "must be a YAML map"),
        Arguments.of("robot: { id: arm1, description: [unclosed", "not valid YAML"));
  }

  @ParameterizedTest
  @MethodSource("badFiles")
  void refusesBadFilesNamingTheKey(String yaml, String expected) {
    LaunchException e = assertThrows(LaunchException.class, () -> parse(yaml));
    assertTrue(e.getMessage().startsWith("test.yaml: "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void readsAScene() {
    LaunchSpec s = parse(GOOD.replace("task: { type: reach_random, count: 3 }", """
        scene:
          tool_radius_m: 0.03
          objects: [ { name: puck, radius_m: 0.04, height_m: 0.06, mass_kg: 0.2, friction: 0.5, position: [0.5, -0.1] } ]
        task: { type: push, object: puck, tolerance_m: 0.02, points: [[0.5, 0.1], [0.4, 0.0]] }
        """));
    assertEquals(0.03, s.scene().toolRadiusM());
    assertEquals(-0.1, s.scene().object("puck").orElseThrow().yM());
    assertEquals("puck", s.task().object());
    assertEquals(2, s.task().goalCount());
    assertEquals(0.0, parse(GOOD).scene().objects().size());
  }

  @Test
  void missingFileIsNamed() {
    LaunchException e = assertThrows(LaunchException.class, () -> LaunchFile.load(Path.of("/nope/missing.yaml")));
    assertTrue(e.getMessage().contains("/nope/missing.yaml"));
  }

  @Test
  void robotChainKeys() {
    LaunchSpec s = parse(GOOD.replace("robot: { id: arm1, description: builtin:telos6 }",
        "robot: { id: arm1, description: arm.urdf, base_link: base_link, tip_link: tool0,"
            + " tool: { xyz: [0, 0, 0.15], rpy: [0, 0, 1.5] } }"));
    io.telos.api.spi.ArmChain arm = s.robot().arm();
    assertEquals("base_link", arm.baseLink());
    assertEquals("tool0", arm.tipLink());
    assertEquals(java.util.List.of(0.0, 0.0, 0.15, 0.0, 0.0, 1.5),
        java.util.Arrays.stream(arm.toolXyzRpy()).boxed().toList());
    // only xyz: no rotation
    LaunchSpec x = parse(GOOD.replace("description: builtin:telos6 }",
        "description: builtin:telos6, tool: { xyz: [0.1, 0, 0] } }"));
    assertEquals(java.util.List.of(0.1, 0.0, 0.0, 0.0, 0.0, 0.0),
        java.util.Arrays.stream(x.robot().arm().toolXyzRpy()).boxed().toList());
    assertEquals(io.telos.api.spi.ArmChain.DEFAULT, parse(GOOD).robot().arm());
  }

  @ParameterizedTest
  @MethodSource("badChainKeys")
  void badRobotChainKeysNameTheKey(String robotKeys, String expected) {
    LaunchException e = assertThrows(LaunchException.class, () -> parse(GOOD.replace(
        "description: builtin:telos6 }", "description: builtin:telos6, " + robotKeys + " }")));
    assertTrue(e.getMessage().startsWith("test.yaml: " + expected), e.getMessage());
  }

  static Stream<Arguments> badChainKeys() {
    return Stream.of(
        Arguments.of("tip: tool0", "robot.tip: unknown key (allowed: base_link, description, id, limits, response, tip_link, tool)"),
        Arguments.of("tip_link: ''", "robot.tip_link: must be a non-empty string"),
        Arguments.of("base_link: 3", "robot.base_link: must be a non-empty string"),
        Arguments.of("tool: [0, 0, 0.1]", "robot.tool: must be a map of settings"),
        Arguments.of("tool: {}", "robot.tool: needs xyz: [x, y, z] (m) and/or rpy"),
        Arguments.of("tool: { xyz: [0, 0] }", "robot.tool.xyz: must have 3 entries, had 2"),
        Arguments.of("tool: { rpy: [0, 0, x] }", "robot.tool.rpy[2]: "),
        Arguments.of("tool: { rpy: [0, 7, 0] }", "robot.tool.rpy[1]: "),
        Arguments.of("tool: { xyz: [0, 0, 0.1], quat: [1, 0, 0, 0] }", "robot.tool.quat: unknown key (allowed: rpy, xyz)"));
  }
}
