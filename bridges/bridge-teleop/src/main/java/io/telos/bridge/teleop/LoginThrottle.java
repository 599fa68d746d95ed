package io.telos.bridge.teleop;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: after {@link #FREE} failed logins from one address, or for one user
 * name, each further attempt must wait a delay that doubles with every failure (1 s, 2 s, 4 s, …,
 * at most {@link #MAX_DELAY_MS}); an attempt made during the wait is refused without the
 * credentials being looked at. A successful login clears its address and name. Thread-safe.
 */
public final class LoginThrottle {
  /** Failures allowed before delays begin. */
  static final int FREE = 3;
  static final long FIRST_DELAY_MS = 1_000;
  static final long MAX_DELAY_MS = 300_000;
  private static final int MAX_KEYS = 10_000;

  private record Failures(int count, long lastMs) {}

  private final Map<String, Failures> failures = new ConcurrentHashMap<>();

  /** Milliseconds the caller must still wait before an attempt is looked at; 0 when it may go ahead. */
  public long waitMs(String address, String user, long nowMs) {
    return Math.max(wait(key("addr", address), nowMs), wait(key("user", user), nowMs));
  }

  /** Records a failed attempt. */
  public void failed(String address, String user, long nowMs) {
    if (failures.size() >= MAX_KEYS) {
      prune(nowMs);
    }
    for (String k : new String[] {key("addr", address), key("user", user)}) {
      failures.merge(k, new Failures(1, nowMs), (a, b) -> new Failures(a.count() + 1, nowMs));
    }
  }

  /** Records a successful login: its address and name start afresh. */
  public void succeeded(String address, String user) {
    failures.remove(key("addr", address));
    failures.remove(key("user", user));
  }

  /** The delay owed after {@code count} failures. */
  static long delayMs(int count) {
    if (count < FREE) {
      return 0;
    }
    int doublings = Math.min(30, count - FREE);
    return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS << doublings);
  }

  private long wait(String key, long nowMs) {
    Failures f = failures.get(key);
    return f == null ? 0 : Math.max(0, f.lastMs() + delayMs(f.count()) - nowMs);
  }

  private void prune(long nowMs) {
    for (Iterator<Map.Entry<String, Failures>> it = failures.entrySet().iterator(); it.hasNext(); ) {
      Failures f = it.next().getValue();
      if (nowMs - f.lastMs() > MAX_DELAY_MS) {
        it.remove();
      }
    }
  }

  private static String key(String kind, String value) {
    return kind + ":" + (value == null ? "" : value);
  }
}
