package io.telos.bridge.ros2;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated {@code bridge:} section of a ROS 2 launch file. Build one with {@link #parse};
 * every error names the key, e.g. {@code bridge.reliability: must be one of best_effort, reliable,
 * was 'sure'}.
 *
 * @param namespace ROS 2 namespace prefixed to every topic: empty or {@code /a/b}
 * @param domainId DDS domain id (ROS_DOMAIN_ID)
 * @param controller the ros2_control controller that takes commands
 * @param commandInterface {@link CommandInterface#FORWARD} ({@code <controller>/commands},
 *     Float64MultiArray of positions), {@link CommandInterface#TRAJECTORY} ({@code
 *     <controller>/joint_trajectory}, JointTrajectory) or {@link CommandInterface#VELOCITY}
 *     ({@code <controller>/commands}, Float64MultiArray of velocities)
 * @param qos QoS of {@code joint_states} and the command topic
 * @param servoPeriodNs time_from_start of the single trajectory point
 * @param loopbackOnly bind DDS to 127.0.0.1 only (single-host setups and tests)
 * @param stateTimeoutNs health is LOST when no valid state arrived for longer than this
 * @param controllerJoints the controller's {@code joints:} in its order (the order of a forward
 *     command's values and of a trajectory's {@code joint_names}); empty = the robot description's
 *     chain order
 * @param velocityGain {@code command_interface: velocity} only: the gain (1/s) of the position
 *     correction added to the kernel's velocity, {@code v = v_cmd + gain (q_cmd - q_measured)}
 * @param imageTransport how the camera's pictures arrive: {@link ImageTransport#RAW}
 *     ({@code sensor_msgs/Image} on {@link #imageTopic()}) or {@link ImageTransport#COMPRESSED}
 *     ({@code sensor_msgs/CompressedImage}, PNG or JPEG, on {@link #compressedImageTopic()})
 */
public record Ros2Config(
    String namespace,
    int domainId,
    String controller,
    CommandInterface commandInterface,
    Ros2Qos qos,
    long servoPeriodNs,
    boolean loopbackOnly,
    long stateTimeoutNs,
    List<String> controllerJoints,
    double velocityGain,
    ImageTransport imageTransport) {

  public static final String NAMESPACE = "namespace";
  public static final String DOMAIN_ID = "domain_id";
  public static final String CONTROLLER = "controller";
  public static final String COMMAND_INTERFACE = "command_interface";
  public static final String RELIABILITY = "reliability";
  public static final String HISTORY_DEPTH = "history_depth";
  public static final String DURABILITY = "durability";
  public static final String SERVO_PERIOD_S = "servo_period_s";
  public static final String LOOPBACK_ONLY = "loopback_only";
  public static final String STATE_TIMEOUT_S = "state_timeout_s";
  public static final String CONTROLLER_JOINTS = "controller_joints";
  public static final String VELOCITY_GAIN = "velocity_gain";
  public static final String IMAGE_TRANSPORT = "image_transport";

  /** Every key of the section (besides {@code type}). */
  public static final Set<String> KEYS = Set.of(NAMESPACE, DOMAIN_ID, CONTROLLER, COMMAND_INTERFACE, RELIABILITY,
      HISTORY_DEPTH, DURABILITY, SERVO_PERIOD_S, LOOPBACK_ONLY, STATE_TIMEOUT_S, CONTROLLER_JOINTS, VELOCITY_GAIN,
      IMAGE_TRANSPORT);

  public static final String DEFAULT_CONTROLLER = "forward_position_controller";
  /** The controller when {@code command_interface: velocity} names none. */
  public static final String DEFAULT_VELOCITY_CONTROLLER = "forward_velocity_controller";

  private static final String PATH = "bridge";
  private static final Pattern NAMESPACE_RE = Pattern.compile("(/[A-Za-z_][A-Za-z0-9_]*)+");
  private static final Pattern NAME_RE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)*");

  /** How commands reach the robot. */
  public enum CommandInterface {
    /** {@code forward_command_controller}: std_msgs/Float64MultiArray on {@code <controller>/commands}. */
    FORWARD,
    /** {@code joint_trajectory_controller}: one-point JointTrajectory on {@code <controller>/joint_trajectory}. */
    TRAJECTORY,
    /**
     * {@code forward_command_controller} on the {@code velocity} command interface: the safety
     * kernel's velocities as std_msgs/Float64MultiArray on {@code <controller>/commands}.
     */
    VELOCITY
  }

  /**
   * How the camera's pictures travel, as image_transport names its plugins: {@code raw} or
   * {@code compressed}.
   */
  public enum ImageTransport {
    /** {@code sensor_msgs/Image} on {@code <namespace>/camera/image_raw}. */
    RAW,
    /** {@code sensor_msgs/CompressedImage} (PNG or JPEG) on {@code <namespace>/camera/image_raw/compressed}. */
    COMPRESSED
  }

  public Ros2Config {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(controller, "controller");
    Objects.requireNonNull(commandInterface, "commandInterface");
    Objects.requireNonNull(qos, "qos");
    Objects.requireNonNull(imageTransport, "imageTransport");
    controllerJoints = List.copyOf(controllerJoints);
  }

  /** Defaults: domain 0, no namespace, forward_position_controller, forward, reliable/10/volatile. */
  public static Ros2Config defaults() {
    return parse(Map.of());
  }

  /** Binds and checks the section; throws {@link ConfigException} naming the key. */
  public static Ros2Config parse(Map<String, ?> settings) {
    Settings s = new Settings(PATH, settings);
    s.requireOnly(KEYS);
    String ns = settings.get(NAMESPACE) instanceof String str && (str.isEmpty() || str.equals("/")) ? ""
        : s.string(NAMESPACE, "");
    if (!ns.isEmpty() && !NAMESPACE_RE.matcher(ns).matches()) {
      throw new ConfigException(s.key(NAMESPACE) + ": must be empty or like /robot1 (absolute, no trailing '/',"
          + " tokens of letters, digits and '_' not starting with a digit), was '" + ns + "'");
    }
    int domain = (int) s.integer(DOMAIN_ID, 0, 0, 232);
    CommandInterface ci = switch (s.choice(COMMAND_INTERFACE, "forward", Set.of("forward", "trajectory", "velocity"))) {
      case "trajectory" -> CommandInterface.TRAJECTORY;
      case "velocity" -> CommandInterface.VELOCITY;
      default -> CommandInterface.FORWARD;
    };
    String controller = s.string(CONTROLLER,
        ci == CommandInterface.VELOCITY ? DEFAULT_VELOCITY_CONTROLLER : DEFAULT_CONTROLLER);
    if (!NAME_RE.matcher(controller).matches()) {
      throw new ConfigException(s.key(CONTROLLER) + ": must be a relative ROS 2 name like forward_position_controller,"
          + " was '" + controller + "'");
    }
    Ros2Qos.Reliability rel = s.choice(RELIABILITY, "reliable", Set.of("reliable", "best_effort")).equals("reliable")
        ? Ros2Qos.Reliability.RELIABLE : Ros2Qos.Reliability.BEST_EFFORT;
    int depth = (int) s.integer(HISTORY_DEPTH, 10, 1, 10_000);
    Ros2Qos.Durability dur = s.choice(DURABILITY, "volatile", Set.of("volatile", "transient_local")).equals("volatile")
        ? Ros2Qos.Durability.VOLATILE : Ros2Qos.Durability.TRANSIENT_LOCAL;
    double period = s.number(SERVO_PERIOD_S, 0.01, 0.0001, 1.0);
    boolean loopback = s.bool(LOOPBACK_ONLY, false);
    double timeout = s.number(STATE_TIMEOUT_S, 0.5, 0.01, 60.0);
    List<String> controllerJoints = jointList(s.key(CONTROLLER_JOINTS), settings.get(CONTROLLER_JOINTS));
    double gain = s.number(VELOCITY_GAIN, 10.0, 0.0, 200.0);
    ImageTransport images = s.choice(IMAGE_TRANSPORT, "raw", Set.of("raw", "compressed")).equals("raw")
        ? ImageTransport.RAW : ImageTransport.COMPRESSED;
    return new Ros2Config(ns, domain, controller, ci, new Ros2Qos(rel, depth, dur), Math.round(period * 1e9), loopback,
        Math.round(timeout * 1e9), controllerJoints, gain, images);
  }

  private static List<String> jointList(String key, Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list) || list.isEmpty()) {
      throw new ConfigException(key + ": must be a non-empty list of joint names, was '" + value + "'");
    }
    List<String> names = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof String name) || name.isBlank()) {
        throw new ConfigException(key + ": must be a list of joint names, found '" + o + "'");
      }
      if (names.contains(name)) {
        throw new ConfigException(key + ": joint '" + name + "' listed twice");
      }
      names.add(name);
    }
    return List.copyOf(names);
  }

  /**
   * The order in which commands name the chain's joints: {@link #controllerJoints()}, or
   * {@code chainJoints} when none is configured.
   *
   * @throws ConfigException naming {@code bridge.controller_joints} when it is not a reordering of
   *     the chain's joints
   */
  public List<String> commandOrder(List<String> chainJoints) {
    if (controllerJoints.isEmpty()) {
      return List.copyOf(chainJoints);
    }
    Set<String> chain = new LinkedHashSet<>(chainJoints);
    Set<String> given = new LinkedHashSet<>(controllerJoints);
    if (!chain.equals(given)) {
      Set<String> missing = new LinkedHashSet<>(chain);
      missing.removeAll(given);
      Set<String> unknown = new LinkedHashSet<>(given);
      unknown.removeAll(chain);
      throw new ConfigException(PATH + "." + CONTROLLER_JOINTS + ": must list exactly the chain's joints " + chainJoints
          + " in the controller's order" + (missing.isEmpty() ? "" : "; missing " + missing)
          + (unknown.isEmpty() ? "" : "; not in the chain " + unknown));
    }
    return controllerJoints;
  }

  /** {@code <namespace>/joint_states}. */
  public String stateTopic() {
    return namespace + "/joint_states";
  }

  /** {@code <namespace>/<controller>/commands} or {@code <namespace>/<controller>/joint_trajectory}. */
  public String commandTopic() {
    return namespace + "/" + controller + (commandInterface == CommandInterface.TRAJECTORY ? "/joint_trajectory" : "/commands");
  }

  /** {@code <namespace>/telos/mode}. */
  public String modeTopic() {
    return namespace + "/telos/mode";
  }

  /**
   * {@code <namespace>/camera/image_raw}: the pictures of the cell's camera ({@code sensor_msgs/Image},
   * sensor-data QoS), the name camera drivers publish under a {@code camera} namespace.
   */
  public String imageTopic() {
    return namespace + "/camera/image_raw";
  }

  /**
   * {@code <namespace>/camera/image_raw/compressed}: the same pictures as PNG or JPEG
   * ({@code sensor_msgs/CompressedImage}, sensor-data QoS), where image_transport's
   * {@code compressed} plugin publishes them; taken instead of {@link #imageTopic()} with
   * {@code image_transport: compressed}.
   */
  public String compressedImageTopic() {
    return imageTopic() + "/compressed";
  }

  /**
   * {@code <namespace>/camera/camera_info}: the camera's calibration ({@code sensor_msgs/CameraInfo}),
   * next to its pictures as camera drivers publish it.
   */
  public String cameraInfoTopic() {
    return namespace + "/camera/camera_info";
  }

  /** {@code <namespace>/telos/estop}. */
  public String estopTopic() {
    return namespace + "/telos/estop";
  }
}
