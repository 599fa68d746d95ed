package io.telos.memory.postgres;

import io.telos.memory.EpisodeStore;
import io.telos.memory.EpisodeStoreContract;
import java.nio.file.Path;

/** The fleet store against the store contract, on a real PostgreSQL server (started by {@link PgServer}). */
class PostgresEpisodeStoreIT extends EpisodeStoreContract {
  @Override
  protected EpisodeStore newStore(Path dir) {
    PgServer pg = PgServer.get();
    return new PostgresEpisodeStore(pg.freshSchemaUrl(), pg.user(), null);
  }
}
