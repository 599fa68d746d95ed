package io.telos.perception.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.camera.CameraFrame;
import io.telos.api.camera.CameraSpec;
import io.telos.model.Transform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Hand–eye calibration: the solver against synthetic samples whose truth is known (corner noise as
 * a detector gives, a perspective-n-point pose much worse), and the detection of the tool's marker
 * in a picture.
 */
class HandEyeCalibrationTest {
  static final CameraSpec CAMERA = new CameraSpec(640, 480, 554, 554, 319.5, 239.5, new double[] {1.0, -0.4, 0.9},
      new double[] {0.4, 0.05, 0.2}, 30, 0, Map.of(), null, new CameraSpec.ToolMarker(586, 0.05, new double[3],
          new double[3]));
  static final Transform MARKER_ON_TOOL = Transform.fromXyzRpy(0.01, -0.02, 0.035, 0.1, -0.05, 0.3);

  /** The camera of {@link #CAMERA} as a transform: optical frame in the base frame. */
  static Transform cameraPose(CameraSpec c) {
    return Transform.of(c.rotation(), c.position());
  }

  /**
   * {@code n} samples: the marker 0.5–0.9 m in front of the camera, anywhere in the middle of the
   * picture, its face turned toward the camera by up to 40° about random axes; corner pixels with
   * Gaussian noise of {@code pixelNoise}; the marker's own pose off by about 1° and 1 cm in depth.
   */
  static List<HandEyeCalibration.Sample> samples(int n, double pixelNoise, long seed, boolean oneAxis) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Transform x = cameraPose(CAMERA);
    double h = CAMERA.toolMarker().sideM() / 2;
    List<HandEyeCalibration.Sample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double z = 0.5 + 0.4 * rnd.nextDouble();
      double px = (rnd.nextDouble() - 0.5) * 0.5 * z;
      double py = (rnd.nextDouble() - 0.5) * 0.4 * z;
      double[] axis = oneAxis ? new double[] {0, 0, 1} : unit(rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian());
      double angle = oneAxis ? (rnd.nextDouble() - 0.5) * 2 : Math.toRadians(40) * rnd.nextDouble();
      // facing the camera: the marker's z against the optical z, then tilted
      Transform c = Transform.translation(px, py, z).compose(Transform.rotation(new double[] {1, 0, 0}, Math.PI))
          .compose(Transform.rotation(axis, angle));
      Transform tool = x.compose(c).compose(MARKER_ON_TOOL.inverse());
      double[] corners = new double[8];
      double[] points = new double[12];
      for (int k = 0; k < 4; k++) {
        points[3 * k] = (k & 1) == 0 ? -h : h;
        points[3 * k + 1] = (k & 2) == 0 ? -h : h;
        double[] uv = HandEyeCalibration.project(CAMERA, c.apply(points[3 * k], points[3 * k + 1], 0));
        corners[2 * k] = uv[0] + pixelNoise * rnd.nextGaussian();
        corners[2 * k + 1] = uv[1] + pixelNoise * rnd.nextGaussian();
      }
      Transform pnp = c.compose(Transform.translation(0, 0, 0.01 * rnd.nextGaussian()))
          .compose(Transform.rotation(unit(rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()),
              Math.toRadians(1) * rnd.nextGaussian()));
      out.add(new HandEyeCalibration.Sample(tool, corners, points, pnp));
    }
    return out;
  }

  @Test
  void findsTheCameraAndTheMarkerOnTheToolToUnderAMillimetre() {
    for (long seed = 1; seed <= 5; seed++) {
      HandEyeCalibration.Result r = HandEyeCalibration.solve(samples(15, 0.2, seed, false), CAMERA);
      Transform truth = cameraPose(CAMERA);
      assertTrue(truth.distanceTo(r.cameraPose()) < 0.001, "seed " + seed + ": camera off by "
          + truth.distanceTo(r.cameraPose()) * 1000 + " mm");
      assertTrue(truth.angleTo(r.cameraPose()) < Math.toRadians(0.1), "seed " + seed + ": camera turned by "
          + Math.toDegrees(truth.angleTo(r.cameraPose())) + "°");
      assertTrue(MARKER_ON_TOOL.distanceTo(r.markerOnTool()) < 0.001, "marker on the tool off by "
          + MARKER_ON_TOOL.distanceTo(r.markerOnTool()) * 1000 + " mm");
      assertTrue(r.rmsPx() > 0.1 && r.rmsPx() < 0.3, "residual near the corner noise (0.2 px): " + r.rmsPx());
      assertEquals(15, r.sampleRmsPx().length);
    }
  }

  @Test
  void theClosedFormAloneTrustsTheMarkersDepthAndTheRefinementRepairsIt() {
    List<HandEyeCalibration.Sample> s = samples(15, 0.2, 7, false);
    HandEyeCalibration.Result r = HandEyeCalibration.solve(s, CAMERA);
    double[] before = HandEyeCalibration.residuals(s, CAMERA, cameraPose(CAMERA), MARKER_ON_TOOL);
    double truthRms = Math.sqrt(dot(before) / 60);
    assertTrue(r.rmsPx() <= truthRms + 1e-6, "the refined fit is at least as good as the truth: " + r.rmsPx()
        + " vs " + truthRms);
  }

  @Test
  void refusesTooFewPicturesAndTurnsAboutOneAxis() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> HandEyeCalibration.solve(samples(2, 0.2, 1, false),
        CAMERA)).getMessage().contains("at least 3 pictures"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> HandEyeCalibration.solve(samples(10, 0.0, 1, true),
        CAMERA)).getMessage().contains("turned about too few axes"));
    CameraSpec none = new CameraSpec(640, 480, 554, 554, 319.5, 239.5, new double[] {1, 0, 1}, new double[3], 30, 0,
        Map.of());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new HandEyeCalibration(none)).getMessage()
        .contains("scene.camera.tool_marker"));
  }

  @Test
  void rotationVectorsRoundTripIncludingHalfTurns() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int i = 0; i < 200; i++) {
      double[] axis = unit(rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian());
      double angle = i < 20 ? Math.PI - 1e-6 * i : Math.PI * rnd.nextDouble();
      double[] v = HandEyeCalibration.rotationVector(Transform.rotation(axis, angle).rotationMatrix());
      double back = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
      assertEquals(angle, back, 1e-6);
      Transform again = Transform.rotation(new double[] {v[0] / back, v[1] / back, v[2] / back}, back);
      assertTrue(Transform.rotation(axis, angle).angleTo(again) < 1e-6, "axis recovered at " + angle);
    }
  }

  @Test
  void observesTheToolsMarkerInAPictureAndKnowsItsCorners() {
    // the overhead test camera; the "tool" marker printed flat on a puck's top face
    CameraSpec overhead = MarkerFrames.camera(Map.of());
    double side = 2 * MarkerFrames.RADIUS_M * CameraSpec.MARKER_FRACTION;
    CameraSpec c = new CameraSpec(overhead.width(), overhead.height(), overhead.fx(), overhead.fy(), overhead.cx(),
        overhead.cy(), overhead.position(), overhead.lookAt(), 30, 0, Map.of(), null,
        new CameraSpec.ToolMarker(586, side, new double[3], new double[3]));
    HandEyeCalibration cal = new HandEyeCalibration(c);
    CameraFrame f = MarkerFrames.picture(c, 0, 586, 0.52, 0.03, 0.4, 1);
    HandEyeCalibration.Sample s = cal.observe(Transform.IDENTITY, f);
    assertNotNull(s, "the marker is seen");
    double depth = MarkerFrames.HEIGHT_M - MarkerFrames.TOP_M;
    assertEquals(depth, s.markerPose().translationAt(2), 0.01, "its pose from the picture alone");
    for (int k = 0; k < 4; k++) {
      double[] uv = HandEyeCalibration.project(c, s.markerPose().apply(s.markerPoints()[3 * k],
          s.markerPoints()[3 * k + 1], s.markerPoints()[3 * k + 2]));
      assertEquals(s.cornersPx()[2 * k], uv[0], 1.0, "corner " + k + " matched to its place on the marker");
      assertEquals(s.cornersPx()[2 * k + 1], uv[1], 1.0);
    }
    assertNull(cal.observe(Transform.IDENTITY, MarkerFrames.picture(c, 0, 3, 0.52, 0.03, 0.4, 1)),
        "another marker is not the tool's");
  }



  private static double dot(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return s;
  }

  private static double[] unit(double x, double y, double z) {
    double n = Math.sqrt(x * x + y * y + z * z);
    return new double[] {x / n, y / n, z / n};
  }
}
