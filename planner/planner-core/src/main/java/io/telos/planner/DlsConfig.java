package io.telos.planner;

import io.telos.api.config.Settings;
import io.telos.planner.cost.CostConfig;
import io.telos.planner.cost.GuardrailConfig;
import io.telos.planner.internal.Check;
import io.telos.planner.internal.Check.Range;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of the damped-least-squares baseline ({@code planner:} with {@code type: dls}).
 *
 * @param horizon {@code horizon}: setpoints per plan (the plan covers {@code horizon * dt_s})
 * @param dtS {@code dt_s}: spacing of the setpoints, seconds
 * @param gain {@code gain}: proportional gain on the task error, 1/s
 * @param damping {@code damping}: damping of the least-squares solve (m); larger is steadier near
 *     singularities and slower
 * @param maxSpeed {@code max_speed}: cap on the commanded end-effector speed (m/s), or on the
 *     joint-space speed (rad/s) for joint targets
 * @param nullSpaceGain {@code null_space_gain}: pull toward the middle of the joint ranges in the
 *     Jacobian's null space, 1/s (0 turns it off)
 * @param ikRestarts {@code ik_restarts}: for a position target, solve inverse kinematics once per
 *     goal (from the current configuration and this many seeded random ones, keeping the solution
 *     quickest to reach) and move in joint space toward it while far from the target; 0 steps in
 *     task space only (pure local DLS, which can stall at joint limits)
 * @param blendDistanceM {@code blend_distance_m}: task error below which the command blends
 *     (quadratically) from joint space into task-space DLS
 * @param velocityScale {@code velocity_scale}: fraction of the arm's velocity limits the planner may command
 * @param costs task cost weights ({@code costs:}), used to report the plan's energy
 * @param guardrails guardrails ({@code guardrails:}): the energy report, and the workspace box the
 *     target is clamped into
 */
public record DlsConfig(
    int horizon,
    double dtS,
    double gain,
    double damping,
    double maxSpeed,
    double nullSpaceGain,
    int ikRestarts,
    double blendDistanceM,
    double velocityScale,
    CostConfig costs,
    GuardrailConfig guardrails) {
  static final Set<String> KEYS = Set.of("type", "horizon", "dt_s", "gain", "damping", "max_speed", "null_space_gain",
      "ik_restarts", "blend_distance_m", "velocity_scale", "costs", "guardrails");
  static final Range GAIN = Range.openClosed(0, 50);
  static final Range DAMPING = Range.closed(0, 1);
  static final Range MAX_SPEED = Range.openClosed(0, 10);
  static final Range NULL_GAIN = Range.closed(0, 10);
  static final Range BLEND = Range.openClosed(0, 10);
  static final int MAX_RESTARTS = 256;

  public DlsConfig {
    Check.integer(key("horizon"), horizon, 1, MppiConfig.MAX_HORIZON);
    Check.number(key("dt_s"), dtS, MppiConfig.DT);
    Check.number(key("gain"), gain, GAIN);
    Check.number(key("damping"), damping, DAMPING);
    Check.number(key("max_speed"), maxSpeed, MAX_SPEED);
    Check.number(key("null_space_gain"), nullSpaceGain, NULL_GAIN);
    Check.integer(key("ik_restarts"), ikRestarts, 0, MAX_RESTARTS);
    Check.number(key("blend_distance_m"), blendDistanceM, BLEND);
    Check.number(key("velocity_scale"), velocityScale, MppiConfig.VELOCITY_SCALE);
    Objects.requireNonNull(costs, "costs");
    Objects.requireNonNull(guardrails, "guardrails");
  }

  /**
   * The defaults: 10 setpoints 0.05 s apart, gain 3/s, damping 0.04 m, end-effector speed at most
   * 0.6 m/s, null-space gain 0.3/s, 16 IK restarts, blend distance 0.1 m, velocity scale 0.9.
   */
  public static DlsConfig defaults() {
    return new DlsConfig(10, 0.05, 3.0, 0.04, 0.6, 0.3, 16, 0.1, 0.9, CostConfig.defaults(), GuardrailConfig.defaults());
  }

  /** Reads the {@code planner} section (with {@code type: dls}); absent keys take their defaults. */
  public static DlsConfig from(Settings s) {
    s.requireOnly(KEYS);
    DlsConfig d = defaults();
    return new DlsConfig(
        Check.readInt(s, "horizon", d.horizon(), 1, MppiConfig.MAX_HORIZON),
        Check.readNumber(s, "dt_s", d.dtS(), MppiConfig.DT),
        Check.readNumber(s, "gain", d.gain(), GAIN),
        Check.readNumber(s, "damping", d.damping(), DAMPING),
        Check.readNumber(s, "max_speed", d.maxSpeed(), MAX_SPEED),
        Check.readNumber(s, "null_space_gain", d.nullSpaceGain(), NULL_GAIN),
        Check.readInt(s, "ik_restarts", d.ikRestarts(), 0, MAX_RESTARTS),
        Check.readNumber(s, "blend_distance_m", d.blendDistanceM(), BLEND),
        Check.readNumber(s, "velocity_scale", d.velocityScale(), MppiConfig.VELOCITY_SCALE),
        CostConfig.from(s.section("costs")),
        GuardrailConfig.from(s.section("guardrails")));
  }

  private static String key(String k) {
    return MppiConfig.SECTION + "." + k;
  }
}
