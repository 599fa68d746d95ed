package io.telos.bridge.sim;

import static io.telos.bridge.sim.SimTesting.MS;
import static io.telos.bridge.sim.SimTesting.TELOS6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.ObjectPose;
import io.telos.api.SimulatedClock;
import io.telos.api.camera.CameraFrame;
import io.telos.api.camera.CameraSpec;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import io.telos.model.CollisionModel;
import io.telos.model.Transform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The simulated camera: geometry of what it draws, the marker's cells, the arm, lock-step frames. */
class SimCameraTest {
  static final SceneObject PUCK = new SceneObject("puck", 0.04, 0.05, 0.3, 0.4, 0.5, 0.1);

  /** Straight down from 1 m above (0.5, 0): image up is the base's +x, image right its −y. */
  static CameraSpec overhead(double noise) {
    return new CameraSpec(320, 240, 300, 300, 159.5, 119.5, new double[] {0.5, 0, 1.0}, new double[] {0.5, 0, 0},
        30, noise, Map.of("puck", 7));
  }

  /** Pixel of a base-frame point, by the pinhole model written out here. */
  static double[] pixel(CameraSpec c, double x, double y, double z) {
    double[] r = c.rotation();
    double[] p = c.position();
    double dx = x - p[0];
    double dy = y - p[1];
    double dz = z - p[2];
    double cx = r[0] * dx + r[3] * dy + r[6] * dz;
    double cy = r[1] * dx + r[4] * dy + r[7] * dz;
    double cz = r[2] * dx + r[5] * dy + r[8] * dz;
    return new double[] {c.fx() * cx / cz + c.cx(), c.fy() * cy / cz + c.cy(), cz};
  }

  static int grey(CameraFrame f, double[] px) {
    return f.gray((int) Math.round(px[0]), (int) Math.round(px[1]));
  }

  @Test
  void theTableAndThePuckTopAreAtTheirDepths() {
    CameraSpec c = overhead(0);
    Scene scene = new Scene(0.02, List.of(PUCK), c);
    CameraFrame f = new SimCamera("cam", c, scene, null, 1).render(0, 0, null,
        List.of(new ObjectPose("puck", 0.5, 0.1, 0.025, 0, 0)));
    // optical axis meets the table 1 m away
    assertEquals(1.0, f.depth()[120 * 320 + 160], 2e-3);
    double[] top = pixel(c, 0.5, 0.1, 0.05);
    int k = (int) Math.round(top[1]) * 320 + (int) Math.round(top[0]);
    assertEquals(0.95, f.depth()[k], 1e-4, "top face 5 cm above the table");
    double[] beside = pixel(c, 0.5, 0.1 + 0.06, 0);
    int j = (int) Math.round(beside[1]) * 320 + (int) Math.round(beside[0]);
    assertEquals(beside[2], f.depth()[j], 2e-3, "table 2 cm outside the puck");
  }

  @Test
  void theMarkerOnTheTopFaceHasTheCellsOfItsId() {
    CameraSpec c = overhead(0);
    Scene scene = new Scene(0.02, List.of(PUCK), c);
    boolean[] cells = new MarkerPatterns().cells(7);
    for (double yaw : new double[] {0, 0.7, -2.1}) {
      CameraFrame f = new SimCamera("cam", c, scene, null, 1).render(0, 0, null,
          List.of(new ObjectPose("puck", 0.5, 0.1, 0.025, yaw, 0)));
      double side = CameraSpec.markerSideM(PUCK);
      int wrong = 0;
      for (int row = 0; row < 8; row++) {
        for (int col = 0; col < 8; col++) {
          double mu = (col + 0.5) / 8 * side - side / 2; // marker x of the cell's centre
          double mv = side / 2 - (row + 0.5) / 8 * side; // marker y, rows from the top
          double x = 0.5 + Math.cos(yaw) * mu - Math.sin(yaw) * mv;
          double y = 0.1 + Math.sin(yaw) * mu + Math.cos(yaw) * mv;
          boolean dark = grey(f, pixel(c, x, y, 0.05)) < 128;
          if (dark != cells[row * 8 + col]) {
            wrong++;
          }
        }
      }
      assertEquals(0, wrong, "cells read back wrong at yaw " + yaw);
    }
    int ones = 0;
    for (boolean b : cells) {
      ones += b ? 1 : 0;
    }
    assertTrue(ones > 28 && ones < 64, "a border of 28 black cells and some black data cells: " + ones);
  }

  @Test
  void theArmIsDrawnAsItsCapsules() {
    CameraSpec c = new CameraSpec(320, 240, 300, 300, 159.5, 119.5, new double[] {1.2, -0.8, 0.9},
        new double[] {0.2, 0, 0.3}, 30, 0, Map.of());
    Scene scene = new Scene(0.02, List.of(), c);
    SimCamera camera = new SimCamera("cam", c, scene, CollisionModel.of(TELOS6, null), 1);
    CameraFrame none = camera.render(0, 0, null, List.of());
    CameraFrame arm = camera.render(1, 0, SimConfig.TELOS6_HOME, List.of());
    int nearer = 0;
    for (int i = 0; i < none.depth().length; i++) {
      if (arm.depth()[i] < none.depth()[i] - 0.01) {
        nearer++;
      }
    }
    assertTrue(nearer > 2_000, "pixels where a link stands in front of the table: " + nearer);
  }

  @Test
  void theToolMarkerIsAPlateOnTheToolPrintedOnItsFrontFace() {
    // on a 20 cm stalk along the tool's z, so that a camera can look at its back between it and the wrist
    CameraSpec.ToolMarker tool = new CameraSpec.ToolMarker(586, 0.05, new double[] {0, 0, 0.2},
        new double[] {0, 0, 0});
    Transform m = TELOS6.chain().tipTransform(SimConfig.TELOS6_HOME).compose(Transform.translation(0, 0, 0.2));
    double[] o = m.translation();
    double[] x = {m.rotationAt(0, 0), m.rotationAt(1, 0), m.rotationAt(2, 0)};
    double[] n = {m.rotationAt(0, 2), m.rotationAt(1, 2), m.rotationAt(2, 2)};
    // a point of the white border, between the black square (half-side 25 mm) and the plate's edge (37.5 mm)
    double[] border = {o[0] + 0.031 * x[0], o[1] + 0.031 * x[1], o[2] + 0.031 * x[2]};
    for (int facing : new int[] {1, -1}) {
      double d = facing > 0 ? 0.6 : -0.15;
      double[] eye = {o[0] + d * n[0], o[1] + d * n[1], o[2] + d * n[2]};
      CameraSpec c = new CameraSpec(320, 240, 300, 300, 159.5, 119.5, eye, o, 30, 0, Map.of(), null, tool);
      SimCamera camera = new SimCamera("cam", c, new Scene(0.02, List.of(), c), CollisionModel.of(TELOS6, null), 1);
      CameraFrame f = camera.render(0, 0, SimConfig.TELOS6_HOME, List.of());
      double[] px = pixel(c, border[0], border[1], border[2]);
      int k = 3 * ((int) Math.round(px[1]) * c.width() + (int) Math.round(px[0]));
      assertEquals(px[2], f.depth()[k / 3], 0.002, "the plate is where the tool frame puts it");
      int r = f.rgb()[k] & 0xff;
      int b = f.rgb()[k + 2] & 0xff;
      if (facing > 0) {
        assertTrue(Math.abs(r - b) <= 2, "front: the white border, grey under the light: " + r + " vs " + b);
      } else {
        assertTrue(b > r + 10, "back: the plate's back, the links' blue-grey: " + r + " vs " + b);
      }
    }
  }

  @Test
  void aCameraPosePlacesTheSimulatedCameraWhateverTheSceneSays() {
    CameraSpec c = overhead(0);
    Scene scene = new Scene(0.02, List.of(PUCK), c);
    Scene moved = SimRobotHardwareProvider.mounted(scene, Map.of("position", List.of(0.6, -0.1, 0.9),
        "look_at", List.of(0.6, -0.1, 0.0)));
    assertArrayEquals(new double[] {0.6, -0.1, 0.9}, moved.camera().position());
    assertEquals(-1, moved.camera().rotation()[8], 1e-12, "looking straight down");
    assertEquals(c.fx(), moved.camera().fx(), "the intrinsics stay the scene's");
    assertEquals(c.markers(), moved.camera().markers());
    Scene turned = SimRobotHardwareProvider.mounted(scene, Map.of("position", List.of(0.5, 0.0, 1.0),
        "rpy", List.of(Math.PI, 0.0, 0.2)));
    assertEquals(Math.cos(0.2), turned.camera().rotation()[0], 1e-12, "by roll, pitch, yaw");
    assertEquals(scene, SimRobotHardwareProvider.mounted(scene, null));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> SimRobotHardwareProvider.mounted(new Scene(0.02, List.of()), Map.of("position", List.of(0.1, 0, 0))))
        .getMessage().contains("bridge.camera_pose: the scene has no camera"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> SimRobotHardwareProvider.mounted(scene, Map.of("position", List.of(0.1, 0, 0.5)))).getMessage()
        .contains("bridge.camera_pose.look_at: give position and either look_at or rpy"));
  }

  @Test
  void aLockStepArmDeliversTheSameFramesAtTheCameraRate() {
    List<CameraFrame> a = frames(1);
    List<CameraFrame> b = frames(1);
    assertTrue(a.size() >= 9 && a.size() <= 11, "300 ms at 30 fps: " + a.size());
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(i, a.get(i).sequence() - a.get(0).sequence());
      assertArrayEquals(a.get(i).rgb(), b.get(i).rgb(), "frame " + i);
      if (i > 0) {
        long gap = a.get(i).stampNs() - a.get(i - 1).stampNs();
        assertTrue(Math.abs(gap - 33_333_333) <= 1_000_000, "gap " + gap);
      }
    }
    List<CameraFrame> other = frames(2);
    assertFalse(java.util.Arrays.equals(a.get(0).rgb(), other.get(0).rgb()), "another seed, other pixel noise");
  }

  private static List<CameraFrame> frames(long seed) {
    CameraSpec c = overhead(0.02);
    Scene scene = new Scene(0.02, List.of(PUCK), c);
    SimulatedClock clock = new SimulatedClock(1_000);
    List<CameraFrame> out = new ArrayList<>();
    try (SimulatedArm arm = new SimulatedArm("arm1", TELOS6, SimConfig.defaults(), clock, seed, true, scene)) {
      arm.onFrame(out::add);
      for (int k = 0; k < 300; k++) {
        clock.advance(MS);
        arm.step(MS);
      }
      assertEquals(out.size(), arm.framesRendered());
    }
    return out;
  }
}
