package io.telos.memory;

import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Steps of one episode in index order, read a few at a time rather than loaded whole. Close it
 * (try-with-resources) when done early; it closes itself once exhausted. Reading may block: not
 * for the event loop. A read error surfaces as {@link EpisodeStoreException}.
 */
public interface StepCursor extends Iterator<StepRecord>, AutoCloseable {
  @Override
  void close();

  /** The remaining steps as a stream whose {@code close()} closes this cursor. */
  default Stream<StepRecord> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL),
        false).onClose(this::close);
  }
}
