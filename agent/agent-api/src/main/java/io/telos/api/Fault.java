package io.telos.api;

import java.util.Objects;

/**
 * A fault, reported as a record on the bus rather than an exception thrown across it.
 *
 * @param code stable machine-readable code, e.g. {@code STATE_STALE}, {@code BAD_COMMAND}
 */
public record Fault(Header header, Severity severity, String code, String message) implements Message {
  public enum Severity {
    /** Informational: something was corrected (e.g. a clamped setpoint). */
    WARNING,
    /** The arm was brought to HOLD. */
    ERROR,
    /** The arm was brought to PROTECTIVE_STOP. */
    CRITICAL
  }

  public Fault {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }
}
