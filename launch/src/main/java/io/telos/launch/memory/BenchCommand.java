package io.telos.launch.memory;

import io.telos.api.Mode;
import io.telos.api.Vec;
import io.telos.memory.EpisodeMeta;
import io.telos.memory.EpisodeStore;
import io.telos.memory.Outcome;
import io.telos.memory.Recall;
import io.telos.memory.StepRecord;
import io.telos.memory.VectorBytes;
import io.telos.memory.recall.SimilarityRecall;
import io.telos.memory.recall.StepIndex;
import io.telos.memory.recall.VectorSpace;
import io.telos.memory.postgres.PostgresEpisodeStore;
import io.telos.memory.sqlite.SqliteEpisodeStore;
import io.telos.runtime.config.LaunchException;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code telos memory bench}: what the episodic store and recall cost on this machine.
 *
 * <ol>
 *   <li><b>Writes</b> (SQLite only). The same synthetic 6-joint steps written (a) through
 *       {@link SqliteEpisodeStore} (group commit, {@code synchronous=FULL}, every step durable when
 *       {@code flush()} returns) and (b) as a raw SQLite batch: plain JDBC {@code executeBatch} of
 *       the same rows in one transaction on the same schema and settings, the floor any store on
 *       SQLite pays.
 *   <li><b>Recall</b> at each size: a store of that many steps (random walks of 12-d states, 1000
 *       steps an episode, {@link RandomWalks}) is written, the HNSW {@link StepIndex} is built from
 *       it, then k = 10 queries near the data are timed: the index search alone, the full
 *       {@link SimilarityRecall} (index + horizon of 10 commands + outcome read from the store), an
 *       exact scan of the same vectors in RAM (the best brute force can do), and the reference
 *       {@link Recall} (a streamed scan of the store, few queries: it reads every step). recall@10
 *       of the index against the exact scan is printed alongside.
 * </ol>
 *
 * <p><b>Stores.</b> {@code --store sqlite} (the default) writes the walks through the store under a
 * temporary directory (deleted at the end unless {@code --keep}). {@code --store postgres --url
 * jdbc:postgresql://HOST:PORT/DB} measures the fleet store ({@link PostgresEpisodeStore}): each size
 * gets a schema of its own in that database (dropped at the end unless {@code --keep}), loaded by
 * binary COPY in one transaction ({@link PgBenchStore}) rather than through the group-commit writer,
 * then read through the store like the SQLite one. The index is timed once Lucene's background
 * merges are over and the searcher sees the merged segments.
 *
 * <p>Progress goes to stderr for stores of {@value #PROGRESS_FROM} steps or more (not with
 * {@code --quiet}); the figures go to stdout.
 */
@Command(name = "bench", description = "Measure durable write rate (group commit vs a raw SQLite batch) and "
    + "recall latency (HNSW vs brute force) at 100k and 1M steps, on SQLite (default) or on a PostgreSQL fleet "
    + "store (--store postgres --url ...).")
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

  @Option(names = "--store", description = "Store to measure: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  StoreKind store = StoreKind.sqlite;

  @Option(names = "--url", description = "With --store postgres: the database, jdbc:postgresql://HOST:PORT/DB (the "
      + "bench writes in schemas of its own there).")
  String url;

  @Option(names = "--user", description = "With --store postgres: the role (default: from the URL).")
  String user;

  @Option(names = "--password", description = "With --store postgres: the password (default: $PGPASSWORD, if set).")
  String password;

  @Option(names = {"-q", "--quiet"}, description = "No progress on stderr.")
  boolean quiet;

  /** Stores the bench measures. */
  public enum StoreKind { sqlite, postgres }

  /** Stores this large (steps) or larger show progress. */
  static final int PROGRESS_FROM = 1_000_000;
  private static final int K = 10;
  private static final int HORIZON = 10;
  private static final double GIB = 1024.0 * 1024 * 1024;

  private PrintWriter out;
  private PrintWriter err;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    err = spec.commandLine().getErr();
    checkStoreOptions();
    Path base = store == StoreKind.sqlite ? workDir() : null;
    try {
      out.printf(Locale.ROOT, "telos memory bench: %s store, %d cores, Java %s, max heap %.1f GiB, %s%n", store,
          Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
          Runtime.getRuntime().maxMemory() / GIB, base != null ? base : shownUrl(url));
      if (base != null) {
        writes(base);
      } else {
        out.printf(Locale.ROOT, "%nwrites: not measured with --store postgres (the steps are loaded by COPY)%n");
      }
      for (int n : sizes) {
        recall(base, n);
      }
    } finally {
      if (base != null && !keep) {
        delete(base);
      }
    }
    return 0;
  }

  /** Refuses options that do not fit {@code --store} (exit status 2, with the usage). */
  private void checkStoreOptions() {
    if (store == StoreKind.postgres) {
      if (url == null) {
        throw usage("--store postgres needs --url jdbc:postgresql://HOST:PORT/DB");
      }
      if (!url.startsWith("jdbc:postgresql://")) {
        throw usage("--url must be a PostgreSQL JDBC URL, jdbc:postgresql://HOST:PORT/DB, was " + shownUrl(url));
      }
      if (url.contains("currentSchema=")) {
        throw usage("--url must not name currentSchema: the bench makes schemas of its own");
      }
      if (dir != null) {
        throw usage("--dir is for --store sqlite");
      }
      if (password == null) {
        password = System.getenv("PGPASSWORD");
      }
    } else if (url != null || user != null || password != null) {
      throw usage("--url, --user and --password are for --store postgres");
    }
    for (int n : sizes) {
      if (n < 1) {
        throw usage("--sizes must be positive, was " + n);
      }
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private Path workDir() throws IOException {
    return dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("telos-memory-bench");
  }

  /** The URL as printed: any password in it masked. */
  static String shownUrl(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
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

  /** A store of about {@code n} steps of {@link RandomWalks}, the index built from it, the queries timed. */
  private void recall(Path base, int n) throws Exception {
    RandomWalks walks = new RandomWalks(n);
    Random r = new Random(seed);
    boolean show = !quiet && walks.steps() >= PROGRESS_FROM;
    if (store == StoreKind.postgres) {
      try (PgBenchStore pg = openPostgres(walks.steps())) {
        String written = loadPostgres(pg, walks, r, show);
        note(written, show);
        measure(pg.store(), walks, r, written, show);
      }
    } else {
      try (SqliteEpisodeStore s = new SqliteEpisodeStore(base.resolve("recall-" + n + ".db"),
          SqliteEpisodeStore.Options.defaults().withQueueCapacity(1 << 20))) {
        s.open();
        String written = writeSqlite(s, walks, r, show);
        note(written, show);
        measure(s, walks, r, written, show);
      }
    }
  }

  /** Writes the walks through the store (group commit), flushing every 50 episodes; says what it took. */
  private String writeSqlite(SqliteEpisodeStore s, RandomWalks walks, Random r, boolean show) throws Exception {
    long t0 = System.nanoTime();
    walks.write(r, new RandomWalks.Sink() {
      @Override
      public long begin(int e) {
        return s.beginEpisode(new EpisodeMeta("bench", "", "bench", "g" + e, false, 0));
      }

      @Override
      public void step(StepRecord step) {
        s.append(step);
      }

      @Override
      public void end(int e, long episodeId, Outcome outcome, long endNs) throws Exception {
        s.endEpisode(episodeId, outcome, endNs);
        if (e % 50 == 49) {
          s.flush().get(120, TimeUnit.SECONDS);
        }
      }
    }, progress("steps written", show));
    s.flush().get(120, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - t0) / 1e9;
    return String.format(Locale.ROOT, "store written in %.1f s (%,d steps/s through the store)", seconds,
        (long) (walks.steps() / seconds));
  }

  private PgBenchStore openPostgres(int steps) {
    try {
      return PgBenchStore.create(url, user, password, steps, keep);
    } catch (SQLException | IllegalStateException e) {
      throw new LaunchException("memory bench: cannot set up a store in " + shownUrl(url) + ": " + e.getMessage());
    }
  }

  /** Loads the walks by COPY, then vacuums and analyzes the tables; says what it took. */
  private String loadPostgres(PgBenchStore pg, RandomWalks walks, Random r, boolean show) throws Exception {
    PgBenchStore.Load load = pg.load(walks, r, progress("steps loaded (COPY)", show));
    double vacuumS = pg.vacuumAnalyze();
    return String.format(Locale.ROOT, "store loaded in %.1f s (binary COPY in one transaction, %,d steps/s; "
        + "VACUUM ANALYZE %.1f s; %.2f GiB on disk in schema %s)", load.seconds(), (long) load.stepsPerSecond(),
        vacuumS, pg.bytesOnDisk() / GIB, pg.schema());
  }

  /** Builds the index from {@code es} and times the four ways of recalling; prints the table. */
  private void measure(EpisodeStore es, RandomWalks walks, Random r, String written, boolean show) throws Exception {
    long heapBefore = heapInUse();
    try (StepIndex index = new StepIndex(es, 1_000, efSearch, maxConn, beamWidth)) {
      long t1 = System.nanoTime();
      long indexed = build(index, walks.steps(), show);
      double buildS = (System.nanoTime() - t1) / 1e9;
      note(String.format(Locale.ROOT, "HNSW built in %.1f s; waiting for Lucene's background merges", buildS), show);
      double mergeS = awaitIndexMerges();
      index.sync(); // searches see the merged segments, as a long-running index's do
      out.printf(Locale.ROOT, "%nrecall, k=10, %,d steps (%d episodes of %d 12-d states): %s, HNSW (M %d, beam %d) "
          + "built from it in %.1f s (%,d steps/s), efSearch %d, %d queries near the data%n", indexed, walks.episodes,
          RandomWalks.PER_EPISODE, written, maxConn, beamWidth, buildS, (long) (indexed / buildS), index.efSearch(),
          queries);
      out.printf(Locale.ROOT, "index in RAM: %.2f GiB of heap (in use after the build minus before it; max %.1f GiB); "
          + "Lucene merges went on %.1f s after the build%n", (heapInUse() - heapBefore) / GIB,
          Runtime.getRuntime().maxMemory() / GIB, mergeS);
      out.flush();
      timeQueries(es, index, walks, queries(walks, r), show);
    }
  }

  /** Builds the index, showing progress once a second (the end once, when built); returns the steps indexed. */
  private long build(StepIndex index, long total, boolean show) throws InterruptedException {
    StepProgress p = progress("steps indexed", show);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread t = new Thread(task, "memory-bench-progress");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleAtFixedRate(() -> p.update(Math.min(index.size(), total - 1), total), 1, 1, TimeUnit.SECONDS);
    try {
      return index.build();
    } finally {
      ticker.shutdownNow();
      ticker.awaitTermination(5, TimeUnit.SECONDS);
      p.update(index.size(), total);
    }
  }

  /**
   * Waits until Lucene's merge threads, which go on after {@link StepIndex#build()}, are done, so
   * that they do not share the CPUs with the timings; returns the seconds waited.
   */
  private static double awaitIndexMerges() throws InterruptedException {
    long t0 = System.nanoTime();
    while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("Lucene Merge Thread"))) {
      Thread.sleep(100);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Bytes of heap in use after a full collection. */
  private static long heapInUse() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  /** Queries near the data: a stored state plus Gaussian noise (sigma 0.1 per coordinate). */
  private Vec[] queries(RandomWalks walks, Random r) {
    Vec[] qs = new Vec[queries];
    for (int i = 0; i < queries; i++) {
      float[] at = walks.flat[r.nextInt(walks.flat.length)];
      double[] q = new double[RandomWalks.DIMS];
      for (int j = 0; j < q.length; j++) {
        q[j] = at[j] + 0.1 * r.nextGaussian();
      }
      qs[i] = Vec.of(q);
    }
    return qs;
  }

  private void timeQueries(EpisodeStore es, StepIndex index, RandomWalks walks, Vec[] qs, boolean show) {
    for (int i = 0; i < Math.min(500, queries); i++) { // warm up (JIT) on the same queries
      index.search(VectorSpace.STATE, qs[i], K);
      exactScan(walks.flat, walks.keys, RandomWalks.floats(qs[i]), K);
    }
    List<List<Long>> found = new ArrayList<>(queries);
    long[] hnsw = time("HNSW searches", queries, show, i -> found.add(keys(index.search(VectorSpace.STATE, qs[i], K))));
    List<List<Long>> truth = new ArrayList<>(queries);
    long[] exact = time("exact scans", queries, show,
        i -> truth.add(exactScan(walks.flat, walks.keys, RandomWalks.floats(qs[i]), K)));
    SimilarityRecall sr = new SimilarityRecall(es, index);
    long[] full = time("similarity recalls", queries, show, i -> sr.nearest(VectorSpace.STATE, qs[i], K, HORIZON));
    Recall brute = new Recall(es);
    long[] scan = time("store scans", Math.min(storeScanQueries, queries), show, i -> brute.nearest(qs[i], K));
    out.printf(Locale.ROOT, "%-52s %10s %10s %10s %8s%n", "", "p50 ms", "p99 ms", "p99.9 ms", "queries");
    row("HNSW search (StepIndex)", hnsw);
    row("HNSW + horizon 10 + outcome (SimilarityRecall)", full);
    row("exact scan of the vectors in RAM", exact);
    row("brute force Recall (streamed scan of the store)", scan);
    out.printf(Locale.ROOT, "HNSW recall@10 against the exact scan: %.3f%n", agreement(found, truth));
    out.flush();
  }

  /** Runs {@code query} for 0 .. count-1 and returns each one's nanoseconds. */
  private long[] time(String what, int count, boolean show, IntConsumer query) {
    StepProgress p = progress(what, show);
    long[] ns = new long[count];
    for (int i = 0; i < count; i++) {
      long s = System.nanoTime();
      query.accept(i);
      ns[i] = System.nanoTime() - s;
      p.update(i + 1, count);
    }
    return ns;
  }

  /** A phase's result on stderr as soon as it is known (the figures come out after the timings). */
  private void note(String line, boolean show) {
    if (show) {
      err.println("  " + line);
      err.flush();
    }
  }

  private StepProgress progress(String what, boolean show) {
    return new StepProgress(err, what, !show);
  }

  private static List<Long> keys(List<StepIndex.Hit> hits) {
    return hits.stream().map(h -> (h.episodeId() << 32) | h.index()).toList();
  }

  /** The share of the exact k nearest that the index found. */
  private static double agreement(List<List<Long>> found, List<List<Long>> truth) {
    long agree = 0;
    for (int i = 0; i < found.size(); i++) {
      for (long key : found.get(i)) {
        if (truth.get(i).contains(key)) {
          agree++;
        }
      }
    }
    return agree / ((double) K * found.size());
  }

  private void row(String what, long[] ns) {
    if (ns.length == 0) {
      out.printf(Locale.ROOT, "%-52s %10s %10s %10s %8d%n", what, "-", "-", "-", 0);
      return;
    }
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

  private static void delete(Path base) throws IOException {
    try (Stream<Path> s = Files.walk(base)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
