package io.telos.memory;

import java.util.List;
import org.slf4j.Logger;

/** What every store does to tell its listeners: a listener that throws is logged, never the store's problem. */
public final class StoreListeners {
  private StoreListeners() {}

  /** Hands committed steps to the listeners (an unmodifiable copy; nothing when there are no listeners). */
  public static void committed(List<StoreListener> listeners, List<StepRecord> stored, Logger log, String component) {
    if (listeners.isEmpty()) {
      return;
    }
    List<StepRecord> done = List.copyOf(stored);
    for (StoreListener l : listeners) {
      try {
        l.onCommitted(done);
      } catch (RuntimeException e) {
        log.warn("component={} event=listener_failed reason=\"{}\"", component, e.toString());
      }
    }
  }
}
