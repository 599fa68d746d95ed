package io.telos.api.camera;

import io.telos.api.Rotations;
import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.api.scene.SceneObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pinhole camera of the cell: its intrinsics, where it is in the robot's base frame, how often it
 * takes a picture, and which fiducial marker each scene object carries on its top face. The launch
 * file's {@code scene.camera}; a simulator renders it, a tracker inverts it.
 *
 * <pre>
 * scene:
 *   camera: { width: 640, height: 480, fov_deg: 60, position: [0.45, -0.55, 0.8], look_at: [0.45, 0.05, 0],
 *             rate_hz: 30, noise: 0.01, markers: { puck: 0 } }
 * </pre>
 *
 * <p>Frames: the optical frame is x right, y down, z forward (ROS {@code *_optical_frame}). A pixel
 * {@code (u, v)} (centre of the top-left pixel at {@code (0, 0)}) sees the ray
 * {@code ((u − cx)/fx, (v − cy)/fy, 1)} of the optical frame. Markers are AprilTag 36h11; an
 * object's marker is a black square of side {@link #markerSideM(SceneObject)} centred on its top
 * face, its x axis along the object's yaw.
 *
 * @param width {@code width}: pixels
 * @param height {@code height}: pixels
 * @param fx focal length in pixels along x ({@code fx}, or from {@code fov_deg}: horizontal field of view)
 * @param fy focal length in pixels along y ({@code fy}, default {@code fx})
 * @param cx principal point x ({@code cx}, default the image centre)
 * @param cy principal point y ({@code cy}, default the image centre)
 * @param position {@code position}: optical centre in the base frame, m
 * @param lookAt {@code look_at}: a point on the optical axis, base frame, m
 * @param rateHz {@code rate_hz}: frames per second
 * @param noise {@code noise}: standard deviation of the simulator's pixel noise, fraction of full scale
 * @param markers {@code markers}: object name → marker id; an object not named carries the id of its
 *     index in {@code scene.objects}
 * @param rpy {@code rpy}: the optical frame's orientation in the base frame as URDF roll-pitch-yaw
 *     (fixed axes, {@code R = Rz(yaw) Ry(pitch) Rx(roll)}), instead of {@code look_at}; what
 *     {@code telos calibrate-camera} prints. {@code null} when the orientation comes from {@code look_at}
 * @param toolMarker {@code tool_marker}: a marker fixed to the arm's tool, for hand–eye calibration;
 *     {@code null} when there is none
 */
public record CameraSpec(int width, int height, double fx, double fy, double cx, double cy, double[] position,
    double[] lookAt, double rateHz, double noise, Map<String, Integer> markers, double[] rpy, ToolMarker toolMarker) {
  public static final Set<String> KEYS = Set.of("width", "height", "fov_deg", "fx", "fy", "cx", "cy", "position",
      "look_at", "rpy", "rate_hz", "noise", "markers", "tool_marker");

  /**
   * A fiducial fixed to the arm's tool ({@code scene.camera.tool_marker}): an AprilTag 36h11 black
   * square of side {@code side_m} on a white plate, its face in the xy plane of its frame and facing
   * +z, x to the right of the printed pattern and y up (as on an object's top face). Its frame sits
   * at {@code xyz}/{@code rpy} in the tool frame (the end effector, {@code robot.tool} included). The
   * simulator mounts it there; {@code telos calibrate-camera} estimates that placement itself and
   * compares.
   *
   * <pre>
   * tool_marker: { id: 586, side_m: 0.05, xyz: [0, 0, 0.03], rpy: [0, 0, 0] }
   * </pre>
   */
  public record ToolMarker(int id, double sideM, double[] xyz, double[] rpy) {
    public static final Set<String> KEYS = Set.of("id", "side_m", "xyz", "rpy");

    public ToolMarker {
      if (id < 0 || id >= MARKER_IDS) {
        throw new ConfigException("scene.camera.tool_marker.id: must be in [0, " + (MARKER_IDS - 1) + "], was " + id);
      }
      if (!(sideM >= 0.005 && sideM <= 1)) {
        throw new ConfigException("scene.camera.tool_marker.side_m: must be in [0.005, 1] m, was " + sideM);
      }
      xyz = finite3(xyz, "scene.camera.tool_marker.xyz");
      rpy = finite3(rpy, "scene.camera.tool_marker.rpy");
    }

    static ToolMarker from(Settings s) {
      s.requireOnly(KEYS);
      if (!s.has("id") || !s.has("side_m")) {
        throw new ConfigException(s.key(s.has("id") ? "side_m" : "id") + ": required");
      }
      return new ToolMarker((int) s.integer("id", 0, 0, MARKER_IDS - 1), s.number("side_m", 0.05, 0.005, 1),
          s.numbers("xyz", new double[3], 3, -2, 2), s.numbers("rpy", new double[3], 3, -7, 7));
    }

    @Override
    public double[] xyz() {
      return xyz.clone();
    }

    @Override
    public double[] rpy() {
      return rpy.clone();
    }
  }
  /** Ids of the AprilTag 36h11 family. */
  public static final int MARKER_IDS = 587;
  /** The marker's black square, as a fraction of the object's diameter. */
  public static final double MARKER_FRACTION = 0.6;

  public CameraSpec {
    if (width < 16 || width > 4096 || height < 16 || height > 4096) {
      throw new ConfigException("scene.camera: width and height must be in [16, 4096], were " + width + "x" + height);
    }
    if (!(fx > 1 && fy > 1 && fx < 1e5 && fy < 1e5 && Double.isFinite(cx) && Double.isFinite(cy))) {
      throw new ConfigException("scene.camera: fx, fy must be in (1, 1e5) and cx, cy finite");
    }
    position = finite3(position, "scene.camera.position");
    if (rpy != null) {
      rpy = finite3(rpy, "scene.camera.rpy");
      double[] m = Rotations.rpyMatrix(rpy[0], rpy[1], rpy[2]);
      lookAt = new double[] {position[0] + m[2], position[1] + m[5], position[2] + m[8]};
    }
    lookAt = finite3(lookAt, "scene.camera.look_at");
    double dx = lookAt[0] - position[0];
    double dy = lookAt[1] - position[1];
    double dz = lookAt[2] - position[2];
    if (!(Math.sqrt(dx * dx + dy * dy + dz * dz) > 1e-3)) {
      throw new ConfigException("scene.camera.look_at: must be at least 1 mm from position");
    }
    if (!(rateHz >= 0.1 && rateHz <= 1000)) {
      throw new ConfigException("scene.camera.rate_hz: must be in [0.1, 1000], was " + rateHz);
    }
    if (!(noise >= 0 && noise <= 0.5)) {
      throw new ConfigException("scene.camera.noise: must be in [0, 0.5], was " + noise);
    }
    markers = Map.copyOf(markers);
  }

  /** A camera oriented by {@code look_at}, without a tool marker. */
  public CameraSpec(int width, int height, double fx, double fy, double cx, double cy, double[] position,
      double[] lookAt, double rateHz, double noise, Map<String, Integer> markers) {
    this(width, height, fx, fy, cx, cy, position, lookAt, rateHz, noise, markers, null, null);
  }

  /** This camera placed at {@code position}, looking at {@code lookAt}. */
  public CameraSpec withLookAt(double[] newPosition, double[] newLookAt) {
    return new CameraSpec(width, height, fx, fy, cx, cy, newPosition, newLookAt, rateHz, noise, markers, null,
        toolMarker);
  }

  /** This camera placed at {@code position} with its optical frame at {@code rpy} (as {@code scene.camera.rpy}). */
  public CameraSpec withPose(double[] newPosition, double[] newRpy) {
    return new CameraSpec(width, height, fx, fy, cx, cy, newPosition, newPosition, rateHz, noise, markers,
        newRpy, toolMarker);
  }

  /** Reads {@code scene.camera}; marker names are checked against {@code objects}. */
  public static CameraSpec from(Settings s, List<SceneObject> objects) {
    s.requireOnly(KEYS);
    int w = (int) s.integer("width", 640, 16, 4096);
    int h = (int) s.integer("height", 480, 16, 4096);
    if (s.has("fov_deg") && s.has("fx")) {
      throw new ConfigException(s.key("fov_deg") + ": give either fov_deg or fx, not both");
    }
    double fx = s.has("fx") ? s.number("fx", 0, 1, 1e5)
        : (w / 2.0) / Math.tan(Math.toRadians(s.number("fov_deg", 60, 1, 170)) / 2);
    double[] position = s.numbers("position", null, 3, -20, 20);
    double[] lookAt = s.numbers("look_at", null, 3, -20, 20);
    double[] rpy = s.numbers("rpy", null, 3, -7, 7);
    if (lookAt != null && rpy != null) {
      throw new ConfigException(s.key("rpy") + ": give either look_at or rpy, not both");
    }
    if (position == null || (lookAt == null && rpy == null)) {
      throw new ConfigException(s.key(position == null ? "position" : "look_at") + ": required, [x, y, z] in metres "
          + "(base frame)" + (position == null ? "" : "; or rpy: the optical frame's roll, pitch, yaw"));
    }
    Map<String, Integer> markers = new LinkedHashMap<>();
    Settings m = s.section("markers");
    for (String name : m.asMap().keySet()) {
      if (objects.stream().noneMatch(o -> o.name().equals(name))) {
        throw new ConfigException(m.key(name) + ": no scene object is called '" + name + "'");
      }
      markers.put(name, (int) m.integer(name, 0, 0, MARKER_IDS - 1));
    }
    ToolMarker tool = s.has("tool_marker") ? ToolMarker.from(s.section("tool_marker")) : null;
    if (tool != null) {
      for (int i = 0; i < objects.size(); i++) {
        SceneObject o = objects.get(i);
        int id = markers.containsKey(o.name()) ? markers.get(o.name()) : i;
        if (id == tool.id()) {
          throw new ConfigException(s.key("tool_marker") + ".id: " + id + " is also the marker of object '" + o.name()
              + "'; give the tool its own id");
        }
      }
    }
    return new CameraSpec(w, h, fx, s.number("fy", fx, 1, 1e5), s.number("cx", (w - 1) / 2.0, -1e4, 1e4),
        s.number("cy", (h - 1) / 2.0, -1e4, 1e4), position, lookAt, s.number("rate_hz", 30, 0.1, 1000),
        s.number("noise", 0.01, 0, 0.5), markers, rpy, tool);
  }

  /** The marker id {@code o} carries: {@code markers[o]}, else its index among {@code objects}. */
  public int markerId(SceneObject o, List<SceneObject> objects) {
    Integer id = markers.get(o.name());
    return id != null ? id : objects.indexOf(o);
  }

  /** Side of the black square of the marker on {@code o}'s top face, m. */
  public static double markerSideM(SceneObject o) {
    return 2 * o.radiusM() * MARKER_FRACTION;
  }

  /**
   * Rotation from the optical frame to the base frame, row-major 3×3: its columns are the optical
   * x (right), y (down) and z (forward) axes in the base frame. "Up" in the image is the base's +z;
   * a camera looking straight down has the base's +x pointing up in the image.
   */
  public double[] rotation() {
    if (rpy != null) {
      return Rotations.rpyMatrix(rpy[0], rpy[1], rpy[2]);
    }
    double[] f = normalize(lookAt[0] - position[0], lookAt[1] - position[1], lookAt[2] - position[2]);
    double[] up = Math.abs(f[2]) > 0.999 ? new double[] {1, 0, 0} : new double[] {0, 0, 1};
    double[] r = normalize(f[1] * up[2] - f[2] * up[1], f[2] * up[0] - f[0] * up[2], f[0] * up[1] - f[1] * up[0]);
    double[] d = {f[1] * r[2] - f[2] * r[1], f[2] * r[0] - f[0] * r[2], f[0] * r[1] - f[1] * r[0]};
    return new double[] {r[0], d[0], f[0], r[1], d[1], f[1], r[2], d[2], f[2]};
  }

  /** Frame period, ns. */
  public long periodNs() {
    return Math.round(1e9 / rateHz);
  }

  @Override
  public double[] position() {
    return position.clone();
  }

  @Override
  public double[] lookAt() {
    return lookAt.clone();
  }

  @Override
  public double[] rpy() {
    return rpy == null ? null : rpy.clone();
  }

  /** The optical frame's orientation as URDF roll, pitch, yaw (from {@code rpy} or {@code look_at}). */
  public double[] orientationRpy() {
    if (rpy != null) {
      return rpy.clone();
    }
    return Rotations.rpyOf(rotation());
  }

  private static double[] finite3(double[] v, String what) {
    if (v == null || v.length != 3 || !Double.isFinite(v[0]) || !Double.isFinite(v[1]) || !Double.isFinite(v[2])) {
      throw new ConfigException(what + ": needs three finite numbers");
    }
    return v.clone();
  }

  private static double[] normalize(double x, double y, double z) {
    double n = Math.sqrt(x * x + y * y + z * z);
    return new double[] {x / n, y / n, z / n};
  }
}
