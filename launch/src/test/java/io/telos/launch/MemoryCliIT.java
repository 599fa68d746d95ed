package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Mode;
import io.telos.api.Vec;
import io.telos.api.config.Settings;
import io.telos.memory.EpisodeMeta;
import io.telos.memory.Outcome;
import io.telos.memory.StepCursor;
import io.telos.memory.StepRecord;
import io.telos.memory.sqlite.SqliteEpisodeStore;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A run writes its episodes to the embedded store; `telos memory stats|list` shows them. */
class MemoryCliIT {
  @TempDir
  Path dir;

  @Test
  void demoEpisodesAreVisibleThroughTheMemoryCommands() throws Exception {
    Path db = dir.resolve("memory.db");
    LaunchSpec spec = Telos.demoSpec("sim", 3L, 2).withMemory(new Settings("memory", Map.of("path", db.toString())));
    RunReport r = Session.run(spec, o -> { }, Duration.ofMinutes(3));
    assertEquals(2, r.outcomes().size());

    StringWriter out = new StringWriter();
    CommandLine cl = Telos.commandLine();
    cl.setOut(new PrintWriter(out, true));
    assertEquals(0, cl.execute("memory", "stats", "--path", db.toString()));
    assertTrue(out.toString().matches("(?s).*episodes\\D*2\\b.*"), out.toString());

    StringWriter list = new StringWriter();
    cl = Telos.commandLine();
    cl.setOut(new PrintWriter(list, true));
    assertEquals(0, cl.execute("memory", "list", "--path", db.toString()));
    assertTrue(list.toString().contains("target-0") && list.toString().contains("target-1"), list.toString());

    // replay the first episode through a planner built from the same (bundled demo) launch spec
    String firstId;
    try (var store = io.telos.memory.sqlite.SqliteEpisodeStore.reader(db)) {
      store.open();
      firstId = Long.toString(store.listEpisodes(10).getLast().id());
    }
    StringWriter replay = new StringWriter();
    cl = Telos.commandLine();
    cl.setOut(new PrintWriter(replay, true));
    assertEquals(0, cl.execute("memory", "replay", firstId, "--path", db.toString(), "--seed", "3",
        "--tolerance", "1000"), replay.toString());
    assertTrue(replay.toString().matches("(?s).*planner calls, [1-9]\\d* steps compared.*"), replay.toString());
    assertTrue(replay.toString().contains("command difference: max"), replay.toString());
    System.out.println(replay);

    StringWriter err = new StringWriter();
    cl = Telos.commandLine();
    cl.setErr(new PrintWriter(err, true));
    assertEquals(Telos.EXIT_BAD_LAUNCH, cl.execute("memory", "replay", "999", "--path", db.toString()));
    assertTrue(err.toString().contains("no episode 999"), err.toString());
  }

  @Test
  void aPushEpisodeKeepsThePucksPosesAndReplaysWithThem() throws Exception {
    Path db = dir.resolve("push.db");
    Path file = Path.of("examples/suite/push.yaml");
    LaunchSpec spec = LaunchFile.load(file)
        .withMemory(new Settings("memory", Map.of("type", "sqlite", "path", db.toString())));
    RunReport r = Session.run(spec, o -> { }, Duration.ofMinutes(3));
    assertFalse(r.outcomes().isEmpty());
    String firstId;
    try (SqliteEpisodeStore store = SqliteEpisodeStore.reader(db)) {
      store.open();
      long first = store.listEpisodes(10).getLast().id();
      firstId = Long.toString(first);
      List<StepRecord> steps = new ArrayList<>();
      try (StepCursor c = store.readSteps(first)) {
        c.forEachRemaining(steps::add);
      }
      assertFalse(steps.isEmpty());
      for (StepRecord s : steps) {
        assertEquals(List.of("puck"), s.objects().stream().map(io.telos.api.ObjectPose::name).toList(),
            "step " + s.index() + " holds the puck the simulator reported");
      }
    }
    StringWriter replay = new StringWriter();
    CommandLine cl = Telos.commandLine();
    cl.setOut(new PrintWriter(replay, true));
    assertEquals(0, cl.execute("memory", "replay", firstId, "--path", db.toString(), "--launch", file.toString(),
        "--tolerance", "1000"), replay.toString());
    assertTrue(replay.toString().matches("(?s).*planner calls, [1-9]\\d* steps compared.*"), replay.toString());
    assertFalse(replay.toString().contains("planner failed"), "the planner saw the puck: " + replay);
    System.out.println(replay);

    // the same episode as a store before schema 3 would hold it: no object poses
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE steps SET objects = NULL");
    }
    StringWriter err = new StringWriter();
    cl = Telos.commandLine();
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    assertEquals(Telos.EXIT_BAD_LAUNCH, cl.execute("memory", "replay", firstId, "--path", db.toString(), "--launch",
        file.toString()));
    assertTrue(err.toString().contains("none of its steps holds object poses"), err.toString());
  }

  static long[] twoEpisodes(Path db) {
    try (SqliteEpisodeStore store = new SqliteEpisodeStore(db)) {
      store.open();
      long a = store.beginEpisode(new EpisodeMeta("arm1", "x.yaml", "mppi", "reach-1", false, 0));
      for (int i = 0; i < 40; i++) {
        store.append(new StepRecord(a, i, 1_000_000L * i, Vec.of(0.01 * i, 0, 0, 0), Vec.of(0.4, 0, 0.3), null,
            Vec.of(0.01 * i + 0.001, 0), Vec.of(0, 0), Mode.AUTONOMOUS, 1.0, "reach-1", null));
      }
      store.endEpisode(a, Outcome.INCOMPLETE, 40_000_000L);
      long b = store.beginEpisode(new EpisodeMeta("arm1", "x.yaml", "mppi", "reach-1", true, 40_000_000L));
      store.append(new StepRecord(b, 0, 41_000_000L, Vec.of(0.5, 0, 0, 0), null, null, Vec.of(0.5, 0), null,
          Mode.TELEOP, Double.NaN, "reach-1", null));
      store.endEpisode(b, Outcome.REACHED, 42_000_000L);
      return new long[] {a, b};
    }
  }

  @Test
  void listMarksDemonstrationsAndExportWritesAnMcapFile() throws Exception {
    Path db = dir.resolve("memory.db");
    long[] ids = twoEpisodes(db);
    StringWriter list = new StringWriter();
    CommandLine cl = Telos.commandLine();
    cl.setOut(new PrintWriter(list, true));
    assertEquals(0, cl.execute("memory", "list", "--path", db.toString()));
    String[] lines = list.toString().split("\n");
    assertTrue(lines[1].contains(" demo ") && lines[1].contains("reached"), list.toString());
    assertTrue(lines[2].contains(" auto ") && lines[2].contains("incomplete"), list.toString());

    Path mcap = dir.resolve("out.mcap");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl = Telos.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    assertEquals(0, cl.execute("memory", "export", "all", "--format", "mcap", "--out", mcap.toString(), "--path",
        db.toString()), err.toString());
    assertTrue(out.toString().contains("exported 2 episode(s), 122 messages"), out.toString());
    assertTrue(err.toString().contains("41/41 steps"), "progress bar: " + err);
    byte[] bytes = java.nio.file.Files.readAllBytes(mcap);
    assertEquals("MCAP0", new String(bytes, 1, 5, java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals("MCAP0", new String(bytes, bytes.length - 7, 5, java.nio.charset.StandardCharsets.US_ASCII));

    cl = Telos.commandLine();
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    assertEquals(0, cl.execute("memory", "export", Long.toString(ids[1]), "--out", dir.resolve("one.mcap").toString(),
        "--path", db.toString(), "-q"));
    assertEquals(Telos.EXIT_BAD_LAUNCH, cl.execute("memory", "export", "999", "--out", dir.resolve("x.mcap").toString(),
        "--path", db.toString()));
    assertTrue(err.toString().contains("no episode 999"), err.toString());
  }

  @Test
  void aMissingStoreIsAClearError() {
    StringWriter err = new StringWriter();
    CommandLine cl = Telos.commandLine();
    cl.setErr(new PrintWriter(err, true));
    assertEquals(Telos.EXIT_BAD_LAUNCH, cl.execute("memory", "stats", "--path", dir.resolve("none.db").toString()));
    assertTrue(err.toString().contains("no episodic memory at"), err.toString());
  }
}
