package io.telos.api;

import java.util.Objects;

/**
 * Common header of every message.
 *
 * @param sequence per-source sequence number, starting at 0
 * @param stampNs monotonic stamp from the injected {@link Clock}, in nanoseconds
 * @param source id of the component that produced the message (e.g. {@code safety/arm1})
 * @param frame coordinate frame the payload is expressed in (e.g. {@code base_link}), or empty
 */
public record Header(long sequence, long stampNs, String source, String frame) {
  public Header {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(frame, "frame");
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must be >= 0, was " + sequence);
    }
  }

  public static Header of(long sequence, long stampNs, String source) {
    return new Header(sequence, stampNs, source, "");
  }
}
