package io.telos.memory.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Mode;
import io.telos.api.ObjectPose;
import io.telos.api.Vec;
import io.telos.memory.EpisodeMeta;
import io.telos.memory.EpisodeSummary;
import io.telos.memory.EventRecord;
import io.telos.memory.Outcome;
import io.telos.memory.StepCursor;
import io.telos.memory.StepRecord;
import io.telos.memory.Steps;
import io.telos.memory.VectorBytes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version-1 file (no events table) and a version-2 file (no {@code steps.objects} column) are
 * read as they are and migrated by the first writer.
 */
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

  /** The step a version-2 writer stored: every column but {@code objects}. */
  static final StepRecord OLD_STEP = new StepRecord(7, 0, 150, Vec.of(0.1, 0.2, 0, 0), Vec.of(0.4, 0, 0.3), null,
      Vec.of(0.11, 0.21), Vec.of(0, 0), Mode.AUTONOMOUS, 2.5, "g-old", null);

  private Path versionTwoFile() throws Exception {
    Path file = dir.resolve("memory.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
      for (String ddl : Schema.CREATE_V2) {
        st.execute(ddl);
      }
      st.execute("PRAGMA user_version=2");
      st.execute("INSERT INTO episodes (id, robot_id, launch_source, policy, goal_id, operator, start_ns, end_ns,"
          + " outcome, steps) VALUES (7, 'arm1', 'old.yaml', 'mppi', 'g-old', 0, 100, 200, 'reached', 1)");
      try (PreparedStatement p = c.prepareStatement("INSERT INTO steps (episode_id, step_index, stamp_ns, state,"
          + " ee_position, latent, command_position, command_velocity, mode, energy, goal_id)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        StepRecord s = OLD_STEP;
        p.setLong(1, s.episodeId());
        p.setLong(2, s.index());
        p.setLong(3, s.stampNs());
        p.setBytes(4, VectorBytes.encode(s.state()));
        p.setBytes(5, VectorBytes.encode(s.eePosition()));
        p.setBytes(6, VectorBytes.encode(s.latent()));
        p.setBytes(7, VectorBytes.encode(s.commandPosition()));
        p.setBytes(8, VectorBytes.encode(s.commandVelocity()));
        p.setString(9, s.mode().name());
        p.setDouble(10, s.energy());
        p.setString(11, s.goalId());
        p.executeUpdate();
      }
    }
    return file;
  }

  private static List<StepRecord> range(SqliteEpisodeStore s, long id) {
    List<StepRecord> out = new ArrayList<>();
    try (StepCursor c = s.readSteps(id, 0, 10)) {
      c.forEachRemaining(out::add);
    }
    return out;
  }

  private static boolean hasObjectsColumn(Path file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(Schema.HAS_OBJECTS)) {
      return rs.next();
    }
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
    assertEquals(3, Schema.VERSION);
    assertTrue(hasObjectsColumn(file), "version 1 straight to 3: the objects column too");
  }

  @Test
  void aReaderReadsAVersionTwoFileItsStepsWithoutObjects() throws Exception {
    Path file = versionTwoFile();
    try (SqliteEpisodeStore r = SqliteEpisodeStore.reader(file)) {
      r.open();
      assertTrue(r.failure().isEmpty(), () -> r.failure().toString());
      assertEquals(List.of(OLD_STEP), Steps.read(r, 7));
      assertEquals(List.of(OLD_STEP), range(r, 7));
      assertEquals(List.of(), Steps.read(r, 7).get(0).objects());
    }
    assertEquals(2, userVersion(file), "a reader does not migrate");
    assertFalse(hasObjectsColumn(file));
  }

  @Test
  void theFirstWriterMigratesAVersionTwoFileOldStepsReadBackWithoutObjectsNewOnesWithThem() throws Exception {
    Path file = versionTwoFile();
    List<ObjectPose> box = List.of(new ObjectPose("box", 0.45, -0.1, 0.025, 0.3, 300));
    try (SqliteEpisodeStore before = SqliteEpisodeStore.reader(file)) {
      before.open(); // a reader that saw the version-2 layout first
      assertEquals(List.of(OLD_STEP), Steps.read(before, 7));
      long id;
      StepRecord fresh;
      try (SqliteEpisodeStore s = new SqliteEpisodeStore(file)) {
        s.open();
        assertTrue(s.failure().isEmpty(), () -> s.failure().toString());
        assertEquals(List.of(OLD_STEP), Steps.read(s, 7), "old steps kept, with no objects");
        id = s.beginEpisode(new EpisodeMeta("arm1", "", "", "push", false, 290));
        assertEquals(8, id);
        fresh = Steps.step(id, 0).withObjects(box);
        StepRecord bare = Steps.step(id, 1);
        assertTrue(s.append(fresh));
        assertTrue(s.append(bare));
        s.flush().get(10, TimeUnit.SECONDS);
        assertEquals(List.of(fresh, bare), Steps.read(s, id));
        assertEquals(List.of(fresh), range(s, id).subList(0, 1));
      }
      assertEquals(3, userVersion(file));
      assertTrue(hasObjectsColumn(file));
      assertEquals(box, Steps.read(before, id).get(0).objects(), "the earlier reader sees the new column");
      assertEquals(List.of(OLD_STEP), Steps.read(before, 7));
    }
    try (SqliteEpisodeStore again = new SqliteEpisodeStore(file)) {
      again.open();
      assertTrue(again.failure().isEmpty(), () -> "a migrated file opens as it is: " + again.failure());
      assertEquals(box, Steps.read(again, 8).get(0).objects());
    }
  }
}
