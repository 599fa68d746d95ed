package io.telos.memory;

import java.util.Locale;

/** How an episode ended. */
public enum Outcome {
  /** The goal was reached within tolerance. */
  REACHED,
  /** The goal ended without being reached (timeout, refusal, fault). */
  FAILED,
  /** The episode stopped before its goal ended: superseded, shut down, or cut off by a crash. */
  INCOMPLETE;

  /** Lower-case name, as stored and printed ({@code reached}, {@code failed}, {@code incomplete}). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@link #label()}. */
  public static Outcome ofLabel(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
