package io.telos.api;

/**
 * Simulated time, advanced explicitly by whoever steps the simulation. Reads are thread-safe;
 * exactly one thread advances it.
 */
public final class SimulatedClock implements Clock {
  private volatile long nowNs;

  public SimulatedClock() {
    this(0L);
  }

  public SimulatedClock(long startNs) {
    this.nowNs = startNs;
  }

  @Override
  public long nanos() {
    return nowNs;
  }

  @Override
  public boolean isSimulated() {
    return true;
  }

  /** Moves time forward by {@code deltaNs} (must be >= 0). */
  public void advance(long deltaNs) {
    if (deltaNs < 0) {
      throw new IllegalArgumentException("time cannot go backwards: " + deltaNs);
    }
    nowNs += deltaNs;
  }
}
