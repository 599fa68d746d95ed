package io.telos.planner;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.planner.cost.CostConfig;
import io.telos.planner.cost.GuardrailConfig;
import io.telos.planner.internal.Check.Range;
import io.telos.planner.internal.Check;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of the sampling planners ({@code planner:} with {@code type: mppi} or {@code type: cem}).
 * The constructor validates every value and names the launch-file key in its message.
 *
 * @param method {@code type}: {@link Method#MPPI} or {@link Method#CEM}
 * @param samples {@code samples}: sampled action sequences per iteration, K
 * @param horizon {@code horizon}: model steps per sequence, H (the plan covers {@code H * dt_s})
 * @param iterations {@code iterations}: sampling rounds per planning call, I
 * @param dtS {@code dt_s}: model step and spacing of the plan's setpoints, seconds
 * @param noise {@code noise}: standard deviation of the action noise far from the target, as a
 *     fraction of each joint's velocity limit
 * @param noiseMin {@code noise_min}: the smallest noise, as a fraction of {@code noise}, reached at
 *     the target
 * @param annealDistance {@code anneal_distance_m}: end-effector distance (m) below which the noise
 *     shrinks in proportion, for position targets
 * @param annealDistanceRad {@code anneal_distance_rad}: the same for joint targets, as a joint-space
 *     distance (rad)
 * @param noiseSmoothing {@code noise_smoothing}: correlation of the noise between consecutive steps
 *     (0 = white noise)
 * @param temperature {@code temperature}: MPPI temperature relative to the spread of the sampled
 *     energies (median minus best); smaller is greedier. MPPI only
 * @param eliteFraction {@code elite_fraction}: share of samples that refit the distribution. CEM only
 * @param velocityScale {@code velocity_scale}: fraction of the arm's velocity limits the planner
 *     may command, leaving headroom for the safety kernel
 * @param seed seed of the noise generator (from the launch file's {@code seed}, not a planner key)
 * @param costs task cost weights ({@code costs:})
 * @param guardrails guardrail costs ({@code guardrails:})
 * @param stuckWindowS {@code stuck_window_s}: observation time without progress after which
 *     {@link PlanDiagnostics#stuck()} is raised, s
 * @param stuckProgress {@code stuck_progress}: the least drop of the task error (m, or rad for joint
 *     targets) that counts as progress
 */
public record MppiConfig(
    Method method,
    int samples,
    int horizon,
    int iterations,
    double dtS,
    double noise,
    double noiseMin,
    double annealDistance,
    double annealDistanceRad,
    double noiseSmoothing,
    double temperature,
    double eliteFraction,
    double velocityScale,
    long seed,
    CostConfig costs,
    GuardrailConfig guardrails,
    double stuckWindowS,
    double stuckProgress) {

  /** The two sampling schemes. */
  public enum Method {
    /** Model-predictive path integral: exponentially weighted average of all samples. */
    MPPI,
    /** Cross-entropy method: refits mean and spread to the best samples each iteration. */
    CEM
  }

  /** Launch-file section; errors name keys as {@code planner.<key>}. */
  public static final String SECTION = "planner";

  static final Range DT = Range.closed(0.005, 0.5);
  static final Range NOISE = Range.openClosed(0, 2);
  static final Range NOISE_MIN = Range.closed(0, 1);
  static final Range ANNEAL = Range.openClosed(0, 10);
  static final Range SMOOTHING = Range.closed(0, 0.99);
  static final Range TEMPERATURE = Range.closed(0.001, 100);
  static final Range ELITE = Range.openClosed(0, 0.5);
  static final Range VELOCITY_SCALE = Range.openClosed(0, 1);
  static final Range STUCK_WINDOW = Range.closed(0.05, 60);
  static final Range STUCK_PROGRESS = Range.closed(0, 1);
  /** Default {@code stuck_window_s}. */
  public static final double DEFAULT_STUCK_WINDOW_S = 1.5;
  /** Default {@code stuck_progress}. */
  public static final double DEFAULT_STUCK_PROGRESS = 0.005;
  static final int MIN_SAMPLES = 8;
  static final int MAX_SAMPLES = 4096;
  static final int MAX_HORIZON = 200;
  static final int MAX_ITERATIONS = 20;

  /** Keys both methods accept, besides {@code costs}, {@code guardrails} and {@code world_model}. */
  static final Set<String> COMMON_KEYS = Set.of("samples", "horizon", "iterations", "dt_s", "noise", "noise_min",
      "anneal_distance_m", "anneal_distance_rad", "noise_smoothing", "velocity_scale", "stuck_window_s", "stuck_progress",
      "latency_s", "resync_rad"); // the last two are read by Continuity

  public MppiConfig {
    Objects.requireNonNull(method, "method");
    Check.integer(key("samples"), samples, MIN_SAMPLES, MAX_SAMPLES);
    Check.integer(key("horizon"), horizon, 2, MAX_HORIZON);
    Check.integer(key("iterations"), iterations, 1, MAX_ITERATIONS);
    Check.number(key("dt_s"), dtS, DT);
    Check.number(key("noise"), noise, NOISE);
    Check.number(key("noise_min"), noiseMin, NOISE_MIN);
    Check.number(key("anneal_distance_m"), annealDistance, ANNEAL);
    Check.number(key("anneal_distance_rad"), annealDistanceRad, ANNEAL);
    Check.number(key("noise_smoothing"), noiseSmoothing, SMOOTHING);
    Check.number(key("temperature"), temperature, TEMPERATURE);
    Check.number(key("elite_fraction"), eliteFraction, ELITE);
    Check.number(key("velocity_scale"), velocityScale, VELOCITY_SCALE);
    Objects.requireNonNull(costs, "costs");
    Objects.requireNonNull(guardrails, "guardrails");
    if (method == Method.CEM && Math.round(eliteFraction * samples) < 2) {
      throw new ConfigException(key("elite_fraction") + ": must keep at least 2 of the " + samples
          + " samples, was " + eliteFraction);
    }
    Check.number(key("stuck_window_s"), stuckWindowS, STUCK_WINDOW);
    Check.number(key("stuck_progress"), stuckProgress, STUCK_PROGRESS);
  }

  /** Settings with the default stuck detection. */
  public MppiConfig(Method method, int samples, int horizon, int iterations, double dtS, double noise, double noiseMin,
      double annealDistance, double annealDistanceRad, double noiseSmoothing, double temperature, double eliteFraction,
      double velocityScale, long seed, CostConfig costs, GuardrailConfig guardrails) {
    this(method, samples, horizon, iterations, dtS, noise, noiseMin, annealDistance, annealDistanceRad, noiseSmoothing,
        temperature, eliteFraction, velocityScale, seed, costs, guardrails, DEFAULT_STUCK_WINDOW_S,
        DEFAULT_STUCK_PROGRESS);
  }

  /** The defaults for MPPI. */
  public static MppiConfig defaults() {
    return defaults(Method.MPPI);
  }

  /**
   * The defaults: K = 256 samples, H = 12 steps of 0.05 s (a 0.6 s plan), I = 2 iterations, noise
   * 0.4 of the velocity limits annealed to 5 % of that within 0.15 m of a position target (0.6 rad
   * of a joint target), noise smoothing
   * 0.5, temperature 0.2, elite fraction 0.1, velocity scale 0.9, seed 0.
   */
  public static MppiConfig defaults(Method method) {
    return new MppiConfig(method, 256, 12, method == Method.CEM ? 3 : 2, 0.05, 0.4, 0.05, 0.15, 0.6, 0.5, 0.2, 0.1, 0.9, 0L,
        CostConfig.defaults(), GuardrailConfig.defaults());
  }

  /**
   * Reads the {@code planner} section for {@code method}. Keys handled by the caller
   * ({@code type}, {@code world_model}) must already be accepted by it; every other key must be one
   * of this method's.
   */
  public static MppiConfig from(Settings s, Method method, long seed) {
    Set<String> allowed = new HashSet<>(COMMON_KEYS);
    allowed.addAll(Set.of("type", "world_model", "contact_model", "costs", "guardrails"));
    allowed.add(method == Method.MPPI ? "temperature" : "elite_fraction");
    s.requireOnly(allowed);
    MppiConfig d = defaults(method);
    int samples = Check.readInt(s, "samples", d.samples(), MIN_SAMPLES, MAX_SAMPLES);
    return new MppiConfig(
        method,
        samples,
        Check.readInt(s, "horizon", d.horizon(), 2, MAX_HORIZON),
        Check.readInt(s, "iterations", d.iterations(), 1, MAX_ITERATIONS),
        Check.readNumber(s, "dt_s", d.dtS(), DT),
        Check.readNumber(s, "noise", d.noise(), NOISE),
        Check.readNumber(s, "noise_min", d.noiseMin(), NOISE_MIN),
        Check.readNumber(s, "anneal_distance_m", d.annealDistance(), ANNEAL),
        Check.readNumber(s, "anneal_distance_rad", d.annealDistanceRad(), ANNEAL),
        Check.readNumber(s, "noise_smoothing", d.noiseSmoothing(), SMOOTHING),
        Check.readNumber(s, "temperature", d.temperature(), TEMPERATURE),
        Check.readNumber(s, "elite_fraction", d.eliteFraction(), ELITE),
        Check.readNumber(s, "velocity_scale", d.velocityScale(), VELOCITY_SCALE),
        seed,
        CostConfig.from(s.section("costs")),
        GuardrailConfig.from(s.section("guardrails")),
        Check.readNumber(s, "stuck_window_s", d.stuckWindowS(), STUCK_WINDOW),
        Check.readNumber(s, "stuck_progress", d.stuckProgress(), STUCK_PROGRESS));
  }

  /** The same settings with another seed. */
  public MppiConfig withSeed(long newSeed) {
    return new MppiConfig(method, samples, horizon, iterations, dtS, noise, noiseMin, annealDistance, annealDistanceRad,
        noiseSmoothing, temperature, eliteFraction, velocityScale, newSeed, costs, guardrails, stuckWindowS,
        stuckProgress);
  }

  /** The same settings with another sample count, horizon and iteration count. */
  public MppiConfig withBudget(int newSamples, int newHorizon, int newIterations) {
    return new MppiConfig(method, newSamples, newHorizon, newIterations, dtS, noise, noiseMin, annealDistance,
        annealDistanceRad, noiseSmoothing, temperature, eliteFraction, velocityScale, seed, costs, guardrails,
        stuckWindowS, stuckProgress);
  }

  /** The same settings with other guardrails. */
  public MppiConfig withGuardrails(GuardrailConfig newGuardrails) {
    return new MppiConfig(method, samples, horizon, iterations, dtS, noise, noiseMin, annealDistance,
        annealDistanceRad, noiseSmoothing, temperature, eliteFraction, velocityScale, seed, costs, newGuardrails,
        stuckWindowS, stuckProgress);
  }

  private static String key(String k) {
    return SECTION + "." + k;
  }
}
