package io.telos.memory;

import io.telos.api.Vec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * Similarity recall, first slice: the {@code k} past steps whose state vector is nearest
 * (Euclidean) to a query, found by a brute-force streamed scan of every episode through the
 * {@link EpisodeStore} port (so it works on any store). Blocking: not for the event loop. Steps
 * whose state has another length than the query are skipped. Memory: O(k) plus one step.
 */
public final class Recall {
  /**
   * One remembered step.
   *
   * @param step the stored step
   * @param distance Euclidean distance of its state to the query
   * @param nextCommand the command position recorded with the episode's following step (what the
   *     arm was told next), or empty when it was the last step
   * @param outcome how its episode ended, or null while it is open
   */
  public record Match(StepRecord step, double distance, Vec nextCommand, Outcome outcome) {}

  private final EpisodeStore store;

  public Recall(EpisodeStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** Up to {@code k} nearest steps, nearest first (ties: older episode, lower index first). */
  public List<Match> nearest(Vec query, int k) {
    Objects.requireNonNull(query, "query");
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, was " + k);
    }
    Comparator<Match> worstFirst = Comparator.comparingDouble(Match::distance)
        .thenComparingLong(m -> m.step().episodeId()).thenComparingLong(m -> m.step().index()).reversed();
    PriorityQueue<Match> best = new PriorityQueue<>(k + 1, worstFirst);
    for (EpisodeSummary e : store.listEpisodes(Integer.MAX_VALUE)) {
      try (StepCursor c = store.readSteps(e.id())) {
        StepRecord prev = null;
        double prevD = Double.NaN;
        while (c.hasNext()) {
          StepRecord s = c.next();
          if (prev != null) {
            offer(best, k, prev, prevD, s.commandPosition(), e.outcome(), worstFirst);
          }
          prev = s;
          prevD = distance(query, s.state());
        }
        if (prev != null) {
          offer(best, k, prev, prevD, Vec.empty(), e.outcome(), worstFirst);
        }
      }
    }
    List<Match> out = new ArrayList<>(best);
    out.sort(worstFirst.reversed());
    return out;
  }

  private static void offer(PriorityQueue<Match> best, int k, StepRecord s, double d, Vec next, Outcome o,
      Comparator<Match> worstFirst) {
    if (Double.isNaN(d)) {
      return;
    }
    Match m = new Match(s, d, next, o);
    if (best.size() < k) {
      best.add(m);
    } else if (worstFirst.compare(m, best.peek()) > 0) {
      best.poll();
      best.add(m);
    }
  }

  /** Euclidean distance, NaN when the lengths differ. */
  static double distance(Vec a, Vec b) {
    if (a.size() != b.size()) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = 0; i < a.size(); i++) {
      double d = a.get(i) - b.get(i);
      sum += d * d;
    }
    return Math.sqrt(sum);
  }
}
