package io.telos.memory.recall;

import io.telos.api.Vec;
import io.telos.memory.EpisodeStore;
import io.telos.memory.EpisodeSummary;
import io.telos.memory.Outcome;
import io.telos.memory.StepCursor;
import io.telos.memory.StepRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Similarity recall through the HNSW {@link StepIndex}: the {@code k} nearest past steps, each with
 * the commands that followed it over a horizon and its episode's outcome (read from the store: one
 * range read per neighbour, one episode look-up per episode not seen ended before). Blocking: not
 * for the event loop ({@link RecallService} runs it on a worker). The brute-force
 * {@link io.telos.memory.Recall} stays the reference it is tested against.
 */
public final class SimilarityRecall {
  /** Most commands returned after a neighbour. */
  public static final int MAX_HORIZON = 1_000;
  /** Most neighbours per query. */
  public static final int MAX_K = 1_000;

  private record Ended(Outcome outcome, boolean operator) {}

  private final EpisodeStore store;
  private final StepIndex index;
  /** Episodes already ended never change: their outcome is kept. */
  private final Map<Long, Ended> ended = new ConcurrentHashMap<>();

  public SimilarityRecall(EpisodeStore store, StepIndex index) {
    this.store = Objects.requireNonNull(store, "store");
    this.index = Objects.requireNonNull(index, "index");
  }

  public StepIndex index() {
    return index;
  }

  /**
   * Up to {@code k} neighbours of {@code query} in {@code space}, nearest first, each with up to
   * {@code horizon} following commands.
   */
  public List<Neighbour> nearest(VectorSpace space, Vec query, int k, int horizon) {
    if (k < 1 || k > MAX_K) {
      throw new IllegalArgumentException("k must be in [1, " + MAX_K + "], was " + k);
    }
    if (horizon < 0 || horizon > MAX_HORIZON) {
      throw new IllegalArgumentException("horizon must be in [0, " + MAX_HORIZON + "], was " + horizon);
    }
    List<Neighbour> out = new ArrayList<>(k);
    for (StepIndex.Hit h : index.search(space, query, k)) {
      StepRecord step = null;
      List<Vec> next = new ArrayList<>(horizon);
      try (StepCursor c = store.readSteps(h.episodeId(), h.index(), horizon + 1)) {
        while (c.hasNext()) {
          StepRecord s = c.next();
          if (step == null) {
            if (s.index() != h.index()) {
              break; // not in the store (any more): skip the hit
            }
            step = s;
          } else {
            next.add(s.commandPosition());
          }
        }
      }
      if (step == null) {
        continue;
      }
      Ended e = episode(h.episodeId());
      out.add(new Neighbour(step, h.distance(), next, e.outcome(), e.operator()));
    }
    return out;
  }

  private Ended episode(long id) {
    Ended known = ended.get(id);
    if (known != null) {
      return known;
    }
    Optional<EpisodeSummary> e = store.episode(id);
    if (e.isEmpty()) {
      return new Ended(null, false);
    }
    Ended now = new Ended(e.get().outcome(), e.get().meta().operator());
    if (now.outcome() != null) {
      ended.put(id, now);
    }
    return now;
  }
}
