package io.telos.runtime.teleop;

import java.util.Objects;

/**
 * Exactly one operator holds control at a time. Thread-safe; the deadman reads the last heartbeat
 * from the servo thread without locking.
 */
public final class ControlLease {
  /** Result of {@link #take}: {@code holder} is who holds the lease afterwards. */
  public record Grant(boolean granted, String holder) {}

  private String holder = "";
  private volatile long lastBeatNs = Long.MIN_VALUE;
  private volatile boolean held;

  /** Takes the lease for {@code operator} unless someone else holds it; idempotent for the holder. */
  public synchronized Grant take(String operator, long nowNs) {
    Objects.requireNonNull(operator);
    if (operator.isEmpty()) {
      throw new IllegalArgumentException("operator name is empty");
    }
    if (!holder.isEmpty() && !holder.equals(operator)) {
      return new Grant(false, holder);
    }
    holder = operator;
    lastBeatNs = nowNs;
    held = true;
    return new Grant(true, holder);
  }

  /** Renews the deadman for the holder; false for anyone else. */
  public synchronized boolean heartbeat(String operator, long nowNs) {
    if (!holder.equals(operator) || holder.isEmpty()) {
      return false;
    }
    lastBeatNs = nowNs;
    return true;
  }

  /** Gives the lease back; false if {@code operator} does not hold it. */
  public synchronized boolean release(String operator) {
    if (holder.isEmpty() || !holder.equals(operator)) {
      return false;
    }
    holder = "";
    held = false;
    return true;
  }

  /** Takes the lease away from whoever holds it (deadman, protective stop); returns who held it, or empty. */
  public synchronized String revoke() {
    String was = holder;
    holder = "";
    held = false;
    return was;
  }

  public synchronized String holder() {
    return holder;
  }

  public synchronized boolean holds(String operator) {
    return !holder.isEmpty() && holder.equals(operator);
  }

  /** Whether the lease is held and its heartbeat is younger than {@code timeoutNs}; lock-free. */
  public boolean alive(long nowNs, long timeoutNs) {
    return held && nowNs - lastBeatNs <= timeoutNs;
  }

  /** Stamp of the holder's last heartbeat (Long.MIN_VALUE before any). */
  public long lastBeatNs() {
    return lastBeatNs;
  }
}
