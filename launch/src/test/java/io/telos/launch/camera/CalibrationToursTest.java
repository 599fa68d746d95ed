package io.telos.launch.camera;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.Observation;
import io.telos.api.Pose;
import io.telos.api.Setpoint;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.api.camera.CameraFrame;
import io.telos.api.camera.CameraSpec;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import io.telos.model.CollisionModel;
import io.telos.model.RobotModel;
import io.telos.model.Transform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Where calibration takes the arm ({@link CalibrationStations}) and how it gets there ({@link StationPlanner}). */
class CalibrationToursTest {
  static final RobotModel TELOS6 = RobotModel.load("builtin:telos6");
  static final double[] HOME = {0, -0.5, 1.2, -0.7, 1.57, 0};

  static CameraSpec camera(double[] lookAt) {
    return new CameraSpec(640, 480, 554, 554, 319.5, 239.5, new double[] {1.0, 0, 0.7}, lookAt, 30, 0, Map.of(),
        null, new CameraSpec.ToolMarker(586, 0.05, new double[3], new double[] {1.5708, 0, 0}));
  }

  @Test
  void stationsShowTheMarkerFromDifferentAnglesAndAreReproducible() {
    CalibrationStations s = new CalibrationStations(TELOS6, CollisionModel.of(TELOS6, null),
        camera(new double[] {0.45, 0, 0}));
    List<double[]> a = s.choose(HOME, 10, 3);
    List<double[]> b = s.choose(HOME, 10, 3);
    assertEquals(10, a.size());
    double smallest = Math.PI;
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), "same seed, same stations");
      Transform mi = s.marker(a.get(i));
      assertNotNull(mi, "station " + i + " shows the marker");
      for (int j = 0; j < i; j++) {
        smallest = Math.min(smallest, mi.angleTo(s.marker(a.get(j))));
      }
    }
    assertTrue(smallest > Math.toRadians(5), "orientations differ by at least " + Math.toDegrees(smallest) + "°");
    assertNull(s.marker(HOME), "at home the tool is out of the camera's view");
    CalibrationStations away = new CalibrationStations(TELOS6, CollisionModel.of(TELOS6, null),
        camera(new double[] {2.0, 0, 0}));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> away.choose(HOME, 10, 3)).getMessage()
        .contains("found only 0 arm poses"));
  }

  @Test
  void stationsKeepClearOfTheScenesObjects() {
    CameraSpec cam = camera(new double[] {0.45, 0, 0});
    CalibrationStations free = new CalibrationStations(TELOS6, CollisionModel.of(TELOS6, null), cam);
    double[] first = TELOS6.chain().forwardPosition(free.choose(HOME, 10, 3).get(0));
    // a tall can right under where the first free station puts the tool
    SceneObject can = new SceneObject("can", 0.05, 0.4, 0.3, 0.4, first[0], first[1]);
    CalibrationStations careful = new CalibrationStations(TELOS6, CollisionModel.of(TELOS6, null), cam,
        new Scene(0.02, List.of(can)));
    assertTrue(careful.objectClearance(free.choose(HOME, 10, 3).get(0)) < 0, "the free station hits the can");
    List<double[]> chosen = careful.choose(HOME, 10, 3);
    assertEquals(10, chosen.size());
    for (double[] q : chosen) {
      assertTrue(careful.objectClearance(q) > 0, "clear of the can");
    }
  }

  @Test
  void theTourMovesSmoothlyWithinTheSpeedLimitAndKeepsPicturesTakenAtRest() {
    double[] station = HOME.clone();
    station[0] += 0.6;
    station[2] -= 0.4;
    StationPlanner p = new StationPlanner(TELOS6.limits(), q -> List.of(station), 0.5);
    AtomicInteger done = new AtomicInteger();
    p.onDone(done::incrementAndGet);
    Goal goal = new Goal(Header.of(0, 0, "calibrate"), "calibrate", new Target.Joints(Vec.of(new double[6])), 1e-6,
        60_000_000_000L);
    double[] at = HOME.clone();
    List<Setpoint> played = new ArrayList<>();
    long t0 = 1_000_000_000L;
    for (long ns = t0; ns < t0 + 10_000_000_000L; ns += 20_000_000L) {
      ActionChunk c = p.plan(observation(ns, at), goal);
      Setpoint first = c.setpoints().get(0);
      played.add(first);
      at = first.position().toArray(); // a perfect arm
      p.frame(new CameraFrame("camera", ns / 33_000_000L, ns, 16, 16, new byte[3 * 256], null));
    }
    assertTrue(done.get() > 0, "the tour ended within 10 s");
    double[] vmax = new double[6];
    for (Setpoint sp : played) {
      for (int j = 0; j < 6; j++) {
        vmax[j] = Math.max(vmax[j], Math.abs(sp.velocity().get(j)));
      }
    }
    for (int j = 0; j < 6; j++) {
      assertTrue(vmax[j] <= StationPlanner.SPEED_FRACTION * TELOS6.limits().velocity(j) + 1e-9,
          "joint " + j + " peak " + vmax[j]);
    }
    assertTrue(vmax[0] > 0.1, "joint 0 moved");
    assertArrayEquals(HOME, played.get(played.size() - 1).position().toArray(), 1e-9, "back where it started");
    List<StationPlanner.Capture> caps = p.captures();
    assertEquals(1, caps.size());
    StationPlanner.Capture c = caps.get(0);
    assertNotNull(c.frame(), "a picture from the capture window");
    assertTrue(c.positions().size() >= 20, "positions observed while at rest: " + c.positions().size());
    for (double[] q : c.positions()) {
      assertArrayEquals(station, q, 1e-9, "at rest on the station");
    }
  }

  @Test
  void noStationsFailEveryPlanAndEndTheSession() {
    StationPlanner p = new StationPlanner(TELOS6.limits(), q -> {
      throw new IllegalArgumentException("calibration: found only 0 arm poses");
    }, 0.5);
    AtomicInteger done = new AtomicInteger();
    p.onDone(done::incrementAndGet);
    Goal goal = new Goal(Header.of(0, 0, "calibrate"), "calibrate", new Target.Joints(Vec.of(new double[6])), 1e-6,
        60_000_000_000L);
    assertThrows(IllegalArgumentException.class, () -> p.plan(observation(0, HOME), goal));
    assertThrows(IllegalStateException.class, () -> p.plan(observation(20_000_000L, HOME), goal));
    assertEquals(2, done.get());
    assertEquals("calibration: found only 0 arm poses", p.failure());
  }

  private static Observation observation(long ns, double[] q) {
    return new Observation(Header.of(ns / 1_000_000, ns, "perception"), Vec.of(q.clone()), Vec.zeros(6),
        new Pose(0, 0, 0, 1, 0, 0, 0), null, 0);
  }
}
