package io.telos.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Addresses;
import io.telos.api.Fault;
import io.telos.api.Mode;
import io.telos.api.SimulatedClock;
import io.telos.memory.sqlite.SqliteEpisodeStore;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder on a real Vert.x bus writing a real SQLite store, as a run would. */
class MemoryRecorderIT {
  static final long MS = 1_000_000L;
  @TempDir
  Path dir;
  Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    TestCodecs.register(vertx);
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void aRunIsRecordedDurably() throws Exception {
    Path file = dir.resolve(".telos/memory.db");
    EpisodeStore store = new SqliteEpisodeStore(file);
    MemoryRecorder rec = new MemoryRecorder("arm1", store, new MemoryRecorder.Info("run.yaml", "mppi", false),
        new SimulatedClock());
    String id = vertx.deployVerticle(rec).await(); // opens the store off the event loop
    Bus bus = new Bus(vertx, "arm1");
    int n = 2_000;
    bus.plan("g1", 0, 3.0);
    for (int i = 0; i < n; i++) {
      bus.command(i * MS, i * 1e-3, Mode.AUTONOMOUS);
      bus.observation(i * MS, i * 1e-3);
    }
    bus.outcome("g1", n * MS, true, n * MS);
    bus.plan("g2", (n + 1) * MS, 3.0);
    bus.observation((n + 2) * MS, 0);
    MemoryRecorderTest.eventually(() -> rec.steps() == n + 1, "all observations");
    vertx.undeploy(id).await(); // ends g2 as incomplete and flushes
    store.close();

    try (EpisodeStore reader = SqliteEpisodeStore.reader(file)) {
      reader.open();
      StoreStats st = reader.stats();
      assertEquals(2, st.episodes());
      assertEquals(0, st.openEpisodes());
      assertEquals(n + 1, st.steps());
      assertEquals(0, st.gaps());
      EpisodeSummary g1 = reader.listEpisodes(2).get(1);
      assertEquals("g1", g1.meta().goalId());
      assertEquals(Outcome.REACHED, g1.outcome());
      assertEquals(n, g1.steps());
      try (StepCursor c = reader.readSteps(g1.id())) {
        c.next();
        StepRecord s1 = c.next();
        assertEquals(1e-3, s1.state().get(0));
        assertEquals(1e-3, s1.commandPosition().get(0), "joined with the command sent just before");
      }
      assertEquals(Outcome.INCOMPLETE, reader.listEpisodes(1).get(0).outcome());
      String report = MemoryReport.list(reader, 10);
      assertTrue(report.contains("reached") && report.contains("incomplete"), report);
    }
  }

  @Test
  void aStoreThatCannotOpenIsAFaultNotACrash() throws Exception {
    Path blocked = Files.writeString(dir.resolve("file"), "x").resolve("memory.db");
    CompletableFuture<Fault> heard = new CompletableFuture<>();
    vertx.eventBus().<Fault>localConsumer(Addresses.fault("arm1"), m -> heard.complete(m.body()))
        .completion().await();
    EpisodeStore store = new SqliteEpisodeStore(blocked);
    MemoryRecorder rec = new MemoryRecorder("arm1", store, new MemoryRecorder.Info("", "", false),
        new SimulatedClock());
    String id = vertx.deployVerticle(rec).await();
    Fault f = heard.get(10, TimeUnit.SECONDS);
    assertEquals("MEMORY_OPEN_FAILED", f.code());
    assertTrue(f.message().contains(blocked.toString()), f.message());
    Bus bus = new Bus(vertx, "arm1");
    bus.plan("g1", 0, 1);
    bus.observation(MS, 0.1);
    MemoryRecorderTest.eventually(() -> rec.gaps() == 1, "the step counted as lost");
    vertx.undeploy(id).await();
    store.close();
  }
}
