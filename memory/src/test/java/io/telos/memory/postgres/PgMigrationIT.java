package io.telos.memory.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.HandoverRequest;
import io.telos.api.Mode;
import io.telos.api.ObjectPose;
import io.telos.api.Vec;
import io.telos.memory.EpisodeMeta;
import io.telos.memory.EventRecord;
import io.telos.memory.StepCursor;
import io.telos.memory.StepRecord;
import io.telos.memory.Steps;
import io.telos.memory.VectorBytes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A version-1 schema (no events table) and a version-2 schema (no {@code telos_steps.objects}
 * column) are read as they are and migrated by the first writer.
 */
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

  /** The step a version-2 writer stored: every column but {@code objects}. */
  static final StepRecord OLD_STEP = new StepRecord(7, 0, 150, Vec.of(0.1, 0.2, 0, 0), Vec.of(0.4, 0, 0.3), null,
      Vec.of(0.11, 0.21), Vec.of(0, 0), Mode.AUTONOMOUS, 2.5, "g-old", null);

  private static String versionTwoSchema() throws Exception {
    PgServer pg = PgServer.get();
    String url = pg.freshSchemaUrl();
    try (Connection c = DriverManager.getConnection(url, pg.user(), ""); Statement st = c.createStatement()) {
      for (String ddl : PgSchema.CREATE_V2) {
        st.execute(ddl);
      }
      st.execute("INSERT INTO telos_memory_schema (version) VALUES (2)");
      st.execute("INSERT INTO telos_episodes (id, robot_id, launch_source, policy, goal_id, operator, start_ns, end_ns,"
          + " outcome, steps, writer_id) VALUES (7, 'arm1', 'old.yaml', 'mppi', 'g-old', false, 100, 200, 'reached', 1,"
          + " 1)");
      try (PreparedStatement p = c.prepareStatement("INSERT INTO telos_steps (episode_id, step_index, stamp_ns, state,"
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
    return url;
  }

  private static boolean hasObjectsColumn(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url, PgServer.get().user(), ""); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(PgSchema.HAS_OBJECTS)) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static List<StepRecord> range(PostgresEpisodeStore s, long id) {
    List<StepRecord> out = new ArrayList<>();
    try (StepCursor c = s.readSteps(id, 0, 10)) {
      c.forEachRemaining(out::add);
    }
    return out;
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
    assertEquals(3, PgSchema.VERSION);
    assertTrue(hasObjectsColumn(url), "version 1 straight to 3: the objects column too");
  }

  @Test
  void aVersionTwoSchemaIsReadAsItIsThenMigratedOldStepsWithoutObjectsNewOnesWithThem() throws Exception {
    String url = versionTwoSchema();
    String user = PgServer.get().user();
    List<ObjectPose> box = List.of(new ObjectPose("box", 0.45, -0.1, 0.025, 0.3, 300),
        new ObjectPose("cup", 0.2, 0.3, 0.04, -1, 290));
    try (PostgresEpisodeStore r = PostgresEpisodeStore.reader(url, user, null)) {
      r.open();
      assertTrue(r.failure().isEmpty(), () -> r.failure().toString());
      assertEquals(List.of(OLD_STEP), Steps.read(r, 7));
      assertEquals(List.of(OLD_STEP), range(r, 7));
      assertEquals(2, version(url), "a reader does not migrate");
      assertFalse(hasObjectsColumn(url));
      long id;
      StepRecord fresh;
      StepRecord bare;
      try (PostgresEpisodeStore s = new PostgresEpisodeStore(url, user, null)) {
        s.open();
        assertTrue(s.failure().isEmpty(), () -> s.failure().toString());
        assertEquals(List.of(OLD_STEP), Steps.read(s, 7), "old steps kept, with no objects");
        id = s.beginEpisode(new EpisodeMeta("arm1", "", "", "push", false, 280));
        fresh = Steps.step(id, 0).withObjects(box);
        bare = Steps.step(id, 1);
        assertTrue(s.append(fresh));
        assertTrue(s.append(bare));
        s.flush().get(10, TimeUnit.SECONDS);
        assertEquals(List.of(fresh, bare), Steps.read(s, id));
        assertEquals(List.of(fresh, bare), range(s, id));
      }
      assertEquals(3, version(url));
      assertTrue(hasObjectsColumn(url));
      assertEquals(List.of(fresh, bare), Steps.read(r, id), "the earlier reader sees the new column");
      assertEquals(List.of(OLD_STEP), range(r, 7));
    }
    try (PostgresEpisodeStore again = new PostgresEpisodeStore(url, user, null)) {
      again.open();
      assertTrue(again.failure().isEmpty(), () -> "a migrated schema opens as it is: " + again.failure());
      assertEquals(List.of(OLD_STEP), Steps.read(again, 7));
    }
  }
}
