package io.telos.launch.camera;

import io.telos.api.camera.CameraSpec;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import io.telos.model.CollisionModel;
import io.telos.model.JointLimits;
import io.telos.model.LinkCapsule;
import io.telos.model.RobotModel;
import io.telos.model.Transform;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Chooses where the arm holds the tool's marker for hand–eye calibration: joint configurations
 * around the one the arm starts in at which, by the camera's configured (rough) pose and the
 * marker's declared place on the tool, the marker is in the middle of the picture, faces the
 * camera, is not hidden by a link, and the arm (its links' capsules and the tool's contact sphere)
 * is clear of itself, of the table and of the scene's objects where the launch file puts them; and
 * from each
 * to the next the straight joint-space move stays clear too. Among those it takes stations whose
 * marker orientations differ most (the calibration needs turns about different axes), preferring
 * short moves. Deterministic for a seed.
 */
public final class CalibrationStations {
  /** Candidates drawn around the start configuration. */
  static final int CANDIDATES = 20_000;
  /** Largest excursion of a joint from the start configuration, rad (m for a prismatic joint). */
  public static final double REACH = 1.2;
  static final double LIMIT_MARGIN = 0.1;
  /** Clearance kept between links and above the table, m. */
  static final double SELF_CLEARANCE_M = 0.005;
  static final double TABLE_CLEARANCE_M = 0.05;
  /** The marker's face may be turned this far from the direction to the camera. */
  static final double MAX_VIEW_ANGLE = Math.toRadians(50);
  /** The marker's square should span at least this many pixels. */
  static final double MIN_SIDE_PX = 24;
  /** Fraction of the picture kept clear at each edge. */
  static final double EDGE = 0.15;
  /** Clearance kept from the scene's objects (their declared place may be a little off), m. */
  static final double OBJECT_CLEARANCE_M = 0.05;

  private final RobotModel model;
  private final CollisionModel.Checker checker;
  private final int capsules;
  private final CameraSpec camera;
  private final Transform cameraPose;
  private final Transform markerOnTool;
  private final double side;
  private final List<SceneObject> objects;
  private final double toolRadius;

  /** Without scene objects. */
  public CalibrationStations(RobotModel model, CollisionModel collision, CameraSpec camera) {
    this(model, collision, camera, Scene.EMPTY);
  }

  /** @param scene the objects to keep clear of (at their declared places) and the tool's contact radius */
  public CalibrationStations(RobotModel model, CollisionModel collision, CameraSpec camera, Scene scene) {
    if (camera.toolMarker() == null) {
      throw new IllegalArgumentException("scene.camera.tool_marker: needed to choose where to show the marker");
    }
    this.model = model;
    this.checker = collision.newChecker();
    this.capsules = collision.capsules().size();
    this.camera = camera;
    this.cameraPose = Transform.of(camera.rotation(), camera.position());
    CameraSpec.ToolMarker m = camera.toolMarker();
    double[] xyz = m.xyz();
    double[] rpy = m.rpy();
    this.markerOnTool = Transform.fromXyzRpy(xyz[0], xyz[1], xyz[2], rpy[0], rpy[1], rpy[2]);
    this.side = m.sideM();
    this.objects = scene.objects();
    this.toolRadius = scene.toolRadiusM();
  }

  /**
   * Up to {@code count} stations, in the order to visit them from {@code start}.
   *
   * @throws IllegalArgumentException when fewer than 3 can be found (the camera cannot see the tool
   *     from around the start configuration)
   */
  public List<double[]> choose(double[] start, int count, long seed) {
    JointLimits lim = model.limits();
    int n = model.dof();
    SplittableRandom rnd = new SplittableRandom(seed);
    List<double[]> ok = new ArrayList<>();
    List<Transform> poses = new ArrayList<>();
    double[] q = new double[n];
    for (int c = 0; c < CANDIDATES; c++) {
      for (int j = 0; j < n; j++) {
        double lo = Math.max(lim.lower(j) + LIMIT_MARGIN, start[j] - REACH);
        double hi = Math.min(lim.upper(j) - LIMIT_MARGIN, start[j] + REACH);
        q[j] = hi > lo ? lo + (hi - lo) * rnd.nextDouble() : start[j];
      }
      Transform marker = marker(q);
      if (marker != null && clear(q, SELF_CLEARANCE_M, TABLE_CLEARANCE_M)) {
        ok.add(q.clone());
        poses.add(marker);
      }
    }
    List<double[]> chosen = new ArrayList<>();
    List<Transform> chosenPoses = new ArrayList<>();
    boolean[] used = new boolean[ok.size()];
    double[] at = start.clone();
    while (chosen.size() < count) {
      int best = -1;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < ok.size(); i++) {
        if (used[i]) {
          continue;
        }
        double diversity = Math.PI;
        for (Transform p : chosenPoses) {
          diversity = Math.min(diversity, p.angleTo(poses.get(i)));
        }
        double score = diversity - 0.1 * distance(at, ok.get(i));
        if (score > bestScore && pathClear(at, ok.get(i))) {
          bestScore = score;
          best = i;
        }
      }
      if (best < 0) {
        break;
      }
      used[best] = true;
      chosen.add(ok.get(best));
      chosenPoses.add(poses.get(best));
      at = ok.get(best);
    }
    if (chosen.size() < 3) {
      throw new IllegalArgumentException("calibration: found only " + chosen.size() + " arm poses (of "
          + CANDIDATES + " tried around the start) at which scene.camera would see the tool's marker facing it; "
          + "check scene.camera's rough pose and tool_marker's xyz/rpy, or start the arm nearer the camera's view");
    }
    return chosen;
  }

  /** The marker's pose in the base frame at {@code q} when the camera would see it well, else null. */
  Transform marker(double[] q) {
    Transform m = model.chain().tipTransform(q).compose(markerOnTool);
    Transform inCamera = cameraPose.inverse().compose(m);
    double z = inCamera.translationAt(2);
    if (!(z > 0.2 && z < 2.0)) {
      return null;
    }
    double u = camera.fx() * inCamera.translationAt(0) / z + camera.cx();
    double v = camera.fy() * inCamera.translationAt(1) / z + camera.cy();
    if (u < EDGE * camera.width() || u > (1 - EDGE) * camera.width() || v < EDGE * camera.height()
        || v > (1 - EDGE) * camera.height() || camera.fx() * side / z < MIN_SIDE_PX) {
      return null;
    }
    // the face's normal (marker z) against the direction from the marker to the camera: in the
    // optical frame that direction is -p/|p|
    double[] p = inCamera.translation();
    double norm = Math.sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
    double cos = -(inCamera.rotationAt(0, 2) * p[0] + inCamera.rotationAt(1, 2) * p[1]
        + inCamera.rotationAt(2, 2) * p[2]) / norm;
    if (cos < Math.cos(MAX_VIEW_ANGLE)) {
      return null;
    }
    return hidden(q, m) ? null : m;
  }

  /** True when a link's capsule stands between the camera and the marker's centre or a corner. */
  private boolean hidden(double[] q, Transform m) {
    checker.update(q);
    double[] cam = cameraPose.translation();
    double[] ends = new double[6];
    double h = side / 2;
    for (int k = 0; k < 5; k++) {
      double[] pt = k == 4 ? m.apply(0, 0, 0.005) : m.apply((k & 1) == 0 ? -h : h, (k & 2) == 0 ? -h : h, 0.005);
      for (int i = 0; i < capsules; i++) {
        checker.ends(i, ends);
        double d = LinkCapsule.segmentDistance(cam[0], cam[1], cam[2], pt[0], pt[1], pt[2], ends[0], ends[1], ends[2],
            ends[3], ends[4], ends[5]);
        if (d < checker.model().capsules().get(i).radius() + 0.005) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean clear(double[] q, double self, double table) {
    checker.update(q);
    return checker.selfClearance() > self && checker.tableClearance() > table && objectClearance(q) > 0;
  }

  /**
   * Smallest distance between the arm (each link capsule, and the tool's contact sphere) and a scene
   * object's cylinder at {@code q}, less {@link #OBJECT_CLEARANCE_M}, m; +∞ without objects.
   */
  double objectClearance(double[] q) {
    if (objects.isEmpty()) {
      return Double.POSITIVE_INFINITY;
    }
    checker.update(q);
    double best = Double.POSITIVE_INFINITY;
    double[] ends = new double[6];
    double[] tip = model.chain().forwardPosition(q);
    for (SceneObject o : objects) {
      for (int i = 0; i < capsules; i++) {
        checker.ends(i, ends);
        double d = LinkCapsule.segmentDistance(ends[0], ends[1], ends[2], ends[3], ends[4], ends[5], o.xM(), o.yM(), 0,
            o.xM(), o.yM(), o.heightM()) - checker.model().capsules().get(i).radius() - o.radiusM();
        best = Math.min(best, d);
      }
      double d = LinkCapsule.segmentDistance(tip[0], tip[1], tip[2], tip[0], tip[1], tip[2], o.xM(), o.yM(), 0, o.xM(),
          o.yM(), o.heightM()) - toolRadius - o.radiusM();
      best = Math.min(best, d);
    }
    return best - OBJECT_CLEARANCE_M;
  }

  /** The straight joint-space move from {@code a} to {@code b} keeps clear (checked every 0.05 rad). */
  private boolean pathClear(double[] a, double[] b) {
    int steps = Math.max(2, (int) Math.ceil(maxDelta(a, b) / 0.05));
    double[] q = new double[a.length];
    for (int s = 1; s <= steps; s++) {
      double t = (double) s / steps;
      for (int j = 0; j < a.length; j++) {
        q[j] = a[j] + t * (b[j] - a[j]);
      }
      if (!clear(q, 0, TABLE_CLEARANCE_M / 2)) {
        return false;
      }
    }
    return true;
  }

  /** Largest joint difference between two configurations. */
  public static double maxDelta(double[] a, double[] b) {
    double m = 0;
    for (int j = 0; j < a.length; j++) {
      m = Math.max(m, Math.abs(b[j] - a[j]));
    }
    return m;
  }

  private static double distance(double[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      s += (b[j] - a[j]) * (b[j] - a[j]);
    }
    return Math.sqrt(s);
  }
}
