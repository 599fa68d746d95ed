package io.telos.perception.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.ObjectPose;
import io.telos.api.camera.CameraFrame;
import io.telos.api.camera.CameraSpec;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fiducial tracker on pictures drawn from BoofCV's own marker images (see {@link MarkerFrames}). */
class FiducialTrackerTest {
  static final SceneObject PUCK = new SceneObject("puck", MarkerFrames.RADIUS_M, MarkerFrames.TOP_M, 0.3, 0.4, 0.5, 0);
  static final long STALE_NS = 1_000_000_000L;

  static FiducialTracker tracker(CameraSpec c) {
    return new FiducialTracker(c, new Scene(0.02, List.of(PUCK), c), STALE_NS);
  }

  static double angle(double a, double b) {
    return Math.abs(Math.atan2(Math.sin(a - b), Math.cos(a - b)));
  }

  @Test
  void findsThePuckWhereItIsAndHowItIsTurned() {
    CameraSpec c = MarkerFrames.camera(Map.of("puck", 3));
    FiducialTracker t = tracker(c);
    double[][] poses = {{0.5, 0, 0}, {0.42, 0.12, 1.0}, {0.61, -0.1, -2.5}, {0.55, 0.05, 3.0}};
    for (double[] p : poses) {
      List<FiducialTracker.Detection> d = t.process(MarkerFrames.picture(c, 1, 3, p[0], p[1], p[2], 1));
      assertEquals(1, d.size(), "one marker found at " + p[0] + ", " + p[1]);
      ObjectPose seen = d.get(0).pose();
      assertEquals("puck", seen.name());
      assertTrue(seen.planarDistanceTo(p[0], p[1]) < 0.001, "position off by " + seen.planarDistanceTo(p[0], p[1]));
      assertTrue(angle(seen.yawRad(), p[2]) < Math.toRadians(1), "yaw " + seen.yawRad() + " for " + p[2]);
      assertEquals(MarkerFrames.TOP_M / 2, seen.zM(), 1e-12, "the centre of an object resting on the table");
    }
    assertEquals(0, t.refused());
  }

  @Test
  void aMarkerPrintedAtTheWrongSizeIsRefused() {
    CameraSpec c = MarkerFrames.camera(Map.of());
    FiducialTracker t = tracker(c);
    assertEquals(List.of(), t.process(MarkerFrames.picture(c, 1, 0, 0.5, 0, 0.3, 0.7)));
    assertEquals(1, t.refused(), "a 30 % smaller marker puts the object on the wrong plane");
    assertEquals(List.of(), t.objects());
  }

  @Test
  void aMarkerOfNoSceneObjectIsIgnored() {
    CameraSpec c = MarkerFrames.camera(Map.of());
    FiducialTracker t = tracker(c);
    assertEquals(List.of(), t.process(MarkerFrames.picture(c, 1, 9, 0.5, 0, 0, 1)));
    assertEquals(0, t.refused());
    assertEquals(1, t.process(MarkerFrames.picture(c, 2, 0, 0.5, 0, 0, 1)).size(), "marker 0 is the puck's by index");
  }

  @Test
  void aJumpIsTakenOnlyWhenTheNextPictureConfirmsIt() {
    CameraSpec c = MarkerFrames.camera(Map.of());
    FiducialTracker t = tracker(c);
    t.process(MarkerFrames.picture(c, 1, 0, 0.45, 0, 0, 1));
    t.process(MarkerFrames.picture(c, 2, 0, 0.58, 0.05, 0, 1)); // 14 cm away
    assertTrue(t.objects().get(0).planarDistanceTo(0.45, 0) < 0.002, "one picture does not move the object");
    t.process(MarkerFrames.picture(c, 3, 0, 0.58, 0.05, 0, 1));
    assertTrue(t.objects().get(0).planarDistanceTo(0.58, 0.05) < 0.002, "two agreeing pictures do");
    assertEquals(3, t.objects().get(0).stampNs());
  }

  @Test
  void anObjectNotSeenForLongLeavesTheObservations() {
    CameraSpec c = MarkerFrames.camera(Map.of());
    FiducialTracker t = tracker(c);
    t.process(MarkerFrames.picture(c, 1_000, 0, 0.5, 0, 0, 1));
    CameraFrame empty = MarkerFrames.picture(c, 0, 9, 2.0, 2.0, 0, 1); // nothing of ours in view
    t.process(new CameraFrame("cam", 5, 1_000 + STALE_NS, c.width(), c.height(), empty.rgb(), null));
    assertEquals(1, t.objects().size(), "kept while hidden");
    t.process(new CameraFrame("cam", 6, 1_001 + STALE_NS, c.width(), c.height(), empty.rgb(), null));
    assertEquals(List.of(), t.objects());
  }

  @Test
  void aPictureOfAnotherSizeIsRefusedWithItsSizes() {
    CameraSpec c = MarkerFrames.camera(Map.of());
    var e = assertThrows(IllegalArgumentException.class,
        () -> tracker(c).process(new CameraFrame("cam", 0, 0, 20, 10, new byte[600], null)));
    assertTrue(e.getMessage().contains("20x10") && e.getMessage().contains("480x360"), e.getMessage());
  }

  @Test
  void twoObjectsWithOneMarkerAreRefusedAtConstruction() {
    SceneObject other = new SceneObject("other", 0.04, 0.05, 0.3, 0.4, 0.3, 0);
    CameraSpec c = MarkerFrames.camera(Map.of("other", 0));
    var e = assertThrows(IllegalArgumentException.class,
        () -> new FiducialTracker(c, new Scene(0.02, List.of(PUCK, other), c), STALE_NS));
    assertTrue(e.getMessage().contains("same marker 0"), e.getMessage());
  }

  @Test
  void aHiddenObjectMovesAsTheToolPushesIt() {
    CameraSpec c = MarkerFrames.camera(Map.of());
    FiducialTracker t = tracker(c);
    double[] tool = {0.45, 0.0, 0.03}; // touching the puck at (0.5, 0) from -x: 5 cm < 4 + 2 cm
    t.predictPushes(stamp -> tool.clone());
    t.process(MarkerFrames.picture(c, 0, 0, 0.5, 0, 0, 1));
    assertEquals(0.5, t.objects().get(0).xM(), 0.001);
    // the puck leaves the picture (hidden): the tool's push moves it on, to contact, stamped with the picture
    t.process(MarkerFrames.picture(c, 33_000_000L, 0, 5, 5, 0, 1));
    assertEquals(0.45 + 0.04 + 0.02, t.objects().get(0).xM(), 1e-6, "pushed along the line from the tool");
    assertEquals(0.0, t.objects().get(0).yM(), 1e-6);
    assertEquals(33_000_000L, t.objects().get(0).stampNs());
    assertEquals(1, t.predicted());
    tool[0] = 0.40; // the tool backs off: nothing moves
    t.process(MarkerFrames.picture(c, 66_000_000L, 0, 5, 5, 0, 1));
    assertEquals(0.51, t.objects().get(0).xM(), 1e-6);
    assertEquals(33_000_000L, t.objects().get(0).stampNs(), "an untouched hidden object keeps its pose and stamp");
    // seen again: the picture wins
    t.process(MarkerFrames.picture(c, 99_000_000L, 0, 0.52, 0.01, 0, 1));
    assertEquals(0.52, t.objects().get(0).xM(), 0.001);
    assertEquals(0.01, t.objects().get(0).yM(), 0.001);
    assertEquals(1, t.predicted());
    FiducialTracker blind = tracker(c);
    blind.process(MarkerFrames.picture(c, 0, 0, 0.5, 0, 0, 1));
    blind.process(MarkerFrames.picture(c, 33_000_000L, 0, 5, 5, 0, 1));
    assertEquals(0.5, blind.objects().get(0).xM(), 0.001, "without a tool probe a hidden object stays put");
  }
}
