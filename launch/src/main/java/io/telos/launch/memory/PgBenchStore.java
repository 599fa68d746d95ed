package io.telos.launch.memory;

import io.telos.memory.ObjectBytes;
import io.telos.memory.Outcome;
import io.telos.memory.StepRecord;
import io.telos.memory.VectorBytes;
import io.telos.memory.jdbc.Sql;
import io.telos.memory.postgres.PostgresEpisodeStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;

/**
 * A {@link PostgresEpisodeStore} for the recall bench, filled fast: in a schema of its own in the
 * given database ({@code telos_bench_<n>_<time>}, dropped on {@link #close()} unless kept), the store
 * opened once as a writer (which creates the tables and takes a writer id), then the walks loaded
 * in one transaction beside it: the steps by binary {@code COPY}, the episodes (ended, with their
 * step counts) by a second {@code COPY}, with ids from the store's own id blocks. Rows are laid out
 * as the store's writer lays them out (vectors as little-endian doubles, NULL for no energy, mode,
 * goal, fault or objects), so the store's reads ({@link io.telos.memory.recall.StepIndex#build()},
 * {@code readSteps}, {@code episode}) see them as its own.
 */
final class PgBenchStore implements AutoCloseable {
  /** Episode ids come in blocks of this many (the store's id block). */
  private static final int ID_BLOCK = 1024;
  private static final String EPISODE_COLUMNS =
      "id, robot_id, launch_source, policy, goal_id, operator, start_ns, end_ns, outcome, steps, gaps, writer_id";

  /** What a load took. */
  record Load(long steps, long episodes, double seconds) {
    double stepsPerSecond() {
      return steps / seconds;
    }
  }

  private record EpisodeRow(long id, int e, Outcome outcome, long endNs, long steps) {}

  private final String url;
  private final Properties login;
  private final String schema;
  private final boolean keep;
  private final PostgresEpisodeStore store;

  private PgBenchStore(String url, Properties login, String schema, boolean keep) {
    this.url = url;
    this.login = login;
    this.schema = schema;
    this.keep = keep;
    this.store = new PostgresEpisodeStore(inSchema(url, schema), login.getProperty("user"),
        login.getProperty("password"));
  }

  /**
   * Creates the schema for a store of {@code steps} steps and opens the store in it.
   *
   * @throws IllegalStateException when the store does not open (with the store's message)
   */
  static PgBenchStore create(String url, String user, String password, int steps, boolean keep) throws SQLException {
    Properties login = new Properties();
    if (user != null) {
      login.setProperty("user", user);
    }
    if (password != null) {
      login.setProperty("password", password);
    }
    String schema = String.format(Locale.ROOT, "telos_bench_%d_%d", steps, System.currentTimeMillis());
    try (Connection c = DriverManager.getConnection(url, login); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    PgBenchStore b = new PgBenchStore(url, login, schema, keep);
    b.store.open();
    if (b.store.failure().isPresent()) {
      b.close();
      throw new IllegalStateException(b.store.failure().get().message());
    }
    return b;
  }

  /** {@code url} with {@code currentSchema} set to {@code schema}. */
  static String inSchema(String url, String schema) {
    return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  PostgresEpisodeStore store() {
    return store;
  }

  String schema() {
    return schema;
  }

  /** Writes {@code walks} (generated from {@code r}) in one transaction; steps by COPY, then episodes. */
  Load load(RandomWalks walks, Random r, StepProgress progress) throws Exception {
    try (Connection c = connect()) {
      List<Long> ids = reserveEpisodeIds(c, walks.episodes);
      c.setAutoCommit(false);
      long t0 = System.nanoTime();
      List<EpisodeRow> episodes = new ArrayList<>(walks.episodes);
      long steps;
      try (PgBinaryCopy copy = new PgBinaryCopy(c, "telos_steps", Sql.STEP_COLUMNS)) {
        walks.write(r, stepSink(copy, ids, episodes), progress);
        steps = copy.finish();
      }
      try (PgBinaryCopy copy = new PgBinaryCopy(c, "telos_episodes", EPISODE_COLUMNS)) {
        for (EpisodeRow e : episodes) {
          writeEpisode(copy, e, store.writerId());
        }
        copy.finish();
      }
      c.commit();
      return new Load(steps, episodes.size(), (System.nanoTime() - t0) / 1e9);
    }
  }

  /** {@code VACUUM (ANALYZE)} of both tables, as autovacuum would do after a load; returns the seconds it took. */
  double vacuumAnalyze() throws SQLException {
    long t0 = System.nanoTime();
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("VACUUM (ANALYZE) telos_steps, telos_episodes");
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** The size of both tables with their indexes. */
  long bytesOnDisk() throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT pg_total_relation_size('telos_steps') + pg_total_relation_size('telos_episodes')")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Closes the store and drops the schema unless kept. */
  @Override
  public void close() throws SQLException {
    store.close();
    if (!keep) {
      try (Connection c = DriverManager.getConnection(url, login); Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(inSchema(url, schema), login);
  }

  /** Ids for {@code n} episodes: whole blocks taken from the store's block sequence, as a writer takes them. */
  private static List<Long> reserveEpisodeIds(Connection c, int n) throws SQLException {
    List<Long> ids = new ArrayList<>(n);
    try (PreparedStatement p = c.prepareStatement(
        "SELECT nextval('telos_episode_blocks') FROM generate_series(1, ?)")) {
      p.setInt(1, (n + ID_BLOCK - 1) / ID_BLOCK);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next() && ids.size() < n) {
          long first = (rs.getLong(1) - 1) * ID_BLOCK + 1;
          for (int k = 0; k < ID_BLOCK && ids.size() < n; k++) {
            ids.add(first + k);
          }
        }
      }
    }
    return ids;
  }

  private static RandomWalks.Sink stepSink(PgBinaryCopy copy, List<Long> ids, List<EpisodeRow> episodes) {
    return new RandomWalks.Sink() {
      private long steps;

      @Override
      public long begin(int e) {
        steps = 0;
        return ids.get(e);
      }

      @Override
      public void step(StepRecord s) throws SQLException {
        writeStep(copy, s);
        steps++;
      }

      @Override
      public void end(int e, long episodeId, Outcome outcome, long endNs) {
        episodes.add(new EpisodeRow(episodeId, e, outcome, endNs, steps));
      }
    };
  }

  /** A step's thirteen columns ({@link Sql#STEP_COLUMNS}), encoded as the store's writer binds them. */
  static void writeStep(PgBinaryCopy copy, StepRecord s) throws SQLException {
    copy.row(13).int8(s.episodeId()).int8(s.index()).int8(s.stampNs())
        .bytes(VectorBytes.encode(s.state()))
        .bytes(VectorBytes.encode(s.eePosition()))
        .bytes(VectorBytes.encode(s.latent()))
        .bytes(VectorBytes.encode(s.commandPosition()))
        .bytes(VectorBytes.encode(s.commandVelocity()))
        .text(s.mode() == null ? null : s.mode().name())
        .float8OrNull(s.energy())
        .text(s.goalId())
        .text(s.faultCode())
        .bytes(ObjectBytes.encode(s.objects(), s.stampNs()));
  }

  /** An ended episode as the bench's SQLite walks record it: robot and policy "bench", goal "g&lt;n&gt;", start 0. */
  private static void writeEpisode(PgBinaryCopy copy, EpisodeRow e, long writerId) throws SQLException {
    copy.row(12).int8(e.id()).text("bench").text("").text("bench").text("g" + e.e()).bool(false).int8(0)
        .int8(e.endNs()).text(e.outcome().label()).int8(e.steps()).int8(0).int8(writerId);
  }
}
