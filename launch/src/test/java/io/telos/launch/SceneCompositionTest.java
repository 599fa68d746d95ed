package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.runtime.config.LaunchException;
import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** How a launch file's scene reaches the parts: the bridge's bodies, the planner's contact model, or a refusal. */
class SceneCompositionTest {
  static final String FILE = """
      robot: { id: arm1, description: builtin:telos6 }
      clock: sim
      bridge: { type: %s }
      scene:
        objects: [ { name: puck, radius_m: 0.04, height_m: 0.06, position: [0.5, -0.1] } ]
      planner: { type: mppi }
      memory: { type: none }
      task: { type: push, object: puck, points: [[0.5, 0.1]] }
      """;

  static LaunchSpec parse(String bridge) {
    return LaunchFile.parse(new ByteArrayInputStream(FILE.formatted(bridge).getBytes(StandardCharsets.UTF_8)),
        Path.of("scene.yaml"));
  }

  @Test
  void aBridgeThatReportsNoObjectPosesIsRefusedForAScene() {
    LaunchException e = assertThrows(LaunchException.class, () -> Composer.compose(parse("mock")));
    assertTrue(e.getMessage().startsWith("scene.yaml: scene.objects: bridge.type mock reports no object poses"),
        e.getMessage());
    assertTrue(e.getMessage().contains("mqtt, sim"), e.getMessage());
  }

  @Test
  void theSimulatorGetsTheObjectsAndThePlannerItsContactModel() {
    var parts = Composer.compose(parse("sim"));
    try {
      assertEquals(1, parts.hardware().objects().size(), "the simulated puck is reported");
      assertEquals("puck", parts.hardware().objects().get(0).name());
      var mppi = (io.telos.planner.MppiPlanner) parts.planner();
      assertEquals(1, mppi.worldModel().objectCount(), "the planner predicts the puck");
      assertEquals(new io.telos.api.Target.Push("puck", 0.5, 0.1), parts.goals().get(0).target());
    } finally {
      parts.hardware().close();
    }
  }
}
