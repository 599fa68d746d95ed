package io.telos.perception.camera;

import boofcv.abst.fiducial.FiducialDetector;
import boofcv.alg.distort.pinhole.LensDistortionPinhole;
import boofcv.factory.fiducial.ConfigHammingMarker;
import boofcv.factory.fiducial.FactoryFiducial;
import boofcv.factory.fiducial.HammingDictionary;
import boofcv.struct.calib.CameraPinhole;
import boofcv.struct.image.GrayU8;
import georegression.struct.point.Point2D_F64;
import georegression.struct.se.Se3_F64;
import georegression.struct.shapes.Polygon2D_F64;
import io.telos.api.ObjectPose;
import io.telos.api.camera.CameraFrame;
import io.telos.api.camera.CameraSpec;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Finds the scene objects in a camera's pictures by the AprilTag 36h11 marker on their top faces
 * (BoofCV's square-fiducial detector) and turns each into a base-frame {@link ObjectPose}.
 *
 * <p>Position: the marker's four sub-pixel corners are cast back through the camera's intrinsics
 * and extrinsics onto the plane of the object's top face (its declared height above the table, on
 * which it rests), and their mean is the top face's centre. Knowing that plane makes a small
 * marker far away as precise along the viewing ray as across it; a full 6-DoF pose from one small
 * square is not. Yaw: from the marker's pose (BoofCV's PnP), rotated into the base frame. A
 * detection is refused when the back-cast square's side is more than 15 % off the printed side or
 * the marker's normal is more than 25° from vertical (a false match, a tipped object); refusals
 * are counted.
 *
 * <p>Time: each pose carries the picture's stamp. An object keeps its last pose while it is not
 * seen (the arm hides it while pushing); a pose older than {@code staleNs} is dropped from
 * {@link #objects()}. A jump of more than {@link #JUMP_M} between two pictures is taken only when
 * the next picture confirms it.
 *
 * <p>Hidden objects pushed: with a {@link ToolProbe} ({@link #predictPushes}), an object that a
 * picture does not show is moved as the tool's contact sphere pushes it
 * ({@link SceneObject#pushedBy}, the planner's own contact model), and the moved pose carries that
 * picture's stamp. Counted in {@link #predicted()}. The arm mostly hides an object while pushing it;
 * without this its pose would stay where the tool first covered it.
 *
 * <p>Threads: {@link #process(CameraFrame)} from one thread at a time; {@link #objects()} from any.
 */
public final class FiducialTracker {
  /** A new position this far from the last one waits for one more picture to confirm it. */
  public static final double JUMP_M = 0.08;
  private static final double SIDE_TOLERANCE = 0.15;
  /**
   * Where BoofCV puts the centre of the top-left pixel in the corners it reports: (0.5, 0.5), the
   * pixel's area spanning [0, 1). {@link CameraSpec} puts it at (0, 0), as ROS and OpenCV
   * intrinsics do. Measured on rendered markers: without the shift every position is off by half a
   * pixel along both image axes (1.1 mm median at 0.8 m), with it 0.03 mm.
   */
  static final double PIXEL_CENTRE = 0.5;
  private static final double MIN_NORMAL_Z = Math.cos(Math.toRadians(25));

  private final CameraSpec spec;
  private final double[] r;
  private final double[] origin;
  private final Map<Long, SceneObject> byMarker = new HashMap<>();
  private final List<SceneObject> objects;
  private final long staleNs;
  private final double toolRadius;
  private final FiducialDetector<GrayU8> detector;
  private final GrayU8 gray;
  private final Se3_F64 markerToCamera = new Se3_F64();
  private final Polygon2D_F64 corners = new Polygon2D_F64(4);
  private final Point2D_F64 centre = new Point2D_F64();
  private final Map<String, ObjectPose> current = new HashMap<>();
  private final Map<String, ObjectPose> pending = new HashMap<>();
  private volatile List<ObjectPose> latest = List.of();
  private ToolProbe tool;
  private final double[] pushed = new double[2];
  private long predicted;
  private long frames;
  private long detections;
  private long refused;

  /**
   * @param staleNs how long a pose stays in {@link #objects()} after the object was last seen
   */
  public FiducialTracker(CameraSpec spec, Scene scene, long staleNs) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.r = spec.rotation();
    this.origin = spec.position();
    this.objects = scene.objects();
    this.toolRadius = scene.toolRadiusM();
    this.staleNs = staleNs;
    for (SceneObject o : objects) {
      SceneObject clash = byMarker.put((long) spec.markerId(o, objects), o);
      if (clash != null) {
        throw new IllegalArgumentException("scene.camera.markers: objects '" + clash.name() + "' and '" + o.name()
            + "' carry the same marker " + spec.markerId(o, objects));
      }
    }
    this.detector = newDetector(spec);
    this.gray = new GrayU8(spec.width(), spec.height());
  }

  /** Where the tool's contact sphere is (base frame {@code x, y, z}) at a picture's stamp; null when unknown. */
  @FunctionalInterface
  public interface ToolProbe {
    double[] toolAt(long stampNs);
  }

  /** Moves hidden objects as {@code probe}'s tool pushes them (see the class comment); null stops it. */
  public void predictPushes(ToolProbe probe) {
    this.tool = probe;
  }

  /** Poses of hidden objects moved by the tool's push. */
  public long predicted() {
    return predicted;
  }

  /**
   * One detection of a picture, before tracking: where the marker's object is, the marker's corner
   * pixels ({@code u0, v0, … u3, v3}, pixel centres at integers), and where BoofCV's own
   * perspective-n-point pose alone puts the top face's centre (base frame, x y z), for comparison.
   */
  public record Detection(ObjectPose pose, double[] cornersPx, double[] pnpTopCentre) {}

  /**
   * Detects the markers of {@code frame} and updates the tracked poses.
   *
   * @return this picture's accepted detections (scene order)
   * @throws IllegalArgumentException when the frame's size is not the camera's
   */
  public List<Detection> process(CameraFrame frame) {
    toGray(frame, spec, gray);
    detector.detect(gray);
    frames++;
    List<Detection> found = new ArrayList<>();
    for (int i = 0; i < detector.totalFound(); i++) {
      SceneObject o = byMarker.get(detector.getId(i));
      if (o == null) {
        continue;
      }
      Detection d = locate(i, o, frame.stampNs());
      if (d == null) {
        refused++;
        continue;
      }
      detections++;
      found.add(d);
      track(d.pose());
    }
    if (tool != null) {
      pushHidden(found, frame.stampNs());
    }
    publish(frame.stampNs());
    found.sort((a, b) -> Integer.compare(indexOf(a.pose().name()), indexOf(b.pose().name())));
    return found;
  }

  /** The tracked objects' latest poses (scene order), each stamped with the picture it came from. */
  public List<ObjectPose> objects() {
    return latest;
  }

  public long frames() {
    return frames;
  }

  public long detections() {
    return detections;
  }

  /** Detections of a known marker refused as implausible. */
  public long refused() {
    return refused;
  }

  private Detection locate(int i, SceneObject o, long stampNs) {
    double top = o.heightM();
    detector.getBounds(i, corners);
    if (corners.size() != 4) {
      return null;
    }
    double[] px = new double[8];
    double[][] p = new double[4][];
    for (int k = 0; k < 4; k++) {
      Point2D_F64 c = corners.get(k);
      px[2 * k] = c.x - PIXEL_CENTRE;
      px[2 * k + 1] = c.y - PIXEL_CENTRE;
      p[k] = onPlane(c.x - PIXEL_CENTRE, c.y - PIXEL_CENTRE, top);
      if (p[k] == null) {
        return null;
      }
    }
    double side = 0;
    for (int k = 0; k < 4; k++) {
      double[] a = p[k];
      double[] b = p[(k + 1) % 4];
      side += Math.hypot(a[0] - b[0], a[1] - b[1]) / 4;
    }
    double printed = CameraSpec.markerSideM(o);
    if (Math.abs(side - printed) > SIDE_TOLERANCE * printed) {
      return null;
    }
    if (!detector.getFiducialToCamera(i, markerToCamera)) {
      return null;
    }
    // marker axes in the base frame: R_base_optical · R_optical_marker
    double[] m = new double[9];
    for (int row = 0; row < 3; row++) {
      for (int col = 0; col < 3; col++) {
        double s = 0;
        for (int k = 0; k < 3; k++) {
          s += r[3 * row + k] * markerToCamera.R.get(k, col);
        }
        m[3 * row + col] = s;
      }
    }
    if (m[8] < MIN_NORMAL_Z) {
      return null;
    }
    double x = (p[0][0] + p[1][0] + p[2][0] + p[3][0]) / 4;
    double y = (p[0][1] + p[1][1] + p[2][1] + p[3][1]) / 4;
    double yaw = Math.atan2(m[3], m[0]);
    double[] pnp = new double[3];
    double unit = printed / detector.getWidth(i); // BoofCV's translation is in marker widths of its own
    for (int row = 0; row < 3; row++) {
      pnp[row] = origin[row] + unit * (r[3 * row] * markerToCamera.T.x + r[3 * row + 1] * markerToCamera.T.y
          + r[3 * row + 2] * markerToCamera.T.z);
    }
    return new Detection(new ObjectPose(o.name(), x, y, o.centreHeightM(), yaw, stampNs), px, pnp);
  }

  /** BoofCV's AprilTag 36h11 detector for {@code spec}'s intrinsics (no lens distortion). */
  static FiducialDetector<GrayU8> newDetector(CameraSpec spec) {
    FiducialDetector<GrayU8> d = FactoryFiducial.squareHamming(
        ConfigHammingMarker.loadDictionary(HammingDictionary.APRILTAG_36h11), null, GrayU8.class);
    d.setLensDistortion(new LensDistortionPinhole(new CameraPinhole(spec.fx(), spec.fy(), 0,
        spec.cx() + PIXEL_CENTRE, spec.cy() + PIXEL_CENTRE, spec.width(), spec.height())), spec.width(), spec.height());
    return d;
  }

  /** Where the ray through pixel {@code (u, v)} meets the plane {@code z = height} (base frame), or null. */
  double[] onPlane(double u, double v, double height) {
    double a = (u - spec.cx()) / spec.fx();
    double b = (v - spec.cy()) / spec.fy();
    double dx = r[0] * a + r[1] * b + r[2];
    double dy = r[3] * a + r[4] * b + r[5];
    double dz = r[6] * a + r[7] * b + r[8];
    if (Math.abs(dz) < 1e-9) {
      return null;
    }
    double t = (height - origin[2]) / dz;
    if (!(t > 0)) {
      return null;
    }
    return new double[] {origin[0] + t * dx, origin[1] + t * dy};
  }

  private void pushHidden(List<Detection> found, long stampNs) {
    double[] t = null;
    for (SceneObject o : objects) {
      ObjectPose last = current.get(o.name());
      if (last == null || found.stream().anyMatch(d -> d.pose().name().equals(o.name()))) {
        continue;
      }
      if (t == null) {
        t = tool.toolAt(stampNs);
        if (t == null) {
          return;
        }
      }
      if (o.pushedBy(t[0], t[1], t[2], toolRadius, last.xM(), last.yM(), pushed)) {
        current.put(o.name(), new ObjectPose(o.name(), pushed[0], pushed[1], last.zM(), last.yawRad(), stampNs));
        pending.remove(o.name());
        predicted++;
      }
    }
  }

  private void track(ObjectPose seen) {
    ObjectPose last = current.get(seen.name());
    if (last != null && last.planarDistanceTo(seen.xM(), seen.yM()) > JUMP_M) {
      ObjectPose before = pending.put(seen.name(), seen);
      if (before == null || before.planarDistanceTo(seen.xM(), seen.yM()) > JUMP_M) {
        return; // wait for a second picture to confirm the jump
      }
    }
    pending.remove(seen.name());
    current.put(seen.name(), seen);
  }

  private void publish(long nowNs) {
    List<ObjectPose> out = new ArrayList<>(current.size());
    for (SceneObject o : objects) {
      ObjectPose p = current.get(o.name());
      if (p != null && nowNs - p.stampNs() <= staleNs) {
        out.add(p);
      }
    }
    latest = List.copyOf(out);
  }

  private int indexOf(String name) {
    for (int i = 0; i < objects.size(); i++) {
      if (objects.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The luminance of {@code f} into {@code gray} (ITU-R BT.601 weights).
   *
   * @throws IllegalArgumentException when the frame's size is not the camera's
   */
  static void toGray(CameraFrame f, CameraSpec spec, GrayU8 gray) {
    if (f.width() != spec.width() || f.height() != spec.height()) {
      throw new IllegalArgumentException("frame " + f.width() + "x" + f.height() + " from camera '" + f.camera()
          + "' is not the configured " + spec.width() + "x" + spec.height());
    }
    byte[] rgb = f.rgb();
    byte[] out = gray.data;
    int n = f.width() * f.height();
    for (int i = 0, j = 0; i < n; i++, j += 3) {
      out[i] = (byte) (((rgb[j] & 0xff) * 299 + (rgb[j + 1] & 0xff) * 587 + (rgb[j + 2] & 0xff) * 114 + 500) / 1000);
    }
  }

  @Override
  public String toString() {
    return "FiducialTracker[frames=" + frames + ", detections=" + detections + ", refused=" + refused + ", predicted="
        + predicted + ", markers="
        + Arrays.toString(byMarker.keySet().toArray()) + "]";
  }
}
