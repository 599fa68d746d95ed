package io.telos.bridge.common;

import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls listeners one after the other; one that throws is logged and does not stop the others. */
public final class Listeners {
  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

  private Listeners() {}

  /**
   * Passes {@code value} to each listener.
   *
   * @param component the caller's component id, for the log line of a failing listener
   * @param event the log event of a failing listener, e.g. {@code estop_listener_failed}
   */
  public static <T> void fire(List<Consumer<T>> listeners, T value, String component, String event) {
    for (Consumer<T> l : listeners) {
      try {
        l.accept(value);
      } catch (RuntimeException e) {
        LOG.warn("component={} event={}", component, event, e);
      }
    }
  }
}
