package io.telos.runtime.safety;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import java.util.Set;

/**
 * Settings of the safety kernel ({@code safety:} in a launch file).
 *
 * @param rateHz servo rate (default 1000)
 * @param stateTimeoutNs a measured state older than this brings the arm to HOLD (default 50 ms)
 * @param planTimeoutNs without a plan newer than this the kernel makes a controlled stop (default 250 ms)
 * @param trackingErrorRad commanded-vs-measured error that triggers a protective stop (default 0.35)
 * @param spinUs in wall-clock mode, busy-wait this long before each deadline to cut jitter (default 20)
 * @param resumeAfterNs after a HOLD caused by a stale state, resume AUTONOMOUS once states have been
 *     fresh this long, unless someone else changed the mode meanwhile; 0 = stay in HOLD (default 500 ms)
 */
public record SafetyConfig(double rateHz, long stateTimeoutNs, long planTimeoutNs, double trackingErrorRad, long spinUs,
    long resumeAfterNs) {
  public static final Set<String> KEYS =
      Set.of("rate_hz", "state_timeout_ms", "plan_timeout_ms", "tracking_error_rad", "spin_us", "resume_after_ms");

  public SafetyConfig {
    if (!(rateHz >= 10 && rateHz <= 10_000)) {
      throw new IllegalArgumentException("safety.rate_hz must be in [10, 10000], was " + rateHz);
    }
    if (stateTimeoutNs <= 0 || planTimeoutNs <= 0) {
      throw new IllegalArgumentException("safety timeouts must be > 0");
    }
    if (resumeAfterNs < 0) {
      throw new IllegalArgumentException("safety.resume_after_ms must be >= 0");
    }
    if (!(trackingErrorRad > 0)) {
      throw new IllegalArgumentException("safety.tracking_error_rad must be > 0");
    }
  }

  public static SafetyConfig defaults() {
    return new SafetyConfig(1000, 50_000_000L, 250_000_000L, 0.35, 20, 500_000_000L);
  }

  public static SafetyConfig from(Settings s) {
    s.requireOnly(KEYS);
    double rate = s.number("rate_hz", 1000, 10, 10_000);
    double stateMs = s.number("state_timeout_ms", 50, 1, 10_000);
    double planMs = s.number("plan_timeout_ms", 250, 1, 10_000);
    double track = s.number("tracking_error_rad", 0.35, 1e-4, 10);
    long spin = s.integer("spin_us", 20, 0, 1000);
    double resumeMs = s.number("resume_after_ms", 500, 0, 3_600_000);
    if (stateMs * 1e6 < 1e9 / rate) {
      throw new ConfigException(s.key("state_timeout_ms")
          + ": must be at least one servo period (" + (1000 / rate) + " ms), was " + stateMs);
    }
    return new SafetyConfig(rate, (long) (stateMs * 1e6), (long) (planMs * 1e6), track, spin, (long) (resumeMs * 1e6));
  }

  public long periodNs() {
    return Math.round(1e9 / rateHz);
  }
}
