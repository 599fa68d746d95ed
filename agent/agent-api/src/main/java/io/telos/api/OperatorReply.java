package io.telos.api;

import java.util.Objects;

/**
 * The agent's answer to an {@link OperatorCommand}.
 *
 * @param accepted whether the command took effect
 * @param mode the arbiter's mode after the command
 * @param holder who holds the control lease now (empty when nobody)
 * @param message why a command was refused, or what happened
 */
public record OperatorReply(boolean accepted, Mode mode, String holder, String message) {
  public OperatorReply {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(holder, "holder");
    Objects.requireNonNull(message, "message");
  }
}
