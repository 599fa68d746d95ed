package io.telos.bridge.ros2;

import java.util.function.BooleanSupplier;

final class Await {
  private Await() {}

  static boolean until(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
    long end = System.nanoTime() + timeoutMs * 1_000_000L;
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(5);
    }
    return condition.getAsBoolean();
  }

  /** Like {@link #until} but without sleeping, for latency measurements. */
  static boolean spinUntil(BooleanSupplier condition, long timeoutMs) {
    long end = System.nanoTime() + timeoutMs * 1_000_000L;
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.onSpinWait();
    }
    return condition.getAsBoolean();
  }
}
