package io.telos.memory.postgres;

import io.telos.memory.EpisodeStore;
import io.telos.memory.Outcome;
import io.telos.memory.jdbc.JdbcEpisodeStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EpisodeStore} in a PostgreSQL database, so that a fleet of robots can share one
 * memory. Same semantics as the embedded SQLite store, and the same code ({@link JdbcEpisodeStore}):
 * one writer thread per instance with group commit, a bounded queue whose overflow is counted as
 * gaps, write failures reported once and retried with back-off, episodes left open by a dead
 * writer marked incomplete. This class is what is particular to PostgreSQL: writer ids and their
 * advisory locks, id blocks, reconnecting, {@link PgSchema}.
 *
 * <p><b>Many writers.</b> Any number of store instances (one per robot process) may write to the
 * same database. Episode ids come from a shared sequence in blocks of {@value #ID_BLOCK}, so
 * {@link #beginEpisode} needs no round trip; ids are unique across the fleet and increase within
 * an instance. {@link #listEpisodes} is newest first by the time the database recorded the start.
 *
 * <p><b>Recovery.</b> Each writing instance takes a writer id and holds a session-level advisory
 * lock on it for as long as its connection lives; its episodes carry the writer id. {@link #open()}
 * marks open episodes of writers whose lock is free (the process died, its connection ended) as
 * {@link Outcome#INCOMPLETE}, ending at their last stored step; a live writer's episodes are left
 * alone.
 *
 * <p><b>Durability.</b> A step is durable once the commit holding it returns (the server's
 * {@code synchronous_commit}, {@code on} by default).
 */
public final class PostgresEpisodeStore extends JdbcEpisodeStore {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresEpisodeStore.class);
  private static final String COMPONENT = "memory/postgres";
  static final int ID_BLOCK = 1024;

  /**
   * Settings of a store.
   *
   * @param queueCapacity steps that may wait for the writer; more are refused and counted as gaps
   * @param maxBatch most operations in one commit
   * @param readOnly open for reading only: no writer id, no recovery, no writer thread
   * @param connectTimeoutS seconds to wait for a connection (also the socket timeout of a login)
   */
  public record Options(int queueCapacity, int maxBatch, boolean readOnly, int connectTimeoutS) {
    public Options {
      if (queueCapacity < 1) {
        throw new IllegalArgumentException("queueCapacity must be >= 1, was " + queueCapacity);
      }
      if (maxBatch < 1) {
        throw new IllegalArgumentException("maxBatch must be >= 1, was " + maxBatch);
      }
      if (connectTimeoutS < 1) {
        throw new IllegalArgumentException("connectTimeoutS must be >= 1, was " + connectTimeoutS);
      }
    }

    /** Queue 8192 steps, batches of up to 4096, 5 s connect timeout. */
    public static Options defaults() {
      return new Options(8192, 4096, false, 5);
    }

    public Options withQueueCapacity(int n) {
      return new Options(n, maxBatch, readOnly, connectTimeoutS);
    }

    public Options withMaxBatch(int n) {
      return new Options(queueCapacity, n, readOnly, connectTimeoutS);
    }

    public Options withConnectTimeoutS(int s) {
      return new Options(queueCapacity, maxBatch, readOnly, s);
    }

    public Options asReadOnly() {
      return new Options(queueCapacity, maxBatch, true, connectTimeoutS);
    }
  }

  private final String url;
  private final String shownUrl;
  private final String user;
  private final String password;
  private final Options options;

  // id blocks (guarded by this for the producer side; nextBlock is written by the writer thread)
  private long nextId = 1;
  private long blockEnd = 0;
  private volatile long nextBlock = -1;
  private boolean refillRequested;

  private volatile long writerId;

  /**
   * @param url a {@code jdbc:postgresql://host:port/database} URL (may name {@code currentSchema})
   * @param user the role, or null to take it from the URL
   * @param password the password, or null
   */
  public PostgresEpisodeStore(String url, String user, String password) {
    this(url, user, password, Options.defaults());
  }

  public PostgresEpisodeStore(String url, String user, String password, Options options) {
    super(COMPONENT, "url", redact(checkUrl(url)), PgSchema.SQL, Objects.requireNonNull(options, "options")
        .queueCapacity(), options.maxBatch(), options.readOnly(), 2L * options.connectTimeoutS() * 1000 + 10_000);
    this.url = url;
    this.shownUrl = redact(url);
    this.user = user;
    this.password = password;
    this.options = options;
  }

  private static String checkUrl(String url) {
    Objects.requireNonNull(url, "url");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database): " + redact(url));
    }
    return url;
  }

  /** Opens a store for reading only (e.g. for the CLI while robots are writing). */
  public static PostgresEpisodeStore reader(String url, String user, String password) {
    return new PostgresEpisodeStore(url, user, password, Options.defaults().asReadOnly());
  }

  /** The URL with any password in it masked. */
  public String url() {
    return shownUrl;
  }

  public String user() {
    return user;
  }

  public Options options() {
    return options;
  }

  /** This instance's writer id (0 before a successful open or for a reader). */
  public long writerId() {
    return writerId;
  }

  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  /**
   * For tests: stops like a killed process. Queued work is dropped, open episodes are not ended,
   * the connection is closed (so the server releases the writer's lock, as when a process dies).
   */
  void crashForTest() throws InterruptedException {
    crash();
    awaitLockReleased(Duration.ofSeconds(10));
  }

  /**
   * The server releases a closed session's advisory lock when its backend has processed the
   * close, a moment after the client's close returns: waits for that, as a restarted process
   * would find the lock released.
   */
  private void awaitLockReleased(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Connection c = connect()) {
      while (!tryLock(c, writerId)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the server kept writer " + writerId + "'s lock for " + timeout);
        }
        Thread.sleep(5); // polling the server: there is no notification for a released lock
      }
      unlock(c, writerId);
    } catch (SQLException e) {
      throw new IllegalStateException("could not check writer " + writerId + "'s lock", e);
    }
  }

  // ---------------------------------------------------------------- opening

  @Override
  protected void openReader() throws SQLException {
    try (Connection c = connect()) {
      checkVersion(c);
    }
  }

  @Override
  protected Connection connectWriter() throws SQLException {
    return connect();
  }

  /**
   * Creates or migrates the tables (under a transaction-level advisory lock, so writers starting
   * together do not race), takes a writer id, recovers gone writers' episodes and fetches the
   * first id block; leaves the connection out of autocommit for the writer's transactions.
   */
  @Override
  protected long setUpWriter(Connection c) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_advisory_xact_lock(" + PgSchema.LOCK_CLASS + ")");
      for (String ddl : PgSchema.CREATE) {
        s.execute(ddl);
      }
      if (!hasObjectsColumn(c)) {
        s.execute(PgSchema.ADD_OBJECTS);
      }
      try (ResultSet rs = s.executeQuery("SELECT max(version) FROM telos_memory_schema")) {
        rs.next();
        int v = rs.getInt(1);
        if (rs.wasNull()) {
          s.execute("INSERT INTO telos_memory_schema (version) VALUES (" + PgSchema.VERSION + ")");
        } else if (v > PgSchema.VERSION) {
          throw new SQLException("made by a newer Telos (schema " + v + "); this build knows schema "
              + PgSchema.VERSION);
        } else if (v < PgSchema.VERSION) {
          s.execute("UPDATE telos_memory_schema SET version = " + PgSchema.VERSION);
          LOG.info("component={} event=schema_migrated url={} from={} to={}", COMPONENT, shownUrl, v,
              PgSchema.VERSION);
        }
      }
    }
    c.commit();
    c.setAutoCommit(true);
    writerId = takeWriterId(c);
    long recovered = recover(c, writerId);
    long block = fetchBlock(c);
    nextId = (block - 1) * ID_BLOCK + 1; // open() holds this, which guards the id block
    blockEnd = block * ID_BLOCK;
    c.setAutoCommit(false);
    return recovered;
  }

  /** A new writer id whose advisory lock this connection now holds (autocommit on). */
  private static long takeWriterId(Connection c) throws SQLException {
    for (int attempt = 0; attempt < 100; attempt++) {
      long id;
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT nextval('telos_writers')")) {
        rs.next();
        id = rs.getLong(1);
      }
      if (tryLock(c, id)) {
        return id;
      }
    }
    throw new SQLException("could not take a writer id (advisory locks all taken)");
  }

  private static boolean tryLock(Connection c, long writer) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
      p.setLong(1, PgSchema.LOCK_CLASS + writer);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static void unlock(Connection c, long writer) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
      p.setLong(1, PgSchema.LOCK_CLASS + writer);
      p.executeQuery().close();
    }
  }

  /** Marks the open episodes of writers that are gone as incomplete. */
  private long recover(Connection c, long self) throws SQLException {
    List<Long> writers = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(PgSchema.OPEN_WRITERS)) {
      p.setLong(1, self);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          writers.add(rs.getLong(1));
        }
      }
    }
    long n = 0;
    for (long w : writers) {
      if (!tryLock(c, w)) {
        continue; // alive
      }
      try (PreparedStatement p = c.prepareStatement(PgSchema.RECOVER)) {
        p.setLong(1, w);
        int k = p.executeUpdate();
        n += k;
        if (k > 0) {
          LOG.warn("component={} event=recovered_incomplete writer_id={} episodes={}", COMPONENT, w, k);
        }
      } finally {
        unlock(c, w);
      }
    }
    return n;
  }

  private static long fetchBlock(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT nextval('telos_episode_blocks')")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  protected String writerThreadName() {
    return "memory-writer-pg-" + writerId;
  }

  @Override
  protected String writerFields() {
    return " writer_id=" + writerId;
  }

  private void checkVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT to_regclass('telos_memory_schema') IS NOT NULL")) {
      rs.next();
      if (!rs.getBoolean(1)) {
        throw new SQLException("not a Telos memory store (no telos_memory_schema table)");
      }
    }
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT max(version) FROM telos_memory_schema")) {
      rs.next();
      int v = rs.getInt(1);
      if (v > PgSchema.VERSION) {
        throw new SQLException("made by a newer Telos (schema " + v + "); this build knows schema " + PgSchema.VERSION);
      }
    }
  }

  // ---------------------------------------------------------------- writing

  /**
   * The next id of this instance's block; asks the writer for the next block when half of this
   * one is used, and switches to it once fetched.
   */
  @Override
  protected synchronized long nextEpisodeId(boolean writing) {
    if (nextId > blockEnd) {
      long b = nextBlock;
      if (b > 0) {
        nextBlock = -1;
        refillRequested = false;
        nextId = (b - 1) * ID_BLOCK + 1;
        blockEnd = b * ID_BLOCK;
      } else if (writing) {
        // the writer has not fetched the next block yet (it is failing or far behind): go on past
        // the block; a clash with another writer's block would lose that episode's start
        LOG.warn("component={} event=id_block_exhausted next_id={}", COMPONENT, nextId);
      }
    }
    if (writing && !refillRequested && blockEnd - nextId < ID_BLOCK / 2) {
      refillRequested = true;
      requestIds();
    }
    return nextId++;
  }

  @Override
  protected void fetchIds(Connection c) throws SQLException {
    long b = fetchBlock(c);
    c.commit();
    nextBlock = b;
  }

  @Override
  protected void bindEpisodeExtras(PreparedStatement insertEpisode, int first) throws SQLException {
    insertEpisode.setLong(first, writerId);
  }

  /** Nothing to do: the writer's connection is not in autocommit, so a transaction is always open. */
  @Override
  protected void begin(Statement control) {}

  @Override
  protected void commit(Statement control) throws SQLException {
    control.getConnection().commit();
  }

  @Override
  protected void rollback(Statement control) {
    try {
      control.getConnection().rollback();
    } catch (SQLException e) {
      LOG.debug("component={} event=rollback_failed reason=\"{}\"", COMPONENT, describe(e));
    }
  }

  /** A connection error (SQLSTATE class 08), or a connection that is closed or no longer answers. */
  @Override
  protected boolean isBroken(Throwable e, Connection c) {
    if (e instanceof SQLException se && se.getSQLState() != null && se.getSQLState().startsWith("08")) {
      return true;
    }
    try {
      return c.isClosed() || !c.isValid(2);
    } catch (SQLException ex) {
      return true;
    }
  }

  /** A new connection that takes back the writer's lock (a gone session released it). */
  @Override
  protected Connection reconnect() throws SQLException {
    Connection c = connect();
    try {
      if (!tryLock(c, writerId)) {
        LOG.warn("component={} event=writer_lock_taken writer_id={}", COMPONENT, writerId);
      }
      c.setAutoCommit(false);
      return c;
    } catch (SQLException | RuntimeException e) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // reporting the first error
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------- reading

  @Override
  protected Connection openReadConnection() throws SQLException {
    return connect();
  }

  /** A server-side cursor: rows come 256 at a time, in a transaction. */
  @Override
  protected void prepareForStreaming(Connection c) throws SQLException {
    c.setAutoCommit(false);
  }

  /** Whether {@code telos_steps} has the {@code objects} column (false in a version-1 or -2 schema). */
  @Override
  protected boolean hasObjectsColumn(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(PgSchema.HAS_OBJECTS)) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  @Override
  protected boolean hasEventsTable(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT to_regclass('telos_events') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  /** Both tables with their indexes (the whole fleet's), column 5 of the totals. */
  @Override
  protected long bytesOnDisk(ResultSet totals) throws SQLException {
    return totals.getLong(5);
  }

  @Override
  protected Instant recordedAt(ResultSet rs, int column) throws SQLException {
    OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
    return at == null ? null : at.toInstant();
  }

  /** A new connection (autocommit on). */
  private Connection connect() throws SQLException {
    Properties p = new Properties();
    if (user != null) {
      p.setProperty("user", user);
    }
    if (password != null) {
      p.setProperty("password", password);
    }
    p.setProperty("connectTimeout", Integer.toString(options.connectTimeoutS()));
    p.setProperty("loginTimeout", Integer.toString(options.connectTimeoutS()));
    p.setProperty("ApplicationName", "telos-memory");
    return DriverManager.getConnection(url, p);
  }

  /** The SQLSTATE, where there is one, and the first line of the message. */
  @Override
  protected String describe(Throwable e) {
    String m = e.getMessage();
    String line = m == null ? e.getClass().getSimpleName() : firstLine(m);
    if (e instanceof SQLException se && se.getSQLState() != null) {
      return se.getSQLState() + ": " + line;
    }
    return line;
  }
}
