package io.telos.api;

import java.util.Objects;

/** A transition of the mode arbiter, with its reason. */
public record ModeChange(Header header, Mode from, Mode to, String reason) implements Message {
  public ModeChange {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(reason, "reason");
  }
}
