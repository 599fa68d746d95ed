package io.telos.memory.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.HandoverRequest;
import io.telos.memory.EpisodeMeta;
import io.telos.memory.EventRecord;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A version-1 schema (no events table) is read as it is and migrated by the first writer. */
class PgMigrationIT {
  private static String versionOneSchema() throws Exception {
    PgServer pg = PgServer.get();
    String url = pg.freshSchemaUrl();
    try (Connection c = DriverManager.getConnection(url, pg.user(), ""); Statement st = c.createStatement()) {
      for (String ddl : PgSchema.CREATE_V1) {
        st.execute(ddl);
      }
      st.execute("INSERT INTO telos_memory_schema (version) VALUES (1)");
      st.execute("INSERT INTO telos_episodes (id, robot_id, launch_source, policy, goal_id, operator, start_ns, end_ns,"
          + " outcome, writer_id) VALUES (7, 'arm1', 'old.yaml', 'mppi', 'g-old', false, 100, 200, 'reached', 1)");
    }
    return url;
  }

  private static int version(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url, PgServer.get().user(), ""); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT max(version) FROM telos_memory_schema")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void aReaderReadsAVersionOneSchemaAndTheFirstWriterMigratesIt() throws Exception {
    String url = versionOneSchema();
    try (PostgresEpisodeStore r = PostgresEpisodeStore.reader(url, PgServer.get().user(), null)) {
      r.open();
      assertTrue(r.failure().isEmpty(), () -> r.failure().toString());
      assertEquals("g-old", r.episode(7).orElseThrow().meta().goalId());
      assertEquals(List.of(), r.events(7));
    }
    assertEquals(1, version(url), "a reader does not migrate");
    try (PostgresEpisodeStore s = new PostgresEpisodeStore(url, PgServer.get().user(), null)) {
      s.open();
      assertTrue(s.failure().isEmpty(), () -> s.failure().toString());
      assertEquals("g-old", s.episode(7).orElseThrow().meta().goalId());
      long id = s.beginEpisode(new EpisodeMeta("arm1", "", "", "g-new", false, 300));
      EventRecord e = EventRecord.handover(id, "arm1", 310, HandoverRequest.Trigger.UNCERTAIN, "sigma 0.4 > 0.3", true);
      s.recordEvent(e);
      s.flush().get(10, TimeUnit.SECONDS);
      assertEquals(List.of(e), s.events(id));
    }
    assertEquals(PgSchema.VERSION, version(url));
  }
}
