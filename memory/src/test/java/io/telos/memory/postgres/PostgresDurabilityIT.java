package io.telos.memory.postgres;

import static io.telos.memory.Steps.meta;
import static io.telos.memory.Steps.read;
import static io.telos.memory.Steps.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.memory.EpisodeMeta;
import io.telos.memory.EpisodeStoreException;
import io.telos.memory.EpisodeSummary;
import io.telos.memory.Outcome;
import io.telos.memory.StoreError;
import io.telos.memory.StoreListener;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Fleet behaviour and failures of the PostgreSQL store on a real server. */
class PostgresDurabilityIT {
  private static final long T = 10;

  private static PostgresEpisodeStore store(String url, int queue) {
    PostgresEpisodeStore s = new PostgresEpisodeStore(url, PgServer.get().user(), null,
        PostgresEpisodeStore.Options.defaults().withQueueCapacity(queue));
    s.open();
    assertTrue(s.failure().isEmpty(), () -> "open failed: " + s.failure());
    return s;
  }

  @Test
  void twoRobotsShareOneMemoryAndADeadOnesOpenEpisodesBecomeIncomplete() throws Exception {
    String url = PgServer.get().freshSchemaUrl();
    PostgresEpisodeStore arm1 = store(url, 8192);
    PostgresEpisodeStore arm2 = store(url, 8192);
    assertNotEquals(arm1.writerId(), arm2.writerId());
    long a = arm1.beginEpisode(meta("g1", 100));
    long b = arm2.beginEpisode(new EpisodeMeta("arm2", "", "mppi", "g9", false, 200));
    assertNotEquals(a, b);
    for (int i = 0; i < 500; i++) {
      arm1.append(step(a, i));
      arm2.append(step(b, i));
    }
    arm1.flush().get(T, TimeUnit.SECONDS);
    arm2.flush().get(T, TimeUnit.SECONDS);
    arm1.crashForTest(); // arm1's process dies: its connection and lock are gone

    PostgresEpisodeStore restarted = store(url, 8192);
    try {
      assertEquals(1, restarted.recoveredEpisodes(), "only the dead writer's episode is recovered");
      EpisodeSummary ea = restarted.episode(a).orElseThrow();
      assertEquals(Outcome.INCOMPLETE, ea.outcome());
      assertEquals(step(a, 499).stampNs(), ea.endNs(), "ends at its last stored step");
      assertEquals(500, ea.steps());
      assertTrue(restarted.episode(b).orElseThrow().isOpen(), "a live robot's episode is left alone");
      assertEquals(2, restarted.stats().episodes());
      assertEquals(1000, restarted.stats().steps());
      assertEquals(read(arm2, b), read(restarted, b));
      arm2.endEpisode(b, Outcome.REACHED, 999);
      arm2.flush().get(T, TimeUnit.SECONDS);
      assertEquals(Outcome.REACHED, restarted.episode(b).orElseThrow().outcome());
      assertEquals(0, restarted.stats().openEpisodes());
    } finally {
      restarted.close();
      arm2.close();
    }
  }

  @Test
  void manyEpisodesGetUniqueIncreasingIdsAcrossIdBlocks() throws Exception {
    String url = PgServer.get().freshSchemaUrl();
    PostgresEpisodeStore s1 = store(url, 8192);
    PostgresEpisodeStore s2 = store(url, 8192);
    try {
      long last = 0;
      java.util.Set<Long> seen = new java.util.HashSet<>();
      for (int i = 0; i < 3 * PostgresEpisodeStore.ID_BLOCK; i++) {
        long id = s1.beginEpisode(meta("g" + i, i));
        assertTrue(id > last);
        last = id;
        assertTrue(seen.add(id));
        assertTrue(seen.add(s2.beginEpisode(meta("h" + i, i))));
        if (i % 200 == 0) {
          s1.flush().get(T, TimeUnit.SECONDS); // lets the writer fetch the next block in time
          s2.flush().get(T, TimeUnit.SECONDS);
        }
      }
      s1.flush().get(T, TimeUnit.SECONDS);
      s2.flush().get(T, TimeUnit.SECONDS);
      assertEquals(6L * PostgresEpisodeStore.ID_BLOCK, s1.stats().episodes());
    } finally {
      s1.close();
      s2.close();
    }
  }

  @Test
  void readsReuseTheirConnectionsAndGoOnAfterTheServerRestarts() throws Exception {
    String url = PgServer.get().freshSchemaUrl();
    PostgresEpisodeStore s = store(url, 8192);
    try {
      long e = s.beginEpisode(meta("g", 1));
      for (int i = 0; i < 50; i++) {
        s.append(step(e, i));
      }
      s.flush().get(T, TimeUnit.SECONDS);
      long before = s.readConnectionsOpened();
      for (int i = 0; i < 40; i++) { // what a recall does per hit: a range of steps and the episode
        try (var c = s.readSteps(e, i, 10)) {
          assertEquals(10, drain(c));
        }
        assertEquals(50, s.episode(e).orElseThrow().steps());
      }
      assertTrue(s.readConnectionsOpened() - before <= 1,
          "80 reads opened " + (s.readConnectionsOpened() - before) + " connections");

      PgServer.get().restart(); // every connection the store held is cut
      assertEquals(50, s.episode(e).orElseThrow().steps(), "the first read after a restart succeeds");
      try (var c = s.readSteps(e, 0, 50)) {
        assertEquals(50, drain(c));
      }
    } finally {
      s.close();
    }
  }

  private static int drain(io.telos.memory.StepCursor c) {
    int n = 0;
    while (c.hasNext()) {
      c.next();
      n++;
    }
    return n;
  }

  @Test
  void aFullQueueCountsGapsThenAWriteFailureIsReportedAndRecovers() throws Exception {
    String url = PgServer.get().freshSchemaUrl();
    PostgresEpisodeStore s = store(url, 16);
    List<Object> heard = new CopyOnWriteArrayList<>();
    s.addListener(new StoreListener() {
      @Override
      public void onError(StoreError error) {
        heard.add(error.kind());
      }

      @Override
      public void onRecovered(long lostSteps) {
        heard.add(lostSteps);
      }
    });
    try {
      long e = s.beginEpisode(meta("g1", 0));
      s.flush().get(T, TimeUnit.SECONDS);
      int kept = 0;
      int refused = 0;
      try (Connection c = PgServer.get().admin(); Statement st = c.createStatement()) {
        c.setAutoCommit(false);
        st.execute("SET search_path TO " + url.substring(url.indexOf("currentSchema=") + 14));
        st.execute("LOCK TABLE telos_steps IN ACCESS EXCLUSIVE MODE"); // the writer now waits
        for (int i = 0; i < 200; i++) {
          if (s.append(step(e, i))) {
            kept++;
          } else {
            refused++;
          }
          Thread.sleep(1);
        }
        c.rollback();
      }
      s.flush().get(T, TimeUnit.SECONDS);
      assertEquals(200, kept + refused);
      assertTrue(refused > 0, "the queue of 16 overflowed");
      EpisodeSummary ep = s.episode(e).orElseThrow();
      assertEquals(kept, ep.steps());
      assertEquals(refused, ep.gaps(), "every refused step is a counted gap, persisted");
      assertEquals(200, s.stats().steps() + s.stats().gaps());

      // a failing commit: the steps table goes away under the writer
      try (Connection c = PgServer.get().admin(); Statement st = c.createStatement()) {
        st.execute("SET search_path TO " + url.substring(url.indexOf("currentSchema=") + 14));
        st.execute("ALTER TABLE telos_steps RENAME TO telos_steps_away");
        assertTrue(s.append(step(e, 1000)));
        try {
          s.flush().get(T, TimeUnit.SECONDS); // fails if the step was in the same commit, else the step was
        } catch (ExecutionException expected) {
          // its commit failed
        }
        assertEquals(List.of(StoreError.Kind.WRITE_FAILED), heard);
        st.execute("ALTER TABLE telos_steps_away RENAME TO telos_steps");
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(T);
      int i = 2000;
      while (s.failure().isPresent() && System.nanoTime() < deadline) {
        s.append(step(e, i++));
        Thread.sleep(20);
      }
      s.flush().get(T, TimeUnit.SECONDS);
      assertTrue(s.failure().isEmpty(), "recovered");
      assertTrue(heard.size() == 2 && heard.get(1) instanceof Long lost && lost >= 1, heard.toString());
      assertEquals(s.stats().steps() + s.stats().gaps(), 200 + 1 + (i - 2000));
    } finally {
      s.close();
    }
  }

  @Test
  void anUnreachableServerIsAnOpenFailureNotAnException() {
    PgServer.get();
    PostgresEpisodeStore s = new PostgresEpisodeStore("jdbc:postgresql://127.0.0.1:1/telos?password=hidden", "telos",
        null, PostgresEpisodeStore.Options.defaults().withConnectTimeoutS(2));
    List<StoreError> heard = new CopyOnWriteArrayList<>();
    s.addListener(heard::add);
    s.open();
    try {
      assertEquals(1, heard.size());
      StoreError err = heard.get(0);
      assertEquals("MEMORY_OPEN_FAILED", err.code());
      assertTrue(err.message().startsWith("memory store jdbc:postgresql://127.0.0.1:1/telos?password=***: cannot open ("),
          err.message());
      assertFalse(err.message().contains("hidden"));
      long e = s.beginEpisode(meta("g1", 0));
      assertFalse(s.append(step(e, 0)));
      assertThrows(EpisodeStoreException.class, s::stats);
    } finally {
      s.close();
    }
  }

  @Test
  void aReaderSeesWhatWritersCommitted() throws Exception {
    String url = PgServer.get().freshSchemaUrl();
    PostgresEpisodeStore w = store(url, 8192);
    PostgresEpisodeStore r = PostgresEpisodeStore.reader(url, PgServer.get().user(), null);
    try {
      long e = w.beginEpisode(meta("g1", 0));
      w.append(step(e, 0));
      w.flush().get(T, TimeUnit.SECONDS);
      r.open();
      assertTrue(r.failure().isEmpty(), () -> String.valueOf(r.failure()));
      assertEquals(List.of(step(e, 0)), read(r, e));
      assertThrows(IllegalStateException.class, () -> r.beginEpisode(meta("g2", 0)));
    } finally {
      r.close();
      w.close();
    }
    PostgresEpisodeStore empty = PostgresEpisodeStore.reader(PgServer.get().freshSchemaUrl(), "telos", null);
    empty.open();
    assertTrue(empty.failure().orElseThrow().message().contains("not a Telos memory store"));
    empty.close();
  }
}
