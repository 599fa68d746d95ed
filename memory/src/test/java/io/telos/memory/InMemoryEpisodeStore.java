package io.telos.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The hand-written fake of {@link EpisodeStore}: everything in memory, committed at once. It can be
 * told to fail ({@link #failWith}) or to refuse steps ({@link #refuseSteps}) so callers' handling of
 * both can be tested.
 */
public final class InMemoryEpisodeStore implements EpisodeStore {
  private static final class Episode {
    final long id;
    final EpisodeMeta meta;
    final Instant recordedAt = Instant.now();
    final List<StepRecord> steps = new ArrayList<>();
    Outcome outcome;
    Long endNs;
    long gaps;
    long lastIndex = -1;
    long lastStampNs;

    Episode(long id, EpisodeMeta meta) {
      this.id = id;
      this.meta = meta;
      this.lastStampNs = meta.startNs();
    }

    EpisodeSummary summary() {
      return new EpisodeSummary(id, meta, outcome, endNs, steps.size(), gaps, recordedAt);
    }
  }

  private final Map<Long, Episode> episodes = new LinkedHashMap<>();
  private final List<EventRecord> events = new ArrayList<>();
  private final List<StoreListener> listeners = new CopyOnWriteArrayList<>();
  private boolean open;
  private boolean closed;
  private boolean refuseSteps;
  private long nextId = 1;
  private long durable;
  private volatile StoreError failure;

  @Override
  public synchronized void open() {
    if (!closed) {
      open = true;
    }
  }

  @Override
  public void addListener(StoreListener listener) {
    listeners.add(Objects.requireNonNull(listener));
    StoreError f = failure;
    if (f != null) {
      listener.onError(f);
    }
  }

  @Override
  public void removeListener(StoreListener listener) {
    listeners.remove(listener);
  }

  @Override
  public Optional<StoreError> failure() {
    return Optional.ofNullable(failure);
  }

  /** Reports {@code error} to the listeners, as a real store does when storage fails. */
  public void failWith(StoreError error) {
    failure = error;
    listeners.forEach(l -> l.onError(error));
  }

  /** While true, {@link #append} refuses steps and counts them as gaps (a full queue). */
  public synchronized void refuseSteps(boolean refuse) {
    this.refuseSteps = refuse;
  }

  @Override
  public synchronized long beginEpisode(EpisodeMeta meta) {
    Objects.requireNonNull(meta, "meta");
    if (!open || closed) {
      throw new IllegalStateException("in-memory store is " + (closed ? "closed" : "not open"));
    }
    long id = nextId++;
    episodes.put(id, new Episode(id, meta));
    return id;
  }

  @Override
  public synchronized boolean append(StepRecord step) {
    Objects.requireNonNull(step, "step");
    if (closed) {
      return false;
    }
    Episode e = episodes.get(step.episodeId());
    if (e == null || e.outcome != null) {
      throw new IllegalArgumentException("episode " + step.episodeId() + " is not open in the in-memory store");
    }
    if (step.index() <= e.lastIndex) {
      throw new IllegalArgumentException("step index must increase within episode " + step.episodeId() + ": "
          + step.index() + " after " + e.lastIndex);
    }
    e.lastIndex = step.index();
    e.lastStampNs = step.stampNs();
    if (refuseSteps) {
      e.gaps++;
      return false;
    }
    e.steps.add(step);
    durable++;
    for (StoreListener l : listeners) {
      l.onCommitted(List.of(step));
    }
    return true;
  }

  @Override
  public synchronized void endEpisode(long episodeId, Outcome outcome, long endNs) {
    Objects.requireNonNull(outcome, "outcome");
    if (closed) {
      return;
    }
    Episode e = episodes.get(episodeId);
    if (e == null || e.outcome != null) {
      throw new IllegalArgumentException("episode " + episodeId + " is not open in the in-memory store");
    }
    e.outcome = outcome;
    e.endNs = endNs;
  }

  @Override
  public synchronized void recordEvent(EventRecord event) {
    Objects.requireNonNull(event, "event");
    if (open && !closed) {
      events.add(event);
    }
  }

  @Override
  public synchronized List<EventRecord> events(long episodeId) {
    requireReadable();
    return events.stream().filter(e -> e.episodeId() == episodeId).toList();
  }

  @Override
  public synchronized List<EventRecord> eventsBetween(long fromNs, long toNs) {
    requireReadable();
    return events.stream().filter(e -> e.stampNs() >= fromNs && e.stampNs() < toNs)
        .sorted(Comparator.comparingLong(EventRecord::stampNs)).toList();
  }

  @Override
  public CompletableFuture<Void> flush() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized long durableSteps() {
    return durable;
  }

  @Override
  public synchronized StoreStats stats() {
    requireReadable();
    long steps = 0;
    long gaps = 0;
    long open = 0;
    for (Episode e : episodes.values()) {
      steps += e.steps.size();
      gaps += e.gaps;
      open += e.outcome == null ? 1 : 0;
    }
    return new StoreStats(episodes.size(), open, steps, gaps, 0);
  }

  @Override
  public synchronized List<EpisodeSummary> listEpisodes(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, was " + limit);
    }
    requireReadable();
    return episodes.values().stream().sorted(Comparator.comparingLong((Episode e) -> e.id).reversed()).limit(limit)
        .map(Episode::summary).toList();
  }

  @Override
  public synchronized Optional<EpisodeSummary> episode(long episodeId) {
    requireReadable();
    return Optional.ofNullable(episodes.get(episodeId)).map(Episode::summary);
  }

  @Override
  public synchronized StepCursor readSteps(long episodeId) {
    requireReadable();
    Episode e = episodes.get(episodeId);
    var it = e == null ? List.<StepRecord>of().iterator() : List.copyOf(e.steps).iterator();
    return new StepCursor() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public StepRecord next() {
        return it.next();
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    for (Episode e : episodes.values()) {
      if (e.outcome == null) {
        e.outcome = Outcome.INCOMPLETE;
        e.endNs = e.lastStampNs;
      }
    }
    closed = true;
  }

  private void requireReadable() {
    if (!open) {
      throw new IllegalStateException("in-memory store is not open");
    }
    if (closed) {
      throw new IllegalStateException("in-memory store is closed");
    }
  }
}
