package io.telos.bridge.sim;

import io.telos.model.ActuatorResponse;
import io.telos.model.JointLimits;
import io.telos.model.RobotModel;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings of a {@link SimulatedArm}; the constructor validates and each message names the
 * launch-file key ({@code bridge.<key>}). {@link SimRobotHardwareProvider} builds one from the
 * bridge section of a launch file.
 *
 * @param stepNs physics step (key {@code step_ms}), in (0, 100 ms]
 * @param gravity gravity vector in the base frame, m/s² (key {@code gravity})
 * @param kp position gain of the joint controllers, 1/s (key {@code kp}); kp·step must be ≤ 1
 * @param commandInterface which command fields drive the motors (key {@code command_interface})
 * @param noisePositionRad standard deviation of Gaussian noise on measured positions, ≥ 0
 * @param noiseVelocityRadS standard deviation of Gaussian noise on measured velocities, ≥ 0
 * @param initialPosition joint configuration at start, chain order; {@code null} for the
 *     model's default (see {@link SimulatedArm#defaultInitialPosition})
 * @param effortScale factor on the URDF effort limits used as motor force caps, in [0, 100]; 0
 *     makes the arm limp (motors off)
 * @param response how a slow position-controlled arm follows its command (keys {@code lag_s},
 *     {@code dead_time_ms}, {@code max_velocity}); {@code null} for none (the arm follows its
 *     command through its own controller only). One entry applies to every joint; otherwise one
 *     entry per joint in chain order (checked against the model by {@link #response(List)})
 * @param linkCollisions whether the arm's links collide with the table plane, with each other and
 *     with scene objects (key {@code link_collisions}, default false: only the tool's contact sphere
 *     touches anything), from the description's collision geometry ({@link io.telos.model.CollisionModel})
 */
public record SimConfig(
    long stepNs,
    double[] gravity,
    double kp,
    CommandInterface commandInterface,
    double noisePositionRad,
    double noiseVelocityRadS,
    double[] initialPosition,
    double effortScale,
    ActuatorResponse response,
    boolean linkCollisions) {

  /** Key prefix used in error messages: the launch file's bridge section. */
  public static final String PREFIX = "bridge.";

  public static final long DEFAULT_STEP_NS = 1_000_000L;
  public static final double DEFAULT_GRAVITY_Z = -9.81;
  public static final double DEFAULT_KP = 40.0;
  static final long MAX_STEP_NS = 100_000_000L;
  static final double MAX_EFFORT_SCALE = 100.0;

  /** How a {@link io.telos.api.JointCommand} drives the joint motors (ros2_control interfaces). */
  public enum CommandInterface {
    /** Motor velocity = velocity feed-forward + kp·(position setpoint − measured position). */
    POSITION,
    /** Motor velocity = velocity command; the position field is ignored. */
    VELOCITY;

    /** The launch-file spelling. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public SimConfig {
    if (stepNs <= 0 || stepNs > MAX_STEP_NS) {
      throw new IllegalArgumentException(
          PREFIX + "step_ms: must be a number in (0, 100], was " + stepNs / 1e6);
    }
    Objects.requireNonNull(gravity, "gravity");
    if (gravity.length != 3 || !allFinite(gravity)) {
      throw new IllegalArgumentException(
          PREFIX + "gravity: must be a number (z) or a list of 3 finite numbers, was " + Arrays.toString(gravity));
    }
    gravity = gravity.clone();
    double stepS = stepNs / 1e9;
    if (!(kp > 0) || !Double.isFinite(kp) || kp * stepS > 1.0) {
      throw new IllegalArgumentException(
          PREFIX + "kp: must be a number > 0 and <= 1/step (" + fmt(1.0 / stepS) + " for step_ms " + fmt(stepNs / 1e6)
              + "), was " + fmt(kp));
    }
    Objects.requireNonNull(commandInterface, "commandInterface");
    if (!(noisePositionRad >= 0) || !Double.isFinite(noisePositionRad)) {
      throw new IllegalArgumentException(
          PREFIX + "noise_position_rad: must be a finite number >= 0, was " + fmt(noisePositionRad));
    }
    if (!(noiseVelocityRadS >= 0) || !Double.isFinite(noiseVelocityRadS)) {
      throw new IllegalArgumentException(
          PREFIX + "noise_velocity_rad_s: must be a finite number >= 0, was " + fmt(noiseVelocityRadS));
    }
    if (initialPosition != null) {
      if (!allFinite(initialPosition)) {
        throw new IllegalArgumentException(
            PREFIX + "initial_position: must be a list of finite numbers, was " + Arrays.toString(initialPosition));
      }
      initialPosition = initialPosition.clone();
    }
    if (!(effortScale >= 0) || effortScale > MAX_EFFORT_SCALE) {
      throw new IllegalArgumentException(
          PREFIX + "effort_scale: must be a number in [0, 100], was " + fmt(effortScale));
    }
    if (response != null && response.size() == 0) {
      throw new IllegalArgumentException(PREFIX + "lag_s, " + PREFIX + "dead_time_ms, " + PREFIX
          + "max_velocity: must give at least one joint's response, had none");
    }
  }

  /** Settings without link collisions. */
  public SimConfig(long stepNs, double[] gravity, double kp, CommandInterface commandInterface,
      double noisePositionRad, double noiseVelocityRadS, double[] initialPosition, double effortScale,
      ActuatorResponse response) {
    this(stepNs, gravity, kp, commandInterface, noisePositionRad, noiseVelocityRadS, initialPosition, effortScale,
        response, false);
  }

  /** Settings without an actuator response (the arm follows its controller only). */
  public SimConfig(long stepNs, double[] gravity, double kp, CommandInterface commandInterface,
      double noisePositionRad, double noiseVelocityRadS, double[] initialPosition, double effortScale) {
    this(stepNs, gravity, kp, commandInterface, noisePositionRad, noiseVelocityRadS, initialPosition, effortScale,
        null);
  }

  /** Defaults: 1 ms step, gravity −9.81 z, kp 40/s, position interface, no noise, model's home. */
  public static SimConfig defaults() {
    return new SimConfig(DEFAULT_STEP_NS, new double[] {0, 0, DEFAULT_GRAVITY_Z}, DEFAULT_KP,
        CommandInterface.POSITION, 0, 0, null, 1.0, null, false);
  }

  /** The same settings with other sensor noise. */
  public SimConfig withNoise(double positionRad, double velocityRadS) {
    return new SimConfig(stepNs, gravity, kp, commandInterface, positionRad, velocityRadS, initialPosition, effortScale,
        response, linkCollisions);
  }

  /** The same settings with another initial joint configuration ({@code null}: model default). */
  public SimConfig withInitialPosition(double... q) {
    return new SimConfig(stepNs, gravity, kp, commandInterface, noisePositionRad, noiseVelocityRadS, q, effortScale,
        response, linkCollisions);
  }

  /** The same settings with another command interface. */
  public SimConfig withCommandInterface(CommandInterface ci) {
    return new SimConfig(stepNs, gravity, kp, ci, noisePositionRad, noiseVelocityRadS, initialPosition, effortScale,
        response, linkCollisions);
  }

  /** The same settings with another motor effort scale. */
  public SimConfig withEffortScale(double scale) {
    return new SimConfig(stepNs, gravity, kp, commandInterface, noisePositionRad, noiseVelocityRadS, initialPosition, scale,
        response, linkCollisions);
  }

  /** The same settings with another gravity vector. */
  public SimConfig withGravity(double x, double y, double z) {
    return new SimConfig(stepNs, new double[] {x, y, z}, kp, commandInterface, noisePositionRad, noiseVelocityRadS,
        initialPosition, effortScale, response, linkCollisions);
  }

  /** The same settings with another position gain. */
  public SimConfig withKp(double gain) {
    return new SimConfig(stepNs, gravity, gain, commandInterface, noisePositionRad, noiseVelocityRadS,
        initialPosition, effortScale, response, linkCollisions);
  }

  /**
   * The same settings with another actuator response ({@code null}: none); one entry applies to
   * every joint.
   */
  public SimConfig withResponse(ActuatorResponse r) {
    return new SimConfig(stepNs, gravity, kp, commandInterface, noisePositionRad, noiseVelocityRadS,
        initialPosition, effortScale, r, linkCollisions);
  }

  /** The same settings with link collisions on or off. */
  public SimConfig withLinkCollisions(boolean on) {
    return new SimConfig(stepNs, gravity, kp, commandInterface, noisePositionRad, noiseVelocityRadS,
        initialPosition, effortScale, response, on);
  }

  /**
   * The actuator response for an arm with these joints (chain order): {@code null} when none is
   * set, the single entry repeated on every joint, or the per-joint response itself.
   *
   * @throws IllegalArgumentException naming the keys when the per-joint lists do not have one entry
   *     per joint
   */
  public ActuatorResponse response(List<String> jointNames) {
    if (response == null) {
      return null;
    }
    int n = jointNames.size();
    if (response.size() == n) {
      return response;
    }
    if (response.size() == 1) {
      return ActuatorResponse.uniform(n, response.lagS(0), response.deadTimeS(0), response.maxVelocity(0));
    }
    throw new IllegalArgumentException(PREFIX + "lag_s, " + PREFIX + "dead_time_ms, " + PREFIX
        + "max_velocity: a list must have " + n + " entries (one per joint of " + jointNames + "), had "
        + response.size());
  }

  @Override
  public double[] gravity() {
    return gravity.clone();
  }

  @Override
  public double[] initialPosition() {
    return initialPosition == null ? null : initialPosition.clone();
  }

  /** Home pose used as the default initial position of the built-in {@code telos6} arm. */
  static final double[] TELOS6_HOME = {0, -0.5, 1.2, -0.7, 1.57, 0};

  /**
   * The initial position used when {@code initial_position} is not set: for the built-in
   * {@code telos6} a bent-elbow home pose ({@code [0, -0.5, 1.2, -0.7, 1.57, 0]}), for any
   * other arm zeros (each clamped into the joint's limits).
   */
  public static double[] defaultInitialPosition(RobotModel model) {
    int n = model.dof();
    JointLimits limits = model.limits();
    if ("telos6".equals(model.name()) && n == TELOS6_HOME.length && limits.contains(TELOS6_HOME, 0)) {
      return TELOS6_HOME.clone();
    }
    double[] q = new double[n];
    for (int i = 0; i < n; i++) {
      q[i] = Math.min(Math.max(0.0, limits.lower(i)), limits.upper(i));
    }
    return q;
  }

  /**
   * The initial position for {@code model}: {@link #initialPosition()} when set, else
   * {@link #defaultInitialPosition(RobotModel)}.
   *
   * @throws IllegalArgumentException naming {@code initial_position} when it does not fit the model
   */
  public double[] initialPosition(RobotModel model) {
    double[] q0 = initialPosition == null ? defaultInitialPosition(model) : initialPosition.clone();
    checkInitialPosition(model, q0);
    return q0;
  }

  private static void checkInitialPosition(RobotModel model, double[] q0) {
    String key = SimConfig.PREFIX + "initial_position";
    if (q0.length != model.dof()) {
      throw new IllegalArgumentException(key + ": must have " + model.dof() + " entries (one per joint of "
          + model.jointNames() + "), had " + q0.length);
    }
    JointLimits limits = model.limits();
    for (int i = 0; i < q0.length; i++) {
      if (!(q0[i] >= limits.lower(i) && q0[i] <= limits.upper(i))) {
        throw new IllegalArgumentException(key + "[" + i + "]: must be within the limits of "
            + model.jointNames().get(i) + " [" + limits.lower(i) + ", " + limits.upper(i) + "], was " + q0[i]);
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SimConfig c
        && stepNs == c.stepNs
        && Arrays.equals(gravity, c.gravity)
        && Double.compare(kp, c.kp) == 0
        && commandInterface == c.commandInterface
        && Double.compare(noisePositionRad, c.noisePositionRad) == 0
        && Double.compare(noiseVelocityRadS, c.noiseVelocityRadS) == 0
        && Arrays.equals(initialPosition, c.initialPosition)
        && Double.compare(effortScale, c.effortScale) == 0
        && Objects.equals(response, c.response)
        && linkCollisions == c.linkCollisions;
  }

  @Override
  public int hashCode() {
    return Objects.hash(stepNs, Arrays.hashCode(gravity), kp, commandInterface, noisePositionRad,
        noiseVelocityRadS, Arrays.hashCode(initialPosition), effortScale,
        response, linkCollisions);
  }

  @Override
  public String toString() {
    return "SimConfig[step_ms=" + fmt(stepNs / 1e6) + ", gravity=" + Arrays.toString(gravity) + ", kp=" + fmt(kp)
        + ", command_interface=" + commandInterface.key() + ", noise_position_rad=" + fmt(noisePositionRad)
        + ", noise_velocity_rad_s=" + fmt(noiseVelocityRadS) + ", initial_position="
        + (initialPosition == null ? "default" : Arrays.toString(initialPosition))
        + ", effort_scale=" + fmt(effortScale) + (response == null ? "" : ", " + responseString(response))
        + (linkCollisions ? ", link_collisions=true" : "") + "]";
  }

  private static String responseString(ActuatorResponse r) {
    double[] ms = r.deadTimeS();
    for (int i = 0; i < ms.length; i++) {
      ms[i] *= 1e3;
    }
    return "lag_s=" + list(r.lagS()) + ", dead_time_ms=" + list(ms) + ", max_velocity=" + list(r.maxVelocity());
  }

  private static String list(double[] v) {
    if (v.length == 1) {
      return fmt(v[0]);
    }
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      b.append(i == 0 ? "" : ", ").append(fmt(v[i]));
    }
    return b.append(']').toString();
  }

  private static boolean allFinite(double[] v) {
    for (double d : v) {
      if (!Double.isFinite(d)) {
        return false;
      }
    }
    return true;
  }

  static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
