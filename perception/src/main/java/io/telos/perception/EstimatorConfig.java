package io.telos.perception;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Settings of the joint-state estimator ({@code perception:} in a launch file, after the runtime
 * has taken its own {@code rate_hz}).
 *
 * @param velocityFilterAlpha weight of a new velocity sample in the first-order low-pass filter
 *     {@code v = alpha * sample + (1 - alpha) * v}, in (0, 1]; 1 (the default) passes samples through
 */
public record EstimatorConfig(double velocityFilterAlpha) {
  /** The launch-file section these settings live in; errors name keys as {@code perception.<key>}. */
  public static final String SECTION = "perception";

  public static final String VELOCITY_FILTER_ALPHA = "velocity_filter_alpha";

  /** Every key {@link #fromMap(Map)} accepts. */
  public static final Set<String> KEYS = Set.of(VELOCITY_FILTER_ALPHA);

  public EstimatorConfig {
    if (!(velocityFilterAlpha > 0 && velocityFilterAlpha <= 1)) {
      throw new IllegalArgumentException(key(VELOCITY_FILTER_ALPHA) + ": must be a number in (0, 1], was "
          + velocityFilterAlpha);
    }
  }

  /** Pass-through velocity (alpha = 1). */
  public static EstimatorConfig defaults() {
    return new EstimatorConfig(1.0);
  }

  /**
   * Reads the settings from a launch-file map; absent keys take their defaults and a null map means
   * all defaults.
   *
   * @throws IllegalArgumentException for an unknown key (the message lists the allowed ones) or a
   *     value of the wrong type or out of range (the message names the key)
   */
  public static EstimatorConfig fromMap(Map<String, ?> values) {
    if (values == null || values.isEmpty()) {
      return defaults();
    }
    for (Object k : values.keySet()) {
      if (!KEYS.contains(k)) {
        throw new IllegalArgumentException(key(String.valueOf(k)) + ": unknown key (allowed: "
            + String.join(", ", new TreeSet<>(KEYS)) + ")");
      }
    }
    double alpha = defaults().velocityFilterAlpha();
    Object v = values.get(VELOCITY_FILTER_ALPHA);
    if (v != null) {
      if (!(v instanceof Number n) || !(n.doubleValue() > 0 && n.doubleValue() <= 1)) {
        throw new IllegalArgumentException(key(VELOCITY_FILTER_ALPHA) + ": must be a number in (0, 1], was "
            + (v instanceof String s ? "'" + s + "'" : v));
      }
      alpha = n.doubleValue();
    }
    return new EstimatorConfig(alpha);
  }

  private static String key(String k) {
    return SECTION + "." + k;
  }
}
