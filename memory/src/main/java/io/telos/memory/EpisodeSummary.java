package io.telos.memory;

import java.time.Instant;
import java.util.Objects;

/**
 * An episode as stored.
 *
 * @param id the store's id for the episode
 * @param meta what was known when it began
 * @param outcome how it ended, or null while it is still open
 * @param endNs monotonic stamp of its end, or null while it is still open
 * @param steps steps stored
 * @param gaps steps that were lost (queue full or a failed write) and are absent from the store
 * @param recordedAt wall time at which the store recorded its start, for people only (never used
 *     for control); null when unknown
 */
public record EpisodeSummary(
    long id, EpisodeMeta meta, Outcome outcome, Long endNs, long steps, long gaps, Instant recordedAt) {
  public EpisodeSummary {
    Objects.requireNonNull(meta, "meta");
  }

  public boolean isOpen() {
    return outcome == null;
  }

  /** Duration in seconds of the monotonic clock, or NaN while open. */
  public double durationS() {
    return endNs == null ? Double.NaN : (endNs - meta.startNs()) / 1e9;
  }
}
