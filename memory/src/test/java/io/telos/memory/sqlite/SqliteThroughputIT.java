package io.telos.memory.sqlite;

import static io.telos.memory.Steps.meta;
import static io.telos.memory.Steps.step;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.telos.memory.StepRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures, and prints, what group commit buys: steps per second from the first append until all
 * are durable, for both {@code synchronous} settings, against one commit per step. No timing is
 * asserted (machines differ); only that nothing was lost.
 */
class SqliteThroughputIT {
  @TempDir
  Path dir;

  @Test
  void printGroupCommitThroughput() throws Exception {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "%nmemory store throughput (6-joint steps, %d B of vectors each):%n%-9s %-12s %8s %12s %9s %11s %10s%n",
        bytesOfVectors(step(1, 0)), "sync", "commit", "steps", "steps/s", "commits", "steps/commit", "ns/append"));
    run(SqliteEpisodeStore.Synchronous.NORMAL, 4096, 50_000); // warm-up, not printed
    for (SqliteEpisodeStore.Synchronous sync : SqliteEpisodeStore.Synchronous.values()) {
      out.append(run(sync, 4096, 100_000));
      out.append(run(sync, 1, 5_000));
    }
    out.append(String.format(Locale.ROOT, "paced at 1 kHz for 1 s (a servo-rate robot):%n%-9s %9s %11s %14s%n",
        "sync", "commits", "steps/commit", "last durable"));
    for (SqliteEpisodeStore.Synchronous sync : SqliteEpisodeStore.Synchronous.values()) {
      out.append(paced(sync, 1_000));
    }
    System.out.println(out);
  }

  private String paced(SqliteEpisodeStore.Synchronous sync, int n) throws Exception {
    Path file = Files.createTempDirectory(dir, "paced").resolve("memory.db");
    SqliteEpisodeStore s = new SqliteEpisodeStore(file, SqliteEpisodeStore.Options.defaults().withSynchronous(sync));
    s.open();
    long id = s.beginEpisode(meta("paced", 0));
    s.flush().get(30, TimeUnit.SECONDS);
    long commitsBefore = s.commits();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long due = t0 + i * 1_000_000L;
      while (System.nanoTime() < due) {
        LockSupport.parkNanos(50_000);
      }
      s.append(step(id, i));
    }
    long t1 = System.nanoTime();
    s.flush().get(30, TimeUnit.SECONDS);
    long t2 = System.nanoTime();
    long commits = s.commits() - commitsBefore;
    assertEquals(n, s.durableSteps());
    s.close();
    return String.format(Locale.ROOT, "%-9s %9d %11.1f %11.2f ms%n", sync, commits, (double) n / commits,
        (t2 - t1) / 1e6);
  }

  private String run(SqliteEpisodeStore.Synchronous sync, int maxBatch, int n) throws Exception {
    StepRecord[] steps = new StepRecord[n];
    Path file = Files.createTempDirectory(dir, sync.name()).resolve("memory.db");
    SqliteEpisodeStore s = new SqliteEpisodeStore(file,
        SqliteEpisodeStore.Options.defaults().withSynchronous(sync).withMaxBatch(maxBatch).withQueueCapacity(n));
    s.open();
    long id = s.beginEpisode(meta("bench", 0));
    for (int i = 0; i < n; i++) {
      steps[i] = step(id, i);
    }
    s.flush().get(30, TimeUnit.SECONDS);
    long commitsBefore = s.commits();
    long t0 = System.nanoTime();
    for (StepRecord r : steps) {
      s.append(r);
    }
    long t1 = System.nanoTime();
    s.flush().get(120, TimeUnit.SECONDS);
    long t2 = System.nanoTime();
    long commits = s.commits() - commitsBefore;
    assertEquals(n, s.durableSteps());
    s.close();
    return String.format(Locale.ROOT, "%-9s %-12s %8d %12.0f %9d %11.1f %10.0f%n", sync,
        maxBatch == 1 ? "per step" : "group", n, n / ((t2 - t0) / 1e9), commits, (double) n / Math.max(1, commits),
        (t1 - t0) / (double) n);
  }

  private static int bytesOfVectors(StepRecord r) {
    return 8 * (r.state().size() + r.eePosition().size() + r.latent().size() + r.commandPosition().size()
        + r.commandVelocity().size());
  }
}
