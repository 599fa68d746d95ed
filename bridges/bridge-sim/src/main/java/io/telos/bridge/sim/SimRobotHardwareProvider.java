package io.telos.bridge.sim;

import io.telos.api.camera.CameraSpec;
import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.api.scene.Scene;
import io.telos.api.spi.HardwareContext;
import io.telos.api.spi.RobotHardware;
import io.telos.api.spi.RobotHardwareProvider;
import io.telos.model.ActuatorResponse;
import io.telos.model.RobotModel;
import io.telos.model.Transform;
import io.telos.model.UrdfException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code bridge.type: sim}: a {@link SimulatedArm} on the ODE physics engine. Settings (all
 * optional, values as YAML gives them):
 *
 * <table>
 *   <caption>bridge settings</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code step_ms}</td><td>1</td><td>physics step, ms, in (0, 100]</td></tr>
 *   <tr><td>{@code gravity}</td><td>-9.81</td><td>z component (a number) or a 3-vector, m/s²</td></tr>
 *   <tr><td>{@code kp}</td><td>40</td><td>position gain of the joint controllers, 1/s, &gt; 0 and ≤ 1/step</td></tr>
 *   <tr><td>{@code command_interface}</td><td>position</td><td>{@code position} or {@code velocity}</td></tr>
 *   <tr><td>{@code noise_position_rad}</td><td>0</td><td>std. dev. of measured-position noise</td></tr>
 *   <tr><td>{@code noise_velocity_rad_s}</td><td>0</td><td>std. dev. of measured-velocity noise</td></tr>
 *   <tr><td>{@code initial_position}</td><td>telos6: home; others: zeros</td><td>one value per joint, within limits</td></tr>
 *   <tr><td>{@code effort_scale}</td><td>1</td><td>factor on URDF effort limits (motor force caps), in [0, 100]</td></tr>
 *   <tr><td>{@code lag_s}</td><td>none</td><td>first-order lag of the joints' response, s, in [0, 5]</td></tr>
 *   <tr><td>{@code dead_time_ms}</td><td>none</td><td>dead time of the joints' response, ms, in [0, 1000]</td></tr>
 *   <tr><td>{@code max_velocity}</td><td>none</td><td>speed ceiling of the joints, rad/s or m/s, &gt; 0</td></tr>
 *   <tr><td>{@code camera_pose}</td><td>{@code scene.camera}'s</td><td>{@code {position, look_at | rpy}}: where the
 *       simulated camera really stands, whatever {@code scene.camera} says (rehearses calibration)</td></tr>
 * </table>
 *
 * <p>Each of the last three is a number for every joint or a list with one entry per joint (chain
 * order); lists given together must have the same length. Setting any of them makes the arm a
 * slow one: see {@link SimulatedArm}.
 */
public final class SimRobotHardwareProvider implements RobotHardwareProvider {
  public static final String TYPE = "sim";

  public static final String STEP_MS = "step_ms";
  public static final String GRAVITY = "gravity";
  public static final String KP = "kp";
  public static final String COMMAND_INTERFACE = "command_interface";
  public static final String NOISE_POSITION_RAD = "noise_position_rad";
  public static final String NOISE_VELOCITY_RAD_S = "noise_velocity_rad_s";
  public static final String INITIAL_POSITION = "initial_position";
  public static final String EFFORT_SCALE = "effort_scale";
  public static final String LAG_S = "lag_s";
  public static final String DEAD_TIME_MS = "dead_time_ms";
  public static final String MAX_VELOCITY = "max_velocity";
  public static final String LINK_COLLISIONS = "link_collisions";
  public static final String CAMERA_POSE = "camera_pose";

  private static final Set<String> KEYS = Set.of(STEP_MS, GRAVITY, KP, COMMAND_INTERFACE, NOISE_POSITION_RAD,
      NOISE_VELOCITY_RAD_S, INITIAL_POSITION, EFFORT_SCALE, LAG_S, DEAD_TIME_MS, MAX_VELOCITY, LINK_COLLISIONS,
      CAMERA_POSE);

  /** Scene objects are reported: {@code RobotHardware.objects()}. */
  @Override
  public boolean deliversFrames() {
    return true; // scene.camera, rendered
  }

  @Override
  public boolean tracksObjects() {
    return true;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Set<String> settingKeys() {
    return KEYS;
  }

  /**
   * Loads the robot description and builds (does not start) the arm with the context's scene
   * ({@link HardwareContext#scene()}: its objects become bodies the tool can push).
   *
   * @throws IllegalArgumentException naming the key when a setting is invalid, or when the robot
   *     description cannot be loaded
   */
  @Override
  public SimulatedArm create(HardwareContext context) {
    SimConfig config = parse(context.settings());
    RobotModel model;
    try {
      model = RobotModel.load(context.robotDescription(), context.armChain());
    } catch (UrdfException e) {
      throw new IllegalArgumentException("robot description '" + context.robotDescription() + "' for robot "
          + context.robotId() + ": " + e.getMessage(), e);
    }
    for (String k : ActuatorResponse.KEYS) {
      if (context.settings().get(k) instanceof List<?> l && l.size() != model.dof()) {
        throw new IllegalArgumentException(key(k) + ": must be one number or a list of " + model.dof()
            + " (one per joint of " + model.jointNames() + "), had " + l.size() + " entries");
      }
    }
    Scene scene = mounted(context.scene(), context.settings().get(CAMERA_POSE));
    return new SimulatedArm(context.robotId(), model, config, context.clock(), context.seed(), context.lockStep(),
        scene);
  }

  /**
   * The scene as the simulator really builds it: its camera where {@code camera_pose}
   * ({@code {position: [...], look_at: [...]}} or {@code {position, rpy}}, base frame) puts it,
   * whatever {@code scene.camera} says; intrinsics, rate and markers stay {@code scene.camera}'s. The
   * rest of the agent still believes {@code scene.camera}: this rehearses a camera whose pose is known
   * only roughly, as before {@code telos calibrate-camera}, and the calibrated pose can then be pasted
   * into {@code scene.camera} while the simulated camera stays where it is.
   *
   * @throws IllegalArgumentException naming the key when the pose is malformed or there is no camera
   */
  @SuppressWarnings("unchecked")
  public static Scene mounted(Scene scene, Object pose) {
    if (pose == null) {
      return scene;
    }
    if (scene.camera() == null) {
      throw new IllegalArgumentException(key(CAMERA_POSE) + ": the scene has no camera (scene.camera) to place");
    }
    if (!(pose instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException(key(CAMERA_POSE) + ": must be { position: [x, y, z], look_at: [x, y, z] } "
          + "or { position, rpy }, was " + describe(pose));
    }
    Settings s = new Settings(key(CAMERA_POSE), (Map<String, ?>) m);
    try {
      s.requireOnly(Set.of("position", "look_at", "rpy"));
      double[] position = s.numbers("position", null, 3, -20, 20);
      double[] lookAt = s.numbers("look_at", null, 3, -20, 20);
      double[] rpy = s.numbers("rpy", null, 3, -7, 7);
      if (position == null || (lookAt == null) == (rpy == null)) {
        throw new ConfigException(s.key(position == null ? "position" : "look_at")
            + ": give position and either look_at or rpy");
      }
      CameraSpec c = scene.camera();
      return new Scene(scene.toolRadiusM(), scene.objects(),
          rpy != null ? c.withPose(position, rpy) : c.withLookAt(position, lookAt));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Binds and validates the bridge section of a launch file (without {@code type}).
   *
   * @throws IllegalArgumentException naming the key and what is allowed
   */
  public static SimConfig parse(Map<String, ?> settings) {
    for (String k : settings.keySet()) {
      if (!KEYS.contains(k) && !"type".equals(k)) {
        throw new IllegalArgumentException(key(k) + ": unknown key (allowed: "
            + String.join(", ", new TreeSet<>(KEYS)) + ")");
      }
    }
    SimConfig d = SimConfig.defaults();
    double stepMs = number(settings, STEP_MS, d.stepNs() / 1e6, "a number in (0, 100]");
    if (!(stepMs > 0 && stepMs <= SimConfig.MAX_STEP_NS / 1e6) || Math.round(stepMs * 1e6) <= 0) {
      throw new IllegalArgumentException(key(STEP_MS) + ": must be a number in (0, 100], was " + describe(settings.get(STEP_MS)));
    }
    double[] gravity = gravity(settings.get(GRAVITY), d.gravity());
    double kp = number(settings, KP, d.kp(), "a number > 0");
    if (!(kp > 0)) {
      throw new IllegalArgumentException(key(KP) + ": must be a number > 0, was " + describe(settings.get(KP)));
    }
    SimConfig.CommandInterface ci = commandInterface(settings.get(COMMAND_INTERFACE));
    double np = number(settings, NOISE_POSITION_RAD, 0, "a number >= 0");
    double nv = number(settings, NOISE_VELOCITY_RAD_S, 0, "a number >= 0");
    double[] q0 = numbers(settings.get(INITIAL_POSITION));
    double effortScale = number(settings, EFFORT_SCALE, 1.0, "a number in [0, 100]");
    Object lc = settings.get(LINK_COLLISIONS);
    if (lc != null && !(lc instanceof Boolean)) {
      throw new IllegalArgumentException(key(LINK_COLLISIONS) + ": must be true or false, was " + describe(lc));
    }
    return new SimConfig(Math.round(stepMs * 1e6), gravity, kp, ci, np, nv, q0, effortScale, response(settings),
        lc != null && (Boolean) lc);
  }

  /**
   * The actuator response of {@code lag_s}, {@code dead_time_ms} and {@code max_velocity} (parsed as
   * {@code robot.response} is, by {@link ActuatorResponse#parse}): null when none is set; one entry
   * when each is a number, else one per list element.
   */
  static ActuatorResponse response(Map<String, ?> settings) {
    Settings s = new Settings(SimConfig.PREFIX.substring(0, SimConfig.PREFIX.length() - 1), settings);
    return ActuatorResponse.declaredIn(s) ? ActuatorResponse.parse(s, -1) : null;
  }

  private static String key(String k) {
    return SimConfig.PREFIX + k;
  }

  private static double number(Map<String, ?> settings, String k, double dflt, String allowed) {
    Object v = settings.get(k);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Number num && Double.isFinite(num.doubleValue())) {
      return num.doubleValue();
    }
    throw new IllegalArgumentException(key(k) + ": must be " + allowed + ", was " + describe(v));
  }

  private static double[] gravity(Object v, double[] dflt) {
    if (v == null) {
      return dflt;
    }
    if (v instanceof Number num && Double.isFinite(num.doubleValue())) {
      return new double[] {0, 0, num.doubleValue()};
    }
    if (v instanceof List<?> l && l.size() == 3) {
      double[] g = new double[3];
      for (int i = 0; i < 3; i++) {
        if (!(l.get(i) instanceof Number num) || !Double.isFinite(num.doubleValue())) {
          throw new IllegalArgumentException(key(GRAVITY) + "[" + i + "]: must be a finite number, was " + describe(l.get(i)));
        }
        g[i] = num.doubleValue();
      }
      return g;
    }
    throw new IllegalArgumentException(key(GRAVITY)
        + ": must be a number (the z component, e.g. -9.81) or a list of 3 numbers [x, y, z], was " + describe(v));
  }

  private static SimConfig.CommandInterface commandInterface(Object v) {
    if (v == null) {
      return SimConfig.CommandInterface.POSITION;
    }
    if (v instanceof String s) {
      for (SimConfig.CommandInterface ci : SimConfig.CommandInterface.values()) {
        if (ci.key().equals(s.trim().toLowerCase(Locale.ROOT))) {
          return ci;
        }
      }
    }
    throw new IllegalArgumentException(key(COMMAND_INTERFACE) + ": must be one of position, velocity, was " + describe(v));
  }

  private static double[] numbers(Object v) {
    if (v == null) {
      return null;
    }
    if (!(v instanceof List<?> l)) {
      throw new IllegalArgumentException(key(INITIAL_POSITION)
          + ": must be a list of numbers (one per joint, rad or m), was " + describe(v));
    }
    double[] out = new double[l.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(l.get(i) instanceof Number num) || !Double.isFinite(num.doubleValue())) {
        throw new IllegalArgumentException(key(INITIAL_POSITION) + "[" + i + "]: must be a finite number, was "
            + describe(l.get(i)));
      }
      out[i] = num.doubleValue();
    }
    return out;
  }

  private static String describe(Object v) {
    return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
  }
}
