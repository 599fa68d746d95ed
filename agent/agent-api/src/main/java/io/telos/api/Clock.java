package io.telos.api;

/**
 * The one source of time. Components never read the system clock themselves: the runtime injects
 * either {@link WallClock} or {@link SimulatedClock} (lock-step simulation).
 */
public interface Clock {
  /** Monotonic time in nanoseconds. Only differences are meaningful. */
  long nanos();

  /** True when time advances only when the runtime steps it. */
  default boolean isSimulated() {
    return false;
  }
}
