package io.telos.api;

import java.util.Objects;

/**
 * The control lease changed hands: taken, released, or revoked (deadman, protective stop).
 *
 * @param holder the new holder, empty when the lease is free
 * @param previous the previous holder, empty when it was free
 * @param reason why
 */
public record LeaseChange(Header header, String holder, String previous, String reason) implements Message {
  public LeaseChange {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(holder, "holder");
    Objects.requireNonNull(previous, "previous");
    Objects.requireNonNull(reason, "reason");
  }
}
