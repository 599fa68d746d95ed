package io.telos.launch.memory;

import io.telos.api.Mode;
import io.telos.api.Vec;
import io.telos.memory.EpisodeMeta;
import io.telos.memory.Outcome;
import io.telos.memory.Recall;
import io.telos.memory.StepRecord;
import io.telos.memory.VectorBytes;
import io.telos.memory.recall.SimilarityRecall;
import io.telos.memory.recall.StepIndex;
import io.telos.memory.recall.VectorSpace;
import io.telos.memory.sqlite.SqliteEpisodeStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code telos memory bench}: what the embedded store and recall cost on this machine.
 *
 * <ol>
 *   <li><b>Writes.</b> The same synthetic 6-joint steps written (a) through
 *       {@link SqliteEpisodeStore} (group commit, {@code synchronous=FULL}, every step durable when
 *       {@code flush()} returns) and (b) as a raw SQLite batch: plain JDBC {@code executeBatch} of
 *       the same rows in one transaction on the same schema and settings, the floor any store on
 *       SQLite pays.
 *   <li><b>Recall</b> at each size: a store of that many steps (random walks of 12-d states, 1000
 *       steps an episode) is written, the HNSW {@link StepIndex} is built from it, then k = 10
 *       queries near the data are timed: the index search alone, the full
 *       {@link SimilarityRecall} (index + horizon of 10 commands + outcome read from SQLite), an
 *       exact scan of the same vectors in RAM (the best brute force can do), and the reference
 *       {@link Recall} (a streamed scan of the store, few queries: it reads every step). recall@10
 *       of the index against the exact scan is printed alongside.
 * </ol>
 *
 * Everything is written under a temporary directory (deleted at the end unless {@code --keep}).
 */
@Command(name = "bench", description = "Measure durable write rate (group commit vs a raw SQLite batch) and "
    + "recall latency (HNSW vs brute force) at 100k and 1M steps.")
public final class BenchCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--write-steps", description = "Steps for the write comparison (default ${DEFAULT-VALUE}).")
  int writeSteps = 200_000;

  @Option(names = "--sizes", split = ",", description = "Store sizes for recall (default ${DEFAULT-VALUE}).")
  List<Integer> sizes = List.of(100_000, 1_000_000);

  @Option(names = "--queries", description = "Timed queries per method (default ${DEFAULT-VALUE}).")
  int queries = 1_000;

  @Option(names = "--store-scan-queries", description = "Queries for the store-scanning brute force, which reads "
      + "every step each time (default ${DEFAULT-VALUE}).")
  int storeScanQueries = 10;

  @Option(names = "--dir", description = "Where to write the bench stores (default: a temporary directory).")
  Path dir;

  @Option(names = "--keep", description = "Keep the bench stores.")
  boolean keep;

  @Option(names = "--ef-search", description = "HNSW candidates per search (default ${DEFAULT-VALUE}).")
  int efSearch = StepIndex.DEFAULT_EF_SEARCH;

  @Option(names = "--hnsw-m", description = "HNSW graph degree (default ${DEFAULT-VALUE}).")
  int maxConn = StepIndex.DEFAULT_MAX_CONN;

  @Option(names = "--hnsw-beam", description = "HNSW build beam width (default ${DEFAULT-VALUE}).")
  int beamWidth = StepIndex.DEFAULT_BEAM_WIDTH;

  @Option(names = "--seed", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed = 1;

  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    Path base = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("telos-memory-bench");
    try {
      out.printf(Locale.ROOT, "telos memory bench: %d cores, Java %s, %s%n", Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"), base);
      writes(base);
      for (int n : sizes) {
        recall(base, n);
      }
    } finally {
      if (!keep) {
        delete(base);
      }
    }
    return 0;
  }

  // ---------------------------------------------------------------- writes

  static StepRecord sixJointStep(long episode, long i) {
    double t = i * 1e-3;
    double[] state = new double[12];
    double[] cmd = new double[6];
    double[] vel = new double[6];
    for (int j = 0; j < 6; j++) {
      state[j] = Math.sin(t + j);
      state[6 + j] = Math.cos(t + j);
      cmd[j] = state[j] + 1e-3;
      vel[j] = -0.5 * j;
    }
    return new StepRecord(episode, i, 1_000_000L * i, Vec.of(state), Vec.of(0.4, -0.1 * t, 0.3), Vec.empty(),
        Vec.of(cmd), Vec.of(vel), Mode.AUTONOMOUS, 1.5 + t, "bench", null);
  }

  private void writes(Path base) throws Exception {
    out.printf(Locale.ROOT, "%nwrites: %d 6-joint steps (216 B of vectors each), synchronous=FULL, WAL%n", writeSteps);
    out.printf(Locale.ROOT, "%-36s %12s %10s%n", "", "steps/s", "commits");
    for (int round = 0; round < 2; round++) { // the first round warms the JIT up
      Path f = base.resolve("write-store-" + round + ".db");
      long commits;
      long t0;
      double storeRate;
      // a queue that holds the whole burst, so that no step is refused (counted as a gap)
      try (SqliteEpisodeStore store = new SqliteEpisodeStore(f,
          SqliteEpisodeStore.Options.defaults().withQueueCapacity(writeSteps))) {
        store.open();
        t0 = System.nanoTime();
        long ep = store.beginEpisode(new EpisodeMeta("bench", "", "bench", "bench", false, 0));
        for (int i = 0; i < writeSteps; i++) {
          if (!store.append(sixJointStep(ep, i))) {
            throw new IllegalStateException("step refused by the store: " + store.failure());
          }
        }
        store.endEpisode(ep, Outcome.REACHED, writeSteps);
        store.flush().get(60, TimeUnit.SECONDS);
        commits = store.commits();
        storeRate = writeSteps / ((System.nanoTime() - t0) / 1e9);
      }

      Path g = base.resolve("write-raw-" + round + ".db");
      double rawRate = rawBatch(g, f, writeSteps);
      if (round == 1) {
        out.printf(Locale.ROOT, "%-36s %12.0f %10d%n", "store (group commit, durable)", storeRate, commits);
        out.printf(Locale.ROOT, "%-36s %12.0f %10d%n", "raw JDBC executeBatch, 1 transaction", rawRate, 1);
        out.printf(Locale.ROOT, "store / raw: %.2f%n", storeRate / rawRate);
      }
    }
  }

  /** The same rows into a copy of the store's empty schema, one executeBatch in one transaction. */
  private static double rawBatch(Path file, Path schemaFrom, int n) throws SQLException {
    List<String> ddl = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + schemaFrom); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'")) {
      while (rs.next()) {
        ddl.add(rs.getString(1));
      }
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        for (String d : ddl) {
          s.execute(d);
        }
      }
      long t0 = System.nanoTime();
      c.setAutoCommit(false);
      try (PreparedStatement p = c.prepareStatement("INSERT INTO steps (episode_id, step_index, stamp_ns, state, "
          + "ee_position, latent, command_position, command_velocity, mode, energy, goal_id, fault_code) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (int i = 0; i < n; i++) {
          StepRecord r = sixJointStep(1, i);
          p.setLong(1, 1);
          p.setLong(2, i);
          p.setLong(3, r.stampNs());
          p.setBytes(4, VectorBytes.encode(r.state()));
          p.setBytes(5, VectorBytes.encode(r.eePosition()));
          p.setBytes(6, VectorBytes.encode(r.latent()));
          p.setBytes(7, VectorBytes.encode(r.commandPosition()));
          p.setBytes(8, VectorBytes.encode(r.commandVelocity()));
          p.setString(9, r.mode().name());
          p.setDouble(10, r.energy());
          p.setString(11, r.goalId());
          p.setNull(12, Types.VARCHAR);
          p.addBatch();
        }
        p.executeBatch();
      }
      c.commit();
      return n / ((System.nanoTime() - t0) / 1e9);
    }
  }

  // ---------------------------------------------------------------- recall

  private void recall(Path base, int n) throws Exception {
    int perEpisode = 1_000;
    int episodes = Math.max(1, n / perEpisode);
    Path f = base.resolve("recall-" + n + ".db");
    Random r = new Random(seed);
    long t0 = System.nanoTime();
    float[][] flat = new float[episodes * perEpisode][];
    long[] keys = new long[flat.length];
    try (SqliteEpisodeStore store = new SqliteEpisodeStore(f,
        SqliteEpisodeStore.Options.defaults().withQueueCapacity(1 << 20))) {
      store.open();
      writeRandomWalks(store, episodes, perEpisode, r, flat, keys);
      double writeS = (System.nanoTime() - t0) / 1e9;

      long t1 = System.nanoTime();
      try (StepIndex index = new StepIndex(store, 1_000, efSearch, maxConn, beamWidth)) {
        long indexed = index.build();
        double buildS = (System.nanoTime() - t1) / 1e9;
        out.printf(Locale.ROOT, "%nrecall, k=10, %,d steps (%d episodes of %d 12-d states): store written in %.1f s, "
            + "HNSW (M %d, beam %d) built from it in %.1f s (%,d steps/s), efSearch %d, %d queries near the data%n",
            indexed, episodes, perEpisode, writeS, maxConn, beamWidth, buildS, (long) (indexed / buildS),
            index.efSearch(), queries);
        Vec[] qs = new Vec[queries];
        for (int i = 0; i < queries; i++) {
          float[] at = flat[r.nextInt(flat.length)];
          double[] q = new double[12];
          for (int j = 0; j < 12; j++) {
            q[j] = at[j] + 0.1 * r.nextGaussian();
          }
          qs[i] = Vec.of(q);
        }
        // warm up (JIT) on the same queries
        for (int i = 0; i < Math.min(500, queries); i++) {
          index.search(VectorSpace.STATE, qs[i], 10);
          exactScan(flat, keys, floats(qs[i]), 10);
        }
        long[] hnsw = new long[queries];
        int agree = 0;
        List<List<Long>> hnswKeys = new ArrayList<>();
        for (int i = 0; i < queries; i++) {
          long s = System.nanoTime();
          List<StepIndex.Hit> hits = index.search(VectorSpace.STATE, qs[i], 10);
          hnsw[i] = System.nanoTime() - s;
          hnswKeys.add(hits.stream().map(h -> (h.episodeId() << 32) | h.index()).toList());
        }
        long[] exact = new long[queries];
        for (int i = 0; i < queries; i++) {
          long s = System.nanoTime();
          List<Long> truth = exactScan(flat, keys, floats(qs[i]), 10);
          exact[i] = System.nanoTime() - s;
          for (long key : hnswKeys.get(i)) {
            if (truth.contains(key)) {
              agree++;
            }
          }
        }
        SimilarityRecall sr = new SimilarityRecall(store, index);
        long[] full = new long[queries];
        for (int i = 0; i < queries; i++) {
          long s = System.nanoTime();
          sr.nearest(VectorSpace.STATE, qs[i], 10, 10);
          full[i] = System.nanoTime() - s;
        }
        Recall brute = new Recall(store);
        int bq = Math.min(storeScanQueries, queries);
        long[] scan = new long[bq];
        for (int i = 0; i < bq; i++) {
          long s = System.nanoTime();
          brute.nearest(qs[i], 10);
          scan[i] = System.nanoTime() - s;
        }
        out.printf(Locale.ROOT, "%-52s %10s %10s %10s %8s%n", "", "p50 ms", "p99 ms", "p99.9 ms", "queries");
        row("HNSW search (StepIndex)", hnsw);
        row("HNSW + horizon 10 + outcome (SimilarityRecall)", full);
        row("exact scan of the vectors in RAM", exact);
        row("brute force Recall (streamed scan of the store)", scan);
        out.printf(Locale.ROOT, "HNSW recall@10 against the exact scan: %.3f%n", agree / (10.0 * queries));
        out.flush();
      }
    }
  }

  /**
   * Writes {@code episodes} random walks of {@code perEpisode} 12-d states (half reached, half
   * failed) and keeps each state as floats in {@code flat} with its key (episode, index) in {@code keys}.
   */
  private static void writeRandomWalks(SqliteEpisodeStore store, int episodes, int perEpisode, Random r,
      float[][] flat, long[] keys) throws Exception {
    int k = 0;
    for (int e = 0; e < episodes; e++) {
      long ep = store.beginEpisode(new EpisodeMeta("bench", "", "bench", "g" + e, false, 0));
      double[] q = new double[12];
      for (int j = 0; j < 12; j++) {
        q[j] = r.nextGaussian();
      }
      for (int i = 0; i < perEpisode; i++) {
        for (int j = 0; j < 12; j++) {
          q[j] += 0.05 * r.nextGaussian();
        }
        Vec state = Vec.of(q.clone());
        store.append(new StepRecord(ep, i, 1_000_000L * i, state, null, null, Vec.of(i, e), null, null, Double.NaN,
            null, null));
        flat[k] = floats(state);
        keys[k++] = (ep << 32) | i;
      }
      store.endEpisode(ep, e % 2 == 0 ? Outcome.REACHED : Outcome.FAILED, perEpisode);
      if (e % 50 == 49) {
        store.flush().get(120, TimeUnit.SECONDS);
      }
    }
    store.flush().get(120, TimeUnit.SECONDS);
  }

  private void row(String what, long[] ns) {
    long[] s = ns.clone();
    Arrays.sort(s);
    out.printf(Locale.ROOT, "%-52s %10.3f %10.3f %10s %8d%n", what, q(s, 0.5) / 1e6, q(s, 0.99) / 1e6,
        s.length >= 1000 ? String.format(Locale.ROOT, "%.3f", q(s, 0.999) / 1e6) : "-", s.length);
  }

  private static long q(long[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** The keys of the k nearest rows (squared Euclidean), nearest first. */
  static List<Long> exactScan(float[][] rows, long[] keys, float[] q, int k) {
    int[] best = new int[k];
    float[] bestD = new float[k];
    Arrays.fill(bestD, Float.POSITIVE_INFINITY);
    for (int r = 0; r < rows.length; r++) {
      float[] v = rows[r];
      float d = 0;
      for (int j = 0; j < q.length; j++) {
        float x = v[j] - q[j];
        d += x * x;
      }
      if (d < bestD[k - 1]) {
        int p = k - 1;
        while (p > 0 && bestD[p - 1] > d) {
          bestD[p] = bestD[p - 1];
          best[p] = best[p - 1];
          p--;
        }
        bestD[p] = d;
        best[p] = r;
      }
    }
    List<Long> out = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      if (bestD[i] < Float.POSITIVE_INFINITY) {
        out.add(keys[best[i]]);
      }
    }
    return out;
  }

  private static float[] floats(Vec v) {
    float[] f = new float[v.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) v.get(i);
    }
    return f;
  }

  private static void delete(Path base) throws IOException {
    try (Stream<Path> s = Files.walk(base)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
