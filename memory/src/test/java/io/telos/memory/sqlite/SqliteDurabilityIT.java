package io.telos.memory.sqlite;

import static io.telos.memory.Steps.meta;
import static io.telos.memory.Steps.read;
import static io.telos.memory.Steps.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.telos.memory.EpisodeStoreException;
import io.telos.memory.EpisodeSummary;
import io.telos.memory.Outcome;
import io.telos.memory.StepRecord;
import io.telos.memory.StoreError;
import io.telos.memory.StoreListener;
import io.telos.memory.StoreStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the embedded store promises beyond the contract: durability, recovery, failure handling. */
class SqliteDurabilityIT {
  @TempDir
  Path dir;

  /** Collects what a store tells its listeners. */
  static final class Heard implements StoreListener {
    final List<StoreError> errors = new CopyOnWriteArrayList<>();
    final AtomicLong recoveredLost = new AtomicLong(-1);
    final CountDownLatch failed = new CountDownLatch(1);
    final CountDownLatch recovered = new CountDownLatch(1);

    @Override
    public void onError(StoreError error) {
      errors.add(error);
      failed.countDown();
    }

    @Override
    public void onRecovered(long lostSteps) {
      recoveredLost.set(lostSteps);
      recovered.countDown();
    }
  }

  SqliteEpisodeStore open(Path file, SqliteEpisodeStore.Options options) {
    SqliteEpisodeStore s = new SqliteEpisodeStore(file, options);
    s.open();
    assertTrue(s.failure().isEmpty(), () -> "open failed: " + s.failure());
    return s;
  }

  @Test
  void groupCommittedStepsAreAllThereAfterReopen() throws Exception {
    Path file = dir.resolve("memory.db");
    int perEpisode = 5_000;
    long[] ids = new long[4];
    SqliteEpisodeStore s = open(file, SqliteEpisodeStore.Options.defaults().withQueueCapacity(1 << 16));
    for (int e = 0; e < ids.length; e++) {
      ids[e] = s.beginEpisode(meta("g" + e, 0));
    }
    for (int i = 0; i < perEpisode; i++) {
      for (long id : ids) {
        assertTrue(s.append(step(id, i)));
      }
    }
    for (long id : ids) {
      s.endEpisode(id, Outcome.REACHED, perEpisode * 1_000_000L);
    }
    s.close();
    assertEquals(ids.length * perEpisode, s.durableSteps());
    assertTrue(s.commits() < ids.length * perEpisode, "commits " + s.commits());

    SqliteEpisodeStore again = open(file, SqliteEpisodeStore.Options.defaults());
    try {
      assertEquals(0, again.recoveredEpisodes());
      StoreStats st = again.stats();
      assertEquals(ids.length, st.episodes());
      assertEquals((long) ids.length * perEpisode, st.steps());
      assertEquals(0, st.gaps());
      assertTrue(st.bytes() > 0);
      for (long id : ids) {
        List<StepRecord> back = read(again, id);
        assertEquals(perEpisode, back.size());
        for (int i = 0; i < perEpisode; i += 997) {
          assertEquals(step(id, i), back.get(i));
        }
        assertEquals(Outcome.REACHED, again.episode(id).orElseThrow().outcome());
      }
      long next = again.beginEpisode(meta("after", 0));
      assertTrue(next > ids[ids.length - 1], "ids keep increasing across reopen");
    } finally {
      again.close();
    }
  }

  @Test
  void anEpisodeLeftOpenByACrashIsMarkedIncompleteAtItsLastStep() throws Exception {
    Path file = dir.resolve("memory.db");
    SqliteEpisodeStore s = open(file, SqliteEpisodeStore.Options.defaults());
    long done = s.beginEpisode(meta("g0", 0));
    s.endEpisode(done, Outcome.FAILED, 10);
    long id = s.beginEpisode(meta("g1", 1_000));
    for (int i = 0; i < 100; i++) {
      s.append(step(id, i));
    }
    s.flush().get(10, TimeUnit.SECONDS);
    s.crashForTest();

    SqliteEpisodeStore again = open(file, SqliteEpisodeStore.Options.defaults());
    try {
      assertEquals(1, again.recoveredEpisodes());
      EpisodeSummary e = again.episode(id).orElseThrow();
      assertEquals(Outcome.INCOMPLETE, e.outcome());
      assertEquals(step(id, 99).stampNs(), e.endNs());
      assertEquals(100, e.steps());
      assertEquals(100, read(again, id).size());
      assertEquals(Outcome.FAILED, again.episode(done).orElseThrow().outcome());
    } finally {
      again.close();
    }
  }

  @Test
  void closeEndsOpenEpisodesSoNothingNeedsRecovery() throws Exception {
    Path file = dir.resolve("memory.db");
    SqliteEpisodeStore s = open(file, SqliteEpisodeStore.Options.defaults());
    long id = s.beginEpisode(meta("g1", 500));
    s.append(step(id, 0));
    s.append(step(id, 1));
    s.close();
    SqliteEpisodeStore again = open(file, SqliteEpisodeStore.Options.defaults());
    try {
      assertEquals(0, again.recoveredEpisodes());
      EpisodeSummary e = again.episode(id).orElseThrow();
      assertEquals(Outcome.INCOMPLETE, e.outcome());
      assertEquals(step(id, 1).stampNs(), e.endNs());
    } finally {
      again.close();
    }
  }

  /**
   * Another connection holds the write lock, so the writer cannot commit: the small queue fills,
   * appends are refused without blocking or throwing, and every step ends up either stored or
   * counted as a gap of its episode, persisted once writes succeed again.
   */
  @Test
  void aFullQueueCountsGapsAndLosesNothingSilently() throws Exception {
    Path file = dir.resolve("memory.db");
    Heard heard = new Heard();
    SqliteEpisodeStore s = new SqliteEpisodeStore(file,
        SqliteEpisodeStore.Options.defaults().withQueueCapacity(16).withBusyTimeoutMs(50));
    s.addListener(heard);
    s.open();
    int total = 2_000;
    int refused = 0;
    long id;
    try (Connection blocker = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement b = blocker.createStatement()) {
      b.execute("BEGIN IMMEDIATE");
      id = s.beginEpisode(meta("g1", 0));
      for (int i = 0; i < total; i++) {
        if (!s.append(step(id, i))) {
          refused++;
        }
      }
      assertTrue(heard.failed.await(10, TimeUnit.SECONDS), "no error reported while the database was locked");
      b.execute("ROLLBACK");
    }
    assertTrue(refused > 0, "refused " + refused);
    for (int i = total; i < total + 10; i++) { // the robot goes on; these can be written again
      s.append(step(id, i));
    }
    total += 10;
    StoreError err = heard.errors.get(0);
    assertEquals(StoreError.Kind.WRITE_FAILED, err.kind());
    assertEquals("MEMORY_WRITE_FAILED", err.code());
    assertTrue(err.message().contains(file.toString()) && err.message().contains("SQLITE_BUSY"), err.message());

    s.flush().get(10, TimeUnit.SECONDS);
    assertTrue(heard.recovered.await(10, TimeUnit.SECONDS));
    assertTrue(s.failure().isEmpty());
    s.endEpisode(id, Outcome.REACHED, 1);
    s.flush().get(10, TimeUnit.SECONDS);

    EpisodeSummary e = s.episode(id).orElseThrow();
    StoreStats st = s.stats();
    assertTrue(e.gaps() >= refused, "gaps " + e.gaps() + " refused " + refused);
    assertEquals(total, e.steps() + e.gaps(), "every step is stored or counted");
    assertEquals(total, s.durableSteps() + st.gaps());
    assertEquals(e.steps(), read(s, id).size());
    assertTrue(heard.recoveredLost.get() >= 0 && heard.recoveredLost.get() <= e.gaps(),
        "lost while failing: " + heard.recoveredLost.get()); // most refusals came before the failure was seen
    s.close();
    SqliteEpisodeStore again = open(file, SqliteEpisodeStore.Options.defaults());
    try {
      assertEquals(e.gaps(), again.episode(id).orElseThrow().gaps(), "gap count persisted");
    } finally {
      again.close();
    }
  }

  /** SQLITE_FULL, as on a full disk (a page cap stands in for the disk). */
  @Test
  void aFullDiskIsReportedAndTheCallerNeverSeesAnException() throws Exception {
    Path file = dir.resolve("memory.db");
    Heard heard = new Heard();
    SqliteEpisodeStore s = new SqliteEpisodeStore(file, SqliteEpisodeStore.Options.defaults(),
        List.of("max_page_count=1"));
    s.addListener(heard);
    s.open();
    long id = s.beginEpisode(meta("g1", 0));
    int total = 3_000;
    for (int i = 0; i < total; i++) {
      s.append(step(id, i));
    }
    try {
      s.flush().get(10, TimeUnit.SECONDS); // fails when it shares the failing commit, else succeeds
    } catch (ExecutionException expected) {
      assertInstanceOf(EpisodeStoreException.class, expected.getCause());
    }
    assertTrue(heard.failed.await(10, TimeUnit.SECONDS));
    StoreError err = heard.errors.get(0);
    assertEquals(StoreError.Kind.WRITE_FAILED, err.kind());
    assertTrue(err.message().contains("SQLITE_FULL"), err.message());
    assertEquals(err, s.failure().orElseThrow());
    assertEquals(1, heard.errors.size(), "one report per failure, not per attempt");
    s.append(step(id, total)); // neither throws nor blocks
    s.endEpisode(id, Outcome.FAILED, 7);
    s.close();
    long durable = s.durableSteps();
    assertTrue(durable < total, "durable " + durable);

    SqliteEpisodeStore again = open(file, SqliteEpisodeStore.Options.defaults());
    try {
      EpisodeSummary e = again.episode(id).orElseThrow();
      assertEquals(Outcome.FAILED, e.outcome(), "small bookkeeping still got through");
      assertEquals(total + 1, e.steps() + e.gaps(), "every step is stored or counted");
      assertEquals(durable, e.steps());
    } finally {
      again.close();
    }
  }

  @Test
  void anUnusableLocationIsReportedNotThrown() throws Exception {
    Path blocker = Files.writeString(dir.resolve("not-a-dir"), "x");
    assertUnavailable(blocker.resolve("memory.db"), "cannot create directory");
  }

  @Test
  void aReadOnlyDirectoryIsReportedNotThrown() throws Exception {
    Path ro = Files.createDirectory(dir.resolve("ro"));
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
    boolean immutable = false;
    try {
      if (Files.isWritable(ro)) {
        // root ignores permissions; the immutable attribute stops root too (ext4 and most Linux filesystems)
        immutable = chattr("+i", ro);
        assumeTrue(immutable && !canCreate(ro), "running as root where chattr +i is not available");
      }
      assertUnavailable(ro.resolve("memory.db"), immutable ? "not permitted" : "permission denied");
    } finally {
      if (immutable) {
        chattr("-i", ro);
      }
      Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private static boolean chattr(String flag, Path p) throws Exception {
    try {
      Process c = new ProcessBuilder("chattr", flag, p.toString()).redirectErrorStream(true).start();
      c.getInputStream().readAllBytes();
      return c.waitFor() == 0;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static boolean canCreate(Path dir) {
    try {
      Files.delete(Files.createFile(dir.resolve("probe")));
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private void assertUnavailable(Path file, String why) throws Exception {
    Heard early = new Heard();
    SqliteEpisodeStore s = new SqliteEpisodeStore(file);
    s.addListener(early);
    s.open();
    StoreError err = s.failure().orElseThrow();
    assertEquals(StoreError.Kind.OPEN_FAILED, err.kind());
    assertTrue(err.message().contains(file.toString()) && err.message().contains(why), err.message());
    assertEquals(List.of(err), early.errors);
    Heard late = new Heard();
    s.addListener(late);
    assertEquals(List.of(err), late.errors, "a listener added later is told at once");

    long id = s.beginEpisode(meta("g1", 0));
    assertFalse(s.append(step(id, 0)));
    s.endEpisode(id, Outcome.REACHED, 1);
    assertThrows(ExecutionException.class, () -> s.flush().get(1, TimeUnit.SECONDS));
    EpisodeStoreException read = assertThrows(EpisodeStoreException.class, s::stats);
    assertEquals(err.message(), read.getMessage());
    s.close();
  }

  @Test
  void oneWriterPerFileButReadersAreWelcome() throws Exception {
    Path file = dir.resolve("memory.db");
    SqliteEpisodeStore w = open(file, SqliteEpisodeStore.Options.defaults());
    try {
      SqliteEpisodeStore second = new SqliteEpisodeStore(file);
      second.open();
      String msg = second.failure().orElseThrow().message();
      assertTrue(msg.contains("already open for writing"), msg);
      second.close();

      long id = w.beginEpisode(meta("g1", 0));
      w.append(step(id, 0));
      w.flush().get(10, TimeUnit.SECONDS);
      SqliteEpisodeStore r = SqliteEpisodeStore.reader(file);
      r.open();
      try {
        assertTrue(r.failure().isEmpty(), () -> "reader: " + r.failure());
        assertEquals(1, r.stats().steps());
        assertEquals(List.of(step(id, 0)), read(r, id));
        assertThrows(IllegalStateException.class, () -> r.beginEpisode(meta("g2", 0)));
      } finally {
        r.close();
      }
    } finally {
      w.close();
    }
  }

  @Test
  void aReaderOfAMissingStoreSaysSo() {
    SqliteEpisodeStore r = SqliteEpisodeStore.reader(dir.resolve("nothing.db"));
    r.open();
    String msg = r.failure().orElseThrow().message();
    assertTrue(msg.contains("no memory store at"), msg);
    assertThrows(EpisodeStoreException.class, () -> r.listEpisodes(5));
    r.close();
  }

  @Test
  void aStoreFromANewerSchemaIsRefused() throws Exception {
    Path file = dir.resolve("memory.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
      st.execute("PRAGMA user_version=99");
    }
    SqliteEpisodeStore s = new SqliteEpisodeStore(file);
    s.open();
    String msg = s.failure().orElseThrow().message();
    assertTrue(msg.contains("newer Telos (schema 99)"), msg);
    s.close();
  }
}
