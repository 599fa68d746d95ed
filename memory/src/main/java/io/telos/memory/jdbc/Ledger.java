package io.telos.memory.jdbc;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The counts a store keeps while it runs: steps committed, gaps counted (in total and, until a
 * commit persists them, per episode) and commits. Shared by the producers and the writer thread.
 */
final class Ledger {
  /** Gaps counted but not yet persisted, by episode. */
  private final Map<Long, Long> pendingGaps = new ConcurrentHashMap<>();
  private final AtomicLong durable = new AtomicLong();
  private final AtomicLong gapsCounted = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();

  /** Counts {@code n} steps of an episode as lost; they are persisted with the next commit. */
  void countGap(long episodeId, long n) {
    pendingGaps.merge(episodeId, n, Long::sum);
    gapsCounted.addAndGet(n);
  }

  /** Counts a step refused after its episode was closed: in the total only, no row to add it to. */
  void countUnrecorded() {
    gapsCounted.incrementAndGet();
  }

  /** Takes the gaps not yet persisted, by episode; {@link #restore} puts them back if the commit fails. */
  Map<Long, Long> drainPendingGaps() {
    Map<Long, Long> out = new HashMap<>();
    for (Long id : pendingGaps.keySet()) {
      Long n = pendingGaps.remove(id);
      if (n != null) {
        out.merge(id, n, Long::sum);
      }
    }
    return out;
  }

  /** Puts drained gaps back (their commit failed). */
  void restore(Map<Long, Long> drained) {
    drained.forEach((id, n) -> pendingGaps.merge(id, n, Long::sum));
  }

  boolean hasPendingGaps() {
    return !pendingGaps.isEmpty();
  }

  /** Gaps of one episode not yet persisted. */
  long pendingGaps(long episodeId) {
    return pendingGaps.getOrDefault(episodeId, 0L);
  }

  /** Gaps of all episodes not yet persisted. */
  long pendingGaps() {
    long pending = 0;
    for (long n : pendingGaps.values()) {
      pending += n;
    }
    return pending;
  }

  /** After a commit: {@code inserted} steps stored, {@code duplicates} refused by the database. */
  void committed(long inserted, long duplicates) {
    durable.addAndGet(inserted);
    gapsCounted.addAndGet(duplicates);
    commits.incrementAndGet();
  }

  /** After a commit of bookkeeping only. */
  void committedBookkeeping() {
    commits.incrementAndGet();
  }

  long durable() {
    return durable.get();
  }

  long gapsCounted() {
    return gapsCounted.get();
  }

  long commits() {
    return commits.get();
  }
}
