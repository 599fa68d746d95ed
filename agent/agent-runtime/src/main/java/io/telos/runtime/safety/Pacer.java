package io.telos.runtime.safety;

import java.util.concurrent.locks.LockSupport;

/**
 * Paces a periodic loop on wall time: parks until shortly before each deadline, then spins the
 * last {@code spinNs} to cut wake-up jitter. Never bursts to catch up after a long stall.
 */
public final class Pacer {
  private final long periodNs;
  private final long spinNs;
  private long next;

  public Pacer(long periodNs, long spinNs) {
    this.periodNs = periodNs;
    this.spinNs = spinNs;
    this.next = System.nanoTime();
  }

  /** Waits for the next period boundary. */
  public void await() {
    next += periodNs;
    if (System.nanoTime() - next > 10 * periodNs) {
      next = System.nanoTime(); // fell far behind (e.g. a GC pause): do not burst to catch up
    }
    long left = next - System.nanoTime();
    if (left > spinNs) {
      LockSupport.parkNanos(left - spinNs);
    }
    while (System.nanoTime() < next) {
      Thread.onSpinWait();
    }
  }
}
