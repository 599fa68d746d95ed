package io.telos.bridge.common;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounting of the input a bridge refuses (a malformed state, an unknown joint, a non-finite
 * value): every refusal is counted and remembered, and the 1st, 2nd, 4th, 8th… of each kind is
 * logged and passed to the listeners (the runtime turns them into faults), so a robot that sends
 * garbage a thousand times a second is reported, not flooding the logs. Thread-safe; listeners run
 * on the transport's thread and must not block.
 */
public final class Rejections {
  private static final Logger LOG = LoggerFactory.getLogger(Rejections.class);

  private final String component;
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

  /** One kind of refused input, e.g. {@code state}. */
  public final class Kind {
    private final String name;
    private long count;
    private volatile long total;
    private volatile long lastNs = Long.MIN_VALUE;
    private volatile String last;

    private Kind(String name) {
      this.name = name;
    }

    /** Counts a refusal at {@code nowNs} for {@code why}; reports the 1st, 2nd, 4th… */
    public void refuse(long nowNs, String why) {
      long n;
      synchronized (this) {
        // the reason before the count: whoever sees the new count sees its reason
        last = why;
        lastNs = nowNs;
        n = ++count;
        total = n;
      }
      if (Long.bitCount(n) == 1) {
        LOG.warn("component={} event={}_rejected count={} reason=\"{}\"", component, name, n, why);
        report(name + " #" + n + " refused: " + why);
      }
    }

    /** Refusals so far. */
    public long count() {
      return total;
    }

    /** Why the last one was refused, or null. */
    public String last() {
      return last;
    }

    /** True when the last refusal is less than {@code windowNs} before {@code nowNs}. */
    public boolean recent(long nowNs, long windowNs) {
      long t = lastNs;
      return t != Long.MIN_VALUE && nowNs - t < windowNs;
    }
  }

  /** @param component the bridge's component id, for logs */
  public Rejections(String component) {
    this.component = Objects.requireNonNull(component, "component");
  }

  /** A new kind of refused input, reported as {@code <name> #<n> refused: <why>}. */
  public Kind kind(String name) {
    return new Kind(Objects.requireNonNull(name, "name"));
  }

  /** Called with each reported refusal. */
  public void onReported(Consumer<String> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  private void report(String reason) {
    Listeners.fire(listeners, reason, component, "reject_listener_failed");
  }
}
