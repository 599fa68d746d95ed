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
    return parseText(FILE.formatted(bridge));
  }

  static LaunchSpec parseText(String text) {
    return LaunchFile.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), Path.of("scene.yaml"));
  }

  static final String CAMERA = """
        camera: { width: 320, height: 240, fov_deg: 60, position: [1.0, 0, 0.7], look_at: [0.45, 0, 0] }
      perception: { objects: %s }
      """;

  /** The scene file with a camera and {@code perception.objects}, on {@code bridge}. */
  static LaunchSpec withCamera(String bridge, String objects, boolean camera) {
    String extra = camera ? CAMERA.formatted(objects) : "perception: { objects: %s }\n".formatted(objects);
    return parseText(FILE.formatted(bridge).replace("planner: { type: mppi }", extra + "planner: { type: mppi }"));
  }

  @Test
  void objectsFromTheCameraReplaceTheSimulatorsPoses() throws Exception {
    var parts = Composer.compose(withCamera("sim", "camera", true));
    try {
      assertTrue(parts.hardware() instanceof io.telos.perception.camera.CameraObjects, parts.hardware().toString());
      assertTrue(parts.hardware() instanceof io.telos.api.spi.Steppable, "lock-step steps through the tracker");
      assertEquals(java.util.List.of(), parts.hardware().objects(), "no picture yet: nothing told by the simulator");
      parts.hardware().start();
      var clock = (io.telos.api.SimulatedClock) parts.clock();
      for (int ms = 0; ms < 40; ms++) { // the first frame is due after one period (33 ms)
        clock.advance(1_000_000L);
        ((io.telos.api.spi.Steppable) parts.hardware()).step(1_000_000L);
      }
      assertEquals(1, parts.hardware().objects().size(), "seen in the first picture");
      var seen = parts.hardware().objects().get(0);
      assertTrue(seen.planarDistanceTo(0.5, -0.1) < 0.002, "where the launch file put it: " + seen);
    } finally {
      parts.hardware().close();
    }
    var bridgeParts = Composer.compose(withCamera("sim", "bridge", true));
    try {
      assertEquals(1, bridgeParts.hardware().objects().size(), "objects: bridge keeps the simulator's poses");
    } finally {
      bridgeParts.hardware().close();
    }
  }

  @Test
  void objectsFromACameraNeedACameraAndABridgeThatDeliversPictures() {
    LaunchException none = assertThrows(LaunchException.class, () -> Composer.compose(withCamera("sim", "camera", false)));
    assertTrue(none.getMessage().contains("perception.objects: camera needs scene.camera"), none.getMessage());
    LaunchException mock = assertThrows(LaunchException.class, () -> Composer.compose(withCamera("mock", "camera", true)));
    assertTrue(mock.getMessage().contains(
        "bridge.type mock delivers no camera pictures; use a bridge that does (mqtt, ros2, sim)"), mock.getMessage());
    LaunchException bad = assertThrows(LaunchException.class, () -> Composer.compose(withCamera("sim", "lidar", true)));
    assertTrue(bad.getMessage().contains("perception.objects: must be one of bridge, camera, was 'lidar'"),
        bad.getMessage());
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
