package io.telos.bridge.ros2;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
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
 *     Float64MultiArray) or {@link CommandInterface#TRAJECTORY} ({@code
 *     <controller>/joint_trajectory}, JointTrajectory)
 * @param qos QoS of {@code joint_states} and the command topic
 * @param servoPeriodNs time_from_start of the single trajectory point
 * @param loopbackOnly bind DDS to 127.0.0.1 only (single-host setups and tests)
 * @param stateTimeoutNs health is LOST when no valid state arrived for longer than this
 */
public record Ros2Config(
    String namespace,
    int domainId,
    String controller,
    CommandInterface commandInterface,
    Ros2Qos qos,
    long servoPeriodNs,
    boolean loopbackOnly,
    long stateTimeoutNs) {

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

  /** Every key of the section (besides {@code type}). */
  public static final Set<String> KEYS = Set.of(NAMESPACE, DOMAIN_ID, CONTROLLER, COMMAND_INTERFACE, RELIABILITY,
      HISTORY_DEPTH, DURABILITY, SERVO_PERIOD_S, LOOPBACK_ONLY, STATE_TIMEOUT_S);

  public static final String DEFAULT_CONTROLLER = "forward_position_controller";

  private static final String PATH = "bridge";
  private static final Pattern NAMESPACE_RE = Pattern.compile("(/[A-Za-z_][A-Za-z0-9_]*)+");
  private static final Pattern NAME_RE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)*");

  /** How commands reach the robot. */
  public enum CommandInterface {
    /** {@code forward_command_controller}: std_msgs/Float64MultiArray on {@code <controller>/commands}. */
    FORWARD,
    /** {@code joint_trajectory_controller}: one-point JointTrajectory on {@code <controller>/joint_trajectory}. */
    TRAJECTORY
  }

  public Ros2Config {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(controller, "controller");
    Objects.requireNonNull(commandInterface, "commandInterface");
    Objects.requireNonNull(qos, "qos");
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
    String controller = s.string(CONTROLLER, DEFAULT_CONTROLLER);
    if (!NAME_RE.matcher(controller).matches()) {
      throw new ConfigException(s.key(CONTROLLER) + ": must be a relative ROS 2 name like forward_position_controller,"
          + " was '" + controller + "'");
    }
    CommandInterface ci = switch (s.choice(COMMAND_INTERFACE, "forward", Set.of("forward", "trajectory"))) {
      case "trajectory" -> CommandInterface.TRAJECTORY;
      default -> CommandInterface.FORWARD;
    };
    Ros2Qos.Reliability rel = s.choice(RELIABILITY, "reliable", Set.of("reliable", "best_effort")).equals("reliable")
        ? Ros2Qos.Reliability.RELIABLE : Ros2Qos.Reliability.BEST_EFFORT;
    int depth = (int) s.integer(HISTORY_DEPTH, 10, 1, 10_000);
    Ros2Qos.Durability dur = s.choice(DURABILITY, "volatile", Set.of("volatile", "transient_local")).equals("volatile")
        ? Ros2Qos.Durability.VOLATILE : Ros2Qos.Durability.TRANSIENT_LOCAL;
    double period = s.number(SERVO_PERIOD_S, 0.01, 0.0001, 1.0);
    boolean loopback = s.bool(LOOPBACK_ONLY, false);
    double timeout = s.number(STATE_TIMEOUT_S, 0.5, 0.01, 60.0);
    return new Ros2Config(ns, domain, controller, ci, new Ros2Qos(rel, depth, dur), Math.round(period * 1e9), loopback,
        Math.round(timeout * 1e9));
  }

  /** {@code <namespace>/joint_states}. */
  public String stateTopic() {
    return namespace + "/joint_states";
  }

  /** {@code <namespace>/<controller>/commands} or {@code <namespace>/<controller>/joint_trajectory}. */
  public String commandTopic() {
    return namespace + "/" + controller + (commandInterface == CommandInterface.FORWARD ? "/commands" : "/joint_trajectory");
  }

  /** {@code <namespace>/telos/mode}. */
  public String modeTopic() {
    return namespace + "/telos/mode";
  }

  /** {@code <namespace>/telos/estop}. */
  public String estopTopic() {
    return namespace + "/telos/estop";
  }
}
