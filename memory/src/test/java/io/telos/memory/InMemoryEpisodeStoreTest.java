package io.telos.memory;

import java.nio.file.Path;

/** The fake passes the same contract as the real stores, so tests on it mean something. */
class InMemoryEpisodeStoreTest extends EpisodeStoreContract {
  @Override
  protected EpisodeStore newStore(Path dir) {
    return new InMemoryEpisodeStore();
  }
}
