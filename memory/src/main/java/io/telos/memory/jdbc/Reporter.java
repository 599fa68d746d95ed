package io.telos.memory.jdbc;

import io.telos.memory.StepRecord;
import io.telos.memory.StoreError;
import io.telos.memory.StoreListener;
import io.telos.memory.StoreListeners;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;

/**
 * A store's listeners and its current failure: a failure is reported once, to the listeners then
 * present and to each one added later, until a commit succeeds again. A listener that throws is
 * logged, never the store's problem.
 */
final class Reporter {
  private final List<StoreListener> listeners = new CopyOnWriteArrayList<>();
  private final Logger log;
  private final String component;
  private volatile StoreError failure;

  Reporter(Logger log, String component) {
    this.log = log;
    this.component = component;
  }

  void add(StoreListener listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    StoreError f = failure;
    if (f != null) {
      tell(listener, f);
    }
  }

  void remove(StoreListener listener) {
    listeners.remove(listener);
  }

  Optional<StoreError> failure() {
    return Optional.ofNullable(failure);
  }

  /** The current failure, or null. */
  StoreError current() {
    return failure;
  }

  /** Whether the current failure is a failing write (rather than none, or a failed open). */
  boolean writeFailing() {
    StoreError f = failure;
    return f != null && f.kind() == StoreError.Kind.WRITE_FAILED;
  }

  /** Makes {@code error} the current failure and tells every listener. */
  void report(StoreError error) {
    failure = error;
    for (StoreListener l : listeners) {
      tell(l, error);
    }
  }

  /** Clears a failed write and tells the listeners how many steps it cost. */
  void recovered(long lost) {
    failure = null;
    for (StoreListener l : listeners) {
      try {
        l.onRecovered(lost);
      } catch (RuntimeException e) {
        log.warn("component={} event=listener_failed reason=\"{}\"", component, e.toString());
      }
    }
  }

  /** Hands the committed steps to the listeners (duplicates, which were not stored, left out). */
  void committed(List<StepRecord> stored) {
    StoreListeners.committed(listeners, stored, log, component);
  }

  private void tell(StoreListener l, StoreError error) {
    try {
      l.onError(error);
    } catch (RuntimeException e) {
      log.warn("component={} event=listener_failed reason=\"{}\"", component, e.toString());
    }
  }
}
