package io.telos.memory;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The persistent episodic memory: episodes (one per goal) made of steps.
 *
 * <p><b>Two kinds of methods.</b> The recording methods ({@link #beginEpisode}, {@link #append},
 * {@link #endEpisode}, {@link #flush}, {@link #durableSteps}) never block and never throw because
 * of storage: they hand work to the store's own writer and may be called from the event loop.
 * Storage failures go to {@link StoreListener}s and {@link #failure()}; a step that cannot be
 * kept is counted as a gap of its episode, never dropped silently. The other methods
 * ({@link #open}, {@link #close}, {@link #stats}, {@link #listEpisodes}, {@link #episode},
 * {@link #readSteps}) may block on I/O and belong on a worker thread or in a CLI.
 *
 * <p><b>Visibility.</b> Reads see what has been committed; {@link #flush()} waits for everything
 * recorded before it. Episode ids are positive and increase.
 *
 * <p>Every implementation passes the same contract test suite ({@code EpisodeStoreContract}).
 */
public interface EpisodeStore extends AutoCloseable {

  /**
   * Opens the storage and marks episodes left open by an earlier crash as
   * {@link Outcome#INCOMPLETE}. Blocking; idempotent. Does not throw for storage problems: they go
   * to the listeners and to {@link #failure()}, and the store then accepts recording calls and
   * counts every step as a gap.
   */
  void open();

  /** Adds a listener. If the store is failing now, the listener is told at once. */
  void addListener(StoreListener listener);

  void removeListener(StoreListener listener);

  /** The current failure, or empty while healthy. */
  Optional<StoreError> failure();

  /**
   * Starts an episode and returns its id. Non-blocking.
   *
   * @throws IllegalStateException if the store was not opened, is closed, or is read-only
   */
  long beginEpisode(EpisodeMeta meta);

  /**
   * Records a step. Non-blocking: returns {@code false} when the step could not be queued (queue
   * full, store failed or closed); such a step is counted as a gap of its episode.
   *
   * @throws IllegalArgumentException if the episode is not open here or the index does not increase
   *     (programming errors, not storage ones)
   */
  boolean append(StepRecord step);

  /**
   * Ends an episode. Non-blocking.
   *
   * @throws IllegalArgumentException if the episode is not open here (unless the store is closed)
   */
  void endEpisode(long episodeId, Outcome outcome, long endNs);

  /**
   * Records an event (mode change, handover request). Non-blocking; committed in order with the
   * steps and episode changes around it. Events are few, so they are not limited by the step
   * queue; while the store is failing they are retried with the next commit, and while it is
   * unavailable (failed to open) or closed they are not kept (logged).
   */
  void recordEvent(EventRecord event);

  /**
   * Completes when everything recorded before this call is committed; completes exceptionally
   * with the {@link StoreError}'s message when that commit failed (its steps are then gaps).
   */
  CompletableFuture<Void> flush();

  /** Steps recorded through this instance and committed since it was opened. Non-blocking. */
  long durableSteps();

  /** Totals. Blocking. @throws EpisodeStoreException if the store cannot be read */
  StoreStats stats();

  /** Up to {@code limit} episodes, newest first. Blocking. @throws EpisodeStoreException on read errors */
  List<EpisodeSummary> listEpisodes(int limit);

  /** One episode. Blocking. @throws EpisodeStoreException on read errors */
  Optional<EpisodeSummary> episode(long episodeId);

  /**
   * The committed steps of an episode in index order (empty for an unknown episode), streamed.
   * Blocking. @throws EpisodeStoreException on read errors
   */
  StepCursor readSteps(long episodeId);

  /**
   * Up to {@code limit} committed steps of an episode with {@code index >= fromIndex}, in index
   * order, streamed. The stores read just that range (an index range scan); this default filters
   * {@link #readSteps(long)}. Blocking. @throws EpisodeStoreException on read errors
   */
  default StepCursor readSteps(long episodeId, long fromIndex, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, was " + limit);
    }
    StepCursor all = readSteps(episodeId);
    return new StepCursor() {
      private StepRecord next;
      private int given;

      @Override
      public boolean hasNext() {
        if (given >= limit) {
          all.close();
          return false;
        }
        while (next == null && all.hasNext()) {
          StepRecord s = all.next();
          if (s.index() >= fromIndex) {
            next = s;
          }
        }
        return next != null;
      }

      @Override
      public StepRecord next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        StepRecord s = next;
        next = null;
        given++;
        return s;
      }

      @Override
      public void close() {
        all.close();
      }
    };
  }

  /**
   * The committed events of an episode, in the order they were recorded. Blocking.
   * @throws EpisodeStoreException on read errors
   */
  List<EventRecord> events(long episodeId);

  /**
   * The committed events (of every robot and episode, also those outside episodes) with
   * {@code fromNs <= stampNs < toNs}, by stamp then recording order. Blocking.
   * @throws EpisodeStoreException on read errors
   */
  List<EventRecord> eventsBetween(long fromNs, long toNs);

  /**
   * Marks episodes still open as {@link Outcome#INCOMPLETE} (ended at their last step), commits
   * what is queued, stops the writer and releases the storage. Blocking; idempotent. Afterwards
   * {@link #append} returns {@code false}, {@link #endEpisode} is ignored and
   * {@link #beginEpisode} throws.
   */
  @Override
  void close();
}
