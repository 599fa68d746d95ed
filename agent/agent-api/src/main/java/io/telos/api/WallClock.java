package io.telos.api;

/** Monotonic wall time ({@link System#nanoTime()}). */
public final class WallClock implements Clock {
  public static final WallClock INSTANCE = new WallClock();

  private WallClock() {}

  @Override
  public long nanos() {
    return System.nanoTime();
  }
}
