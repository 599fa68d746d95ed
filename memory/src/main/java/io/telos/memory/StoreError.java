package io.telos.memory;

import java.util.Objects;

/**
 * A storage failure, reported to {@link StoreListener}s instead of being thrown into callers.
 *
 * @param kind what failed
 * @param message a sentence for people: the store's location, what failed and what it means for
 *     the recording
 * @param cause the underlying exception, or null
 */
public record StoreError(Kind kind, String message, Throwable cause) {
  public enum Kind {
    /** The store could not be opened (missing or unwritable directory, locked by another process,
     *  not a Telos store). Nothing is recorded until it is opened again. */
    OPEN_FAILED,
    /** A group commit failed (disk full, I/O error, database locked). Steps are counted as gaps
     *  until a commit succeeds; episode starts and ends are retried. */
    WRITE_FAILED
  }

  public StoreError {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }

  /** A stable code for a fault record: {@code MEMORY_OPEN_FAILED} or {@code MEMORY_WRITE_FAILED}. */
  public String code() {
    return "MEMORY_" + kind.name();
  }
}
