package io.telos.memory.sqlite;

import io.telos.memory.EpisodeStore;
import io.telos.memory.EpisodeStoreContract;
import java.nio.file.Path;

/** The embedded store against the store contract, on a real SQLite file. */
class SqliteEpisodeStoreIT extends EpisodeStoreContract {
  @Override
  protected EpisodeStore newStore(Path dir) {
    return new SqliteEpisodeStore(dir.resolve("memory.db"));
  }
}
