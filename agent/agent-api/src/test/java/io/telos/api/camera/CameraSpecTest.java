package io.telos.api.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.api.scene.Scene;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code scene.camera}: defaults, the optical frame, and refusals that name the key. */
class CameraSpecTest {
  static Scene scene(Map<String, Object> camera) {
    return Scene.from(new Settings("scene", Map.of(
        "objects", List.of(Map.of("name", "puck", "position", List.of(0.5, 0.0)),
            Map.of("name", "can", "position", List.of(0.3, 0.1))),
        "camera", camera)));
  }

  static Map<String, Object> camera(Object... kv) {
    Map<String, Object> m = new java.util.LinkedHashMap<>(Map.of("position", List.of(1.0, 0.0, 0.7),
        "look_at", List.of(0.45, 0.0, 0.0)));
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void defaultsAndTheFieldOfView() {
    CameraSpec c = scene(camera("fov_deg", 90)).camera();
    assertEquals(640, c.width());
    assertEquals(480, c.height());
    assertEquals(320, c.fx(), 1e-9, "a 90° view across 640 pixels");
    assertEquals(c.fx(), c.fy());
    assertEquals(319.5, c.cx());
    assertEquals(239.5, c.cy());
    assertEquals(30, c.rateHz());
    assertEquals(33_333_333, c.periodNs());
    var s = scene(camera("markers", Map.of("can", 5)));
    assertEquals(0, s.camera().markerId(s.objects().get(0), s.objects()), "by index");
    assertEquals(5, s.camera().markerId(s.objects().get(1), s.objects()), "as declared");
    assertNull(Scene.from(new Settings("scene", Map.of())).camera());
  }

  @Test
  void theOpticalFrameLooksAtItsTargetWithTheTableBelow() {
    double[] r = scene(camera()).camera().rotation();
    double[] f = {0.45 - 1.0, 0, -0.7};
    double n = Math.hypot(f[0], f[2]);
    assertEquals(f[0] / n, r[2], 1e-12, "optical z is the viewing direction");
    assertEquals(f[2] / n, r[8], 1e-12);
    assertTrue(r[7] < 0, "optical y (down the image) points down in the world");
    assertEquals(1, r[3], 1e-12, "looking along -x, image right is the base's +y");
    for (int i = 0; i < 3; i++) { // orthonormal columns
      for (int j = 0; j < 3; j++) {
        double dot = r[i] * r[j] + r[3 + i] * r[3 + j] + r[6 + i] * r[6 + j];
        assertEquals(i == j ? 1 : 0, dot, 1e-12);
      }
    }
    double[] down = scene(camera("position", List.of(0.5, 0.0, 1.0), "look_at", List.of(0.5, 0.0, 0.0))).camera()
        .rotation();
    assertEquals(-1, down[8], 1e-12, "straight down");
    assertEquals(-1, down[1 * 3 + 0], 1e-12, "image right is -y (image up is +x)");
  }

  @Test
  void anOrientationGivenAsRollPitchYawIsTheSameCameraAsItsLookAt() {
    CameraSpec looking = scene(camera()).camera();
    double[] rpy = looking.orientationRpy();
    Map<String, Object> m = camera();
    m.remove("look_at");
    m.put("rpy", List.of(rpy[0], rpy[1], rpy[2]));
    CameraSpec turned = scene(m).camera();
    double[] a = looking.rotation();
    double[] b = turned.rotation();
    for (int i = 0; i < 9; i++) {
      assertEquals(a[i], b[i], 1e-12, "element " + i);
    }
    double[] at = turned.lookAt();
    assertEquals(1.0 + a[2], at[0], 1e-12, "look_at follows from rpy: one metre along the optical axis");
    assertEquals(0.7 + a[8], at[2], 1e-12);
    CameraSpec moved = looking.withPose(new double[] {0.1, 0.2, 0.9}, new double[] {Math.PI, 0, 0});
    assertEquals(-1, moved.rotation()[8], 1e-12, "rolled half a turn: looking straight down");
    assertEquals(0.9, moved.position()[2]);
  }

  @Test
  void aToolMarkerIsReadAndMustNotShareAnObjectsId() {
    CameraSpec c = scene(camera("tool_marker", Map.of("id", 586, "side_m", 0.05, "xyz", List.of(0.0, 0.0, 0.03))))
        .camera();
    assertEquals(586, c.toolMarker().id());
    assertEquals(0.05, c.toolMarker().sideM());
    assertEquals(0.03, c.toolMarker().xyz()[2]);
    assertEquals(0, c.toolMarker().rpy()[0]);
    assertNull(scene(camera()).camera().toolMarker());
    assertTrue(assertThrows(ConfigException.class, () -> scene(camera("tool_marker", Map.of("id", 1, "side_m", 0.05))))
        .getMessage().contains("scene.camera.tool_marker.id: 1 is also the marker of object 'can'"));
    assertTrue(assertThrows(ConfigException.class, () -> scene(camera("tool_marker", Map.of("id", 500))))
        .getMessage().contains("scene.camera.tool_marker.side_m: required"));
    assertTrue(assertThrows(ConfigException.class, () -> scene(camera("rpy", List.of(0.0, 0.0, 0.0)))).getMessage()
        .contains("scene.camera.rpy: give either look_at or rpy"));
  }

  @Test
  void refusalsNameTheKey() {
    assertTrue(assertThrows(ConfigException.class, () -> scene(camera("fov_deg", 60, "fx", 500))).getMessage()
        .contains("scene.camera.fov_deg: give either fov_deg or fx"));
    assertTrue(assertThrows(ConfigException.class, () -> scene(camera("look_at", List.of(1.0, 0.0, 0.7))))
        .getMessage().contains("scene.camera.look_at: must be at least 1 mm from position"));
    assertTrue(assertThrows(ConfigException.class, () -> scene(camera("markers", Map.of("box", 1)))).getMessage()
        .contains("scene.camera.markers.box: no scene object is called 'box'"));
    assertTrue(assertThrows(ConfigException.class, () -> scene(camera("markers", Map.of("puck", 587)))).getMessage()
        .contains("scene.camera.markers.puck"));
    assertTrue(assertThrows(ConfigException.class, () -> scene(camera("rate_hz", 0))).getMessage()
        .contains("scene.camera.rate_hz"));
    assertTrue(assertThrows(ConfigException.class, () -> scene(camera("lens", "fisheye"))).getMessage()
        .contains("lens"));
    Map<String, Object> noPosition = camera();
    noPosition.remove("position");
    assertTrue(assertThrows(ConfigException.class, () -> scene(noPosition)).getMessage()
        .contains("scene.camera.position: required"));
  }

  @Test
  void framesCheckTheirSizes() {
    assertThrows(IllegalArgumentException.class, () -> new CameraFrame("c", 0, 0, 4, 4, new byte[47], null));
    assertThrows(IllegalArgumentException.class, () -> new CameraFrame("c", 0, 0, 4, 4, new byte[48], new float[15]));
    CameraFrame f = new CameraFrame("c", 0, 0, 4, 4, new byte[48], new float[16]);
    f.rgb()[3 * 5] = (byte) 255;
    f.rgb()[3 * 5 + 1] = (byte) 255;
    f.rgb()[3 * 5 + 2] = (byte) 255;
    assertEquals(255, f.gray(1, 1));
    assertEquals(0, f.gray(0, 0));
  }
}
