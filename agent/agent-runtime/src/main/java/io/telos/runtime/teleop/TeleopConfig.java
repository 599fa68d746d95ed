package io.telos.runtime.teleop;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Teleoperation and handover settings ({@code teleop:} in a launch file). With the section present,
 * the triggers below default to on; without it they are all off ({@link #defaults()}).
 *
 * <pre>{@code
 * teleop:
 *   heartbeat_ms: 250        # deadman: no heartbeat from the lease holder this long -> protective stop
 *   jog_timeout_ms: 200      # a jog velocity not renewed this long decays to zero
 *   tool_speed_mps: 0.25     # Cartesian speed limit at the tool while an operator drives
 *   tool_turn_radps: 0.5     # angular speed limit of the tool
 *   joint_speed_scale: 0.25  # joint jog speed limit, as a fraction of each joint's velocity limit
 *   triggers:
 *     uncertainty: 0.05      # model uncertainty along the plan above this (sustained) -> handover; 0 = off
 *     stuck: true            # the planner's energy plateau -> handover
 *     infeasible_ms: 300     # no feasible plan for this long -> handover; 0 = off
 *     sustain_ms: 200        # uncertainty must stay above its threshold this long
 *     faults: [TRACKING_ERROR, SERVO_CRASH, ESTOP, STATE_STALE]  # fault codes that ask for an operator
 *   console: { ... }         # the web console's own settings (bridge-teleop)
 * }</pre>
 */
public record TeleopConfig(
    long heartbeatTimeoutNs,
    long jogTimeoutNs,
    double toolSpeedMps,
    double toolTurnRadps,
    double jointSpeedScale,
    double uncertaintyThreshold,
    boolean stuckTrigger,
    long infeasibleNs,
    long sustainNs,
    Set<String> faultCodes,
    Settings console) {
  public static final Set<String> KEYS =
      Set.of("heartbeat_ms", "jog_timeout_ms", "tool_speed_mps", "tool_turn_radps", "joint_speed_scale", "triggers",
          "console");
  public static final Set<String> TRIGGER_KEYS = Set.of("uncertainty", "stuck", "infeasible_ms", "sustain_ms", "faults");
  /** Faults that latch a protective stop and so need a person anyway; add STATE_STALE to be called for lost peers too. */
  public static final List<String> DEFAULT_FAULTS = List.of("TRACKING_ERROR", "SERVO_CRASH", "ESTOP", "LOCKSTEP_TIMEOUT");

  public TeleopConfig {
    faultCodes = Set.copyOf(faultCodes);
    if (heartbeatTimeoutNs <= 0 || jogTimeoutNs <= 0) {
      throw new IllegalArgumentException("teleop timeouts must be > 0");
    }
    if (!(toolSpeedMps > 0) || !(toolTurnRadps > 0) || !(jointSpeedScale > 0 && jointSpeedScale <= 1)) {
      throw new IllegalArgumentException("teleop speed limits must be > 0 (joint_speed_scale at most 1)");
    }
  }

  /**
   * Without a {@code teleop:} section: operators may still take the arm, but no trigger asks for one
   * (an unattended run must not stop and wait for nobody).
   */
  public static TeleopConfig defaults() {
    return new TeleopConfig(250_000_000L, 200_000_000L, 0.25, 0.5, 0.25, 0, false, 0, 200_000_000L, Set.of(),
        Settings.empty("teleop.console"));
  }

  /** Whether any trigger can raise a handover request. */
  public boolean triggersEnabled() {
    return stuckTrigger || infeasibleNs > 0 || uncertaintyThreshold > 0 || !faultCodes.isEmpty();
  }

  public static TeleopConfig from(Settings s) {
    s.requireOnly(KEYS);
    double beat = s.number("heartbeat_ms", 250, 10, 10_000);
    double jog = s.number("jog_timeout_ms", 200, 10, 10_000);
    double tool = s.number("tool_speed_mps", 0.25, 0.001, 2);
    double turn = s.number("tool_turn_radps", 0.5, 0.001, 10);
    double joint = s.number("joint_speed_scale", 0.25, 0.01, 1);
    Settings t = s.section("triggers").requireOnly(TRIGGER_KEYS);
    double unc = t.number("uncertainty", 0, 0, 1e6);
    boolean stuck = t.bool("stuck", true);
    double infeasible = t.number("infeasible_ms", 300, 0, 3_600_000);
    double sustain = t.number("sustain_ms", 200, 0, 3_600_000);
    Set<String> faults = new LinkedHashSet<>(DEFAULT_FAULTS);
    if (t.has("faults")) {
      Object raw = t.asMap().get("faults");
      if (!(raw instanceof List<?> l)) {
        throw new ConfigException(t.key("faults") + ": must be a list of fault codes, e.g. [STATE_STALE]");
      }
      faults.clear();
      for (Object o : l) {
        String code = String.valueOf(o);
        if (!code.matches("[A-Z][A-Z0-9_]*")) {
          throw new ConfigException(t.key("faults") + ": '" + code + "' is not a fault code (UPPER_SNAKE_CASE)");
        }
        faults.add(code);
      }
    }
    return new TeleopConfig((long) (beat * 1e6), (long) (jog * 1e6), tool, turn, joint, unc, stuck,
        (long) (infeasible * 1e6), (long) (sustain * 1e6), faults, s.section("console"));
  }
}
