package io.telos.runtime.safety;

import io.telos.api.Clock;
import io.telos.api.Header;
import io.telos.api.Mode;
import io.telos.api.ModeChange;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Decides who drives the arm. Thread-safe: the servo thread (faults) and the event loop (requests)
 * both call it. Every accepted transition produces one {@link ModeChange} for the listener.
 *
 * <p>Rules: AUTONOMOUS and HOLD switch freely; anything may go to PROTECTIVE_STOP; PROTECTIVE_STOP
 * is latched and only {@link #reset(String)} leaves it (to HOLD).
 */
public final class ModeArbiter {
  private final String source;
  private final Clock clock;
  private final Consumer<ModeChange> listener;
  private volatile Mode mode;
  private long sequence;

  public ModeArbiter(String robotId, Clock clock, Mode initial, Consumer<ModeChange> listener) {
    this.source = "arbiter/" + robotId;
    this.clock = Objects.requireNonNull(clock);
    this.mode = Objects.requireNonNull(initial);
    this.listener = Objects.requireNonNull(listener);
  }

  /** The current mode (a volatile read, cheap on the servo thread). */
  public Mode mode() {
    return mode;
  }

  /** Requests a transition; returns whether it was accepted. */
  public boolean request(Mode to, String reason) {
    ModeChange change;
    synchronized (this) {
      Mode from = mode;
      if (from == to) {
        return true;
      }
      if (from == Mode.PROTECTIVE_STOP) {
        return false;
      }
      mode = to;
      change = new ModeChange(new Header(sequence++, clock.nanos(), source, ""), from, to, reason);
    }
    listener.accept(change);
    return true;
  }

  /** Number of accepted transitions so far; lets a caller tell whether anyone changed the mode since. */
  public synchronized long transitions() {
    return sequence;
  }

  /** Latches a protective stop. */
  public void protectiveStop(String reason) {
    request(Mode.PROTECTIVE_STOP, reason);
  }

  /** Clears a protective stop into HOLD; the only way out of PROTECTIVE_STOP. */
  public boolean reset(String reason) {
    ModeChange change;
    synchronized (this) {
      if (mode != Mode.PROTECTIVE_STOP) {
        return false;
      }
      mode = Mode.HOLD;
      change = new ModeChange(new Header(sequence++, clock.nanos(), source, ""), Mode.PROTECTIVE_STOP, Mode.HOLD, reason);
    }
    listener.accept(change);
    return true;
  }
}
