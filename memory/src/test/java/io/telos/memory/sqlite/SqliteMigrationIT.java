package io.telos.memory.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Mode;
import io.telos.memory.EpisodeSummary;
import io.telos.memory.EventRecord;
import io.telos.memory.Outcome;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A version-1 file (no events table) is read as it is and migrated by the first writer. */
class SqliteMigrationIT {
  @TempDir
  Path dir;

  private Path versionOneFile() throws Exception {
    Path file = dir.resolve("memory.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
      for (String ddl : Schema.CREATE_V1) {
        st.execute(ddl);
      }
      st.execute("PRAGMA user_version=1");
      st.execute("INSERT INTO episodes (id, robot_id, launch_source, policy, goal_id, operator, start_ns, end_ns,"
          + " outcome, steps) VALUES (7, 'arm1', 'old.yaml', 'mppi', 'g-old', 0, 100, 200, 'reached', 0)");
    }
    return file;
  }

  private static int userVersion(Path file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void aReaderReadsAVersionOneFileWithoutEvents() throws Exception {
    Path file = versionOneFile();
    try (SqliteEpisodeStore r = SqliteEpisodeStore.reader(file)) {
      r.open();
      assertTrue(r.failure().isEmpty(), () -> r.failure().toString());
      assertEquals("g-old", r.episode(7).orElseThrow().meta().goalId());
      assertEquals(List.of(), r.events(7));
      assertEquals(List.of(), r.eventsBetween(Long.MIN_VALUE, Long.MAX_VALUE));
    }
    assertEquals(1, userVersion(file), "a reader does not migrate");
  }

  @Test
  void theFirstWriterMigratesAVersionOneFileKeepingItsEpisodes() throws Exception {
    Path file = versionOneFile();
    try (SqliteEpisodeStore s = new SqliteEpisodeStore(file)) {
      s.open();
      assertTrue(s.failure().isEmpty(), () -> s.failure().toString());
      EpisodeSummary old = s.episode(7).orElseThrow();
      assertEquals(Outcome.REACHED, old.outcome());
      long id = s.beginEpisode(new io.telos.memory.EpisodeMeta("arm1", "", "", "g-new", false, 300));
      assertEquals(8, id, "ids go on after the old ones");
      EventRecord e = EventRecord.modeChange(id, "arm1", 310, Mode.AUTONOMOUS, Mode.TELEOP, "lease");
      s.recordEvent(e);
      s.flush().get(10, TimeUnit.SECONDS);
      assertEquals(List.of(e), s.events(id));
    }
    assertEquals(Schema.VERSION, userVersion(file));
    assertEquals(2, Schema.VERSION);
  }
}
