package io.telos.planner;

import io.telos.api.config.Settings;
import io.telos.model.ActuatorResponse;
import io.telos.planner.internal.Check;
import io.telos.planner.internal.Check.Range;

/**
 * Latency compensation of the sampling planners: a plan is applied {@code latency_s} after the
 * observation it was made from, while the previous plan keeps moving the arm. Each plan therefore
 * starts from the measured state advanced by what the plan in flight predicts for that interval,
 * and its setpoints start at {@code stamp + latency_s}, so the new chunk begins where the arm will
 * be rather than where it was (the safety kernel blends from its current command into the first
 * setpoint).
 *
 * <p>Per call, the measured joint positions are compared with what the previously sent plan
 * predicted for the observation's stamp. Beyond {@code resync_rad} (the arm was held, pushed, or did
 * not follow) the plan in flight says nothing about the next instants and the planner plans from the
 * measurement alone, as on the first call.
 *
 * @param latencyS {@code latency_s}: expected time from the observation's stamp to the moment the
 *     safety kernel adopts the plan (perception delay + planning + hand-off), s
 * @param resyncRad {@code resync_rad}: largest joint deviation (rad or m) between prediction and
 *     measurement that still continues the previous plan; 0 turns continuity off
 */
public record Continuity(double latencyS, double resyncRad) {
  static final Range LATENCY = Range.closed(0, 0.5);
  static final Range RESYNC = Range.closed(0, 1);

  /** Off (plans start from the measurement); turn on with {@code resync_rad > 0}. */
  public static final Continuity DEFAULT = new Continuity(0.01, 0.0);

  /** Always plan from the measurement. */
  public static final Continuity OFF = new Continuity(0, 0);

  public Continuity {
    Check.number(MppiConfig.SECTION + ".latency_s", latencyS, LATENCY);
    Check.number(MppiConfig.SECTION + ".resync_rad", resyncRad, RESYNC);
  }

  /** Whether compensation is on. */
  public boolean enabled() {
    return resyncRad > 0;
  }

  /**
   * On for an arm that lags its command: its measured state trails the command by up to
   * {@code (τ + d)·v}, so planning from the measurement alone would restart every plan behind the
   * command and creep; the planner continues from the commands it sent instead, and resyncs only
   * when the arm deviates from the predicted response by more than {@value #LAGGED_RESYNC_RAD} rad.
   */
  public static final Continuity LAGGED = new Continuity(0.01, Continuity.LAGGED_RESYNC_RAD);

  /** Deviation from the predicted response beyond which a lagging arm's plan restarts, rad. */
  public static final double LAGGED_RESYNC_RAD = 0.2;

  /** The default for an arm with {@code response}: {@link #DEFAULT} if ideal, else {@link #LAGGED}. */
  public static Continuity defaults(ActuatorResponse response) {
    return response.isIdeal() ? DEFAULT : LAGGED;
  }

  /** Reads {@code latency_s} and {@code resync_rad} of the planner section (defaults otherwise). */
  public static Continuity from(Settings s) {
    return from(s, DEFAULT);
  }

  /**
   * Reads {@code latency_s} and {@code resync_rad} of the planner section, with the defaults for
   * an arm with {@code response} ({@link #defaults(ActuatorResponse)}).
   */
  public static Continuity from(Settings s, ActuatorResponse response) {
    return from(s, defaults(response));
  }

  private static Continuity from(Settings s, Continuity d) {
    return new Continuity(Check.readNumber(s, "latency_s", d.latencyS(), LATENCY),
        Check.readNumber(s, "resync_rad", d.resyncRad(), RESYNC));
  }
}
