package io.telos.memory;

import java.util.List;

/**
 * Told when a store starts failing and when it recovers; the runtime turns these into fault
 * records. Called on the store's writer thread or on the thread that called
 * {@link EpisodeStore#open()}: it must return quickly and must not call back into the store's
 * blocking methods.
 */
public interface StoreListener {
  /** The store went from healthy to failing (called once per failure, not once per attempt). */
  void onError(StoreError error);

  /**
   * Writes succeed again after a {@link StoreError.Kind#WRITE_FAILED}.
   *
   * @param lostSteps steps counted as gaps while failing
   */
  default void onRecovered(long lostSteps) {}

  /**
   * Steps just committed (durable), in commit order; within an episode in index order. Called on
   * the writer thread after each successful commit holding steps, so it must only hand them on
   * (e.g. to an index's queue). The list is not modified afterwards.
   */
  default void onCommitted(List<StepRecord> steps) {}
}
