package io.telos.memory.sqlite;

import io.telos.memory.EpisodeStore;
import io.telos.memory.Outcome;
import io.telos.memory.jdbc.JdbcEpisodeStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteException;

/**
 * The embedded default {@link EpisodeStore}: one SQLite file in WAL mode, written by one
 * dedicated writer thread with group commit.
 *
 * <p><b>Writing.</b> {@link #append} puts the step on a bounded queue and returns; it never
 * blocks and never touches the disk. The writer thread takes everything queued (up to
 * {@link Options#maxBatch()} operations) and commits it as one transaction, so the cost of a
 * commit (its fsync) is shared by all steps that arrived while the previous one was in flight.
 * When the queue is full the step is refused and counted as a gap of its episode; gap counts are
 * persisted with the next commit. When a commit fails (disk full, I/O error, database locked by
 * someone else) the transaction is rolled back, its steps become gaps, its episode starts and
 * ends are retried with the next commit (with a back-off of up to 2 s), and the listeners hear
 * about it once; they hear again when a commit succeeds. All of that is the shared
 * {@link JdbcEpisodeStore}; this class is what is particular to SQLite (the file, its lock, WAL
 * and {@code PRAGMA}s, {@link Schema}).
 *
 * <p><b>Durability.</b> WAL with {@code synchronous=FULL} by default: a step is durable, also
 * across a power loss, once the commit holding it returns ({@link #durableSteps()},
 * {@link #flush()}). With {@link Synchronous#NORMAL} it survives a process crash but the last
 * commits may be rolled back by a power loss or OS crash.
 *
 * <p><b>One writer per file.</b> A writing store holds an exclusive lock on
 * {@code <file>.lock} while open: a second writer (another process, or another instance in this
 * one) fails to open with a message saying so. That is also what makes crash recovery safe:
 * episodes found open by the lock holder were left by a dead writer and are marked
 * {@link Outcome#INCOMPLETE}. Readers ({@link Options#asReadOnly()}, e.g. the CLI while a run is
 * going) take no lock and see committed data.
 */
public final class SqliteEpisodeStore extends JdbcEpisodeStore {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteEpisodeStore.class);
  private static final String COMPONENT = "memory/sqlite";

  /** SQLite's {@code PRAGMA synchronous} in WAL mode. */
  public enum Synchronous {
    /** fsync the WAL at every commit: commits survive a power loss. */
    FULL,
    /** fsync only at checkpoints: commits survive a process crash, not always a power loss. */
    NORMAL
  }

  /**
   * Settings of a store.
   *
   * @param queueCapacity steps that may wait for the writer; more are refused and counted as gaps
   * @param maxBatch most operations in one commit
   * @param synchronous durability of a commit
   * @param readOnly open for reading only: no lock, no recovery, no writer
   * @param busyTimeoutMs how long a statement waits for a lock held by another connection
   */
  public record Options(int queueCapacity, int maxBatch, Synchronous synchronous, boolean readOnly, long busyTimeoutMs) {
    public Options {
      if (queueCapacity < 1) {
        throw new IllegalArgumentException("queueCapacity must be >= 1, was " + queueCapacity);
      }
      if (maxBatch < 1) {
        throw new IllegalArgumentException("maxBatch must be >= 1, was " + maxBatch);
      }
      Objects.requireNonNull(synchronous, "synchronous");
      if (busyTimeoutMs < 0 || busyTimeoutMs > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("busyTimeoutMs out of range: " + busyTimeoutMs);
      }
    }

    /** Queue 8192 steps (8 s at 1 kHz), batches of up to 4096, {@code synchronous=FULL}, 2 s busy timeout. */
    public static Options defaults() {
      return new Options(8192, 4096, Synchronous.FULL, false, 2_000);
    }

    public Options withQueueCapacity(int n) {
      return new Options(n, maxBatch, synchronous, readOnly, busyTimeoutMs);
    }

    public Options withMaxBatch(int n) {
      return new Options(queueCapacity, n, synchronous, readOnly, busyTimeoutMs);
    }

    public Options withSynchronous(Synchronous s) {
      return new Options(queueCapacity, maxBatch, s, readOnly, busyTimeoutMs);
    }

    public Options withBusyTimeoutMs(long ms) {
      return new Options(queueCapacity, maxBatch, synchronous, readOnly, ms);
    }

    public Options asReadOnly() {
      return new Options(queueCapacity, maxBatch, synchronous, true, busyTimeoutMs);
    }
  }

  private final Path path;
  private final Path lockPath;
  private final Options options;
  private final List<String> extraPragmas;
  private final AtomicLong nextId = new AtomicLong(1);
  private FileChannel lockChannel;
  private FileLock lock;

  public SqliteEpisodeStore(Path path) {
    this(path, Options.defaults());
  }

  public SqliteEpisodeStore(Path path, Options options) {
    this(path, options, List.of());
  }

  /** For tests: extra {@code PRAGMA}s run on the writer's connection after it is set up. */
  SqliteEpisodeStore(Path path, Options options, List<String> extraPragmas) {
    super(COMPONENT, "path", path.toAbsolutePath().normalize().toString(), Schema.SQL,
        Objects.requireNonNull(options, "options").queueCapacity(), options.maxBatch(), options.readOnly(),
        2 * options.busyTimeoutMs() + 10_000);
    this.path = path.toAbsolutePath().normalize();
    this.lockPath = this.path.resolveSibling(this.path.getFileName() + ".lock");
    this.options = options;
    this.extraPragmas = List.copyOf(extraPragmas);
  }

  /** Opens a store for reading only (e.g. for the CLI while a run is writing). */
  public static SqliteEpisodeStore reader(Path path) {
    return new SqliteEpisodeStore(path, Options.defaults().asReadOnly());
  }

  public Path path() {
    return path;
  }

  public Options options() {
    return options;
  }

  /**
   * For tests: stops like a killed process. Queued work is dropped, open episodes are not ended,
   * an uncommitted transaction is rolled back; the lock is released as the OS would release it.
   */
  void crashForTest() throws InterruptedException {
    crash();
  }

  // ---------------------------------------------------------------- opening

  @Override
  protected void openReader() throws IOException, SQLException {
    if (!Files.isRegularFile(path)) {
      throw new IOException("no memory store at " + path);
    }
    try (Connection c = readConnection()) {
      checkVersion(c, false);
    }
  }

  @Override
  protected Connection connectWriter() throws IOException, SQLException {
    try {
      Files.createDirectories(path.getParent());
    } catch (IOException e) {
      throw new IOException("cannot create directory " + path.getParent() + ": " + describe(e), e);
    }
    lockChannel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      throw new IOException("already open for writing by another store in this process (lock " + lockPath + ")");
    }
    if (lock == null) {
      throw new IOException("in use by another process (lock " + lockPath + " is held)");
    }
    return connect(false);
  }

  @Override
  protected long setUpWriter(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("PRAGMA journal_mode=WAL")) {
        String mode = rs.next() ? rs.getString(1) : "?";
        if (!"wal".equalsIgnoreCase(mode)) {
          throw new SQLException("could not switch to WAL journal mode (got " + mode + ")");
        }
      }
      s.execute("PRAGMA synchronous=" + options.synchronous().name());
      s.execute("PRAGMA journal_size_limit=" + (64L << 20));
    }
    int found = checkVersion(c, true);
    long recovered;
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      for (String ddl : Schema.CREATE) {
        s.execute(ddl);
      }
      if (!hasObjectsColumn(c)) {
        s.execute(Schema.ADD_OBJECTS);
      }
      s.execute("PRAGMA user_version=" + Schema.VERSION);
      recovered = s.executeUpdate(Schema.RECOVER);
      try (ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) + 1 FROM episodes")) {
        rs.next();
        nextId.set(rs.getLong(1));
      }
      s.execute("COMMIT");
    }
    if (found > 0 && found < Schema.VERSION) {
      LOG.info("component={} event=schema_migrated path={} from={} to={}", COMPONENT, path, found, Schema.VERSION);
    }
    try (Statement s = c.createStatement()) {
      for (String p : extraPragmas) {
        s.execute("PRAGMA " + p);
      }
    }
    return recovered;
  }

  /** Releases the lock file (the writer's connection is the shared store's to close). */
  @Override
  protected void releaseWriter() {
    try {
      if (lock != null) {
        lock.release();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    } catch (IOException ignored) {
      // the lock goes with the channel
    }
    lock = null;
    lockChannel = null;
  }

  @Override
  protected String writerThreadName() {
    return "memory-writer-" + path.getFileName();
  }

  @Override
  protected String writerFields() {
    return "";
  }

  @Override
  protected String openedFields() {
    return " synchronous=" + options.synchronous();
  }

  /** The file's schema version (0 for a new file). */
  private static int checkVersion(Connection c, boolean forWriting) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      int v = rs.next() ? rs.getInt(1) : 0;
      if (v > Schema.VERSION) {
        throw new SQLException("made by a newer Telos (schema " + v + "); this build knows schema " + Schema.VERSION);
      }
      if (!forWriting && v == 0) {
        throw new SQLException("not a Telos memory store (no schema version)");
      }
      return v;
    }
  }

  // ---------------------------------------------------------------- writing

  /** Ids continue from the highest in the file: this is its only writer. */
  @Override
  protected long nextEpisodeId(boolean writing) {
    return nextId.getAndIncrement();
  }

  /** {@code BEGIN IMMEDIATE}: takes the write lock now rather than at the first insert. */
  @Override
  protected void begin(Statement control) throws SQLException {
    control.execute("BEGIN IMMEDIATE");
  }

  @Override
  protected void commit(Statement control) throws SQLException {
    control.execute("COMMIT");
  }

  @Override
  protected void rollback(Statement control) {
    try {
      control.execute("ROLLBACK");
    } catch (SQLException e) {
      // SQLite may already have rolled back by itself (SQLITE_FULL, SQLITE_IOERR, ...)
      LOG.debug("component={} event=rollback_skipped reason=\"{}\"", COMPONENT, describe(e));
    }
  }

  // ---------------------------------------------------------------- reading

  @Override
  protected Connection openReadConnection() throws SQLException {
    return connect(true);
  }

  /** Whether {@code steps} has the {@code objects} column (false in a version-1 or -2 file). */
  @Override
  protected boolean hasObjectsColumn(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(Schema.HAS_OBJECTS)) {
      return rs.next();
    }
  }

  @Override
  protected boolean hasEventsTable(Connection c) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
      p.setString(1, "events");
      try (ResultSet rs = p.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** The database file and its WAL. */
  @Override
  protected long bytesOnDisk(ResultSet totals) {
    long n = 0;
    for (Path p : List.of(path, path.resolveSibling(path.getFileName() + "-wal"))) {
      try {
        n += Files.size(p);
      } catch (IOException ignored) {
        // absent
      }
    }
    return n;
  }

  /** {@code recorded_at} is ISO-8601 text. */
  @Override
  protected Instant recordedAt(ResultSet rs, int column) throws SQLException {
    try {
      return Instant.parse(rs.getString(column));
    } catch (DateTimeParseException | NullPointerException e) {
      return null;
    }
  }

  private Connection connect(boolean readOnly) throws SQLException {
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setBusyTimeout((int) options.busyTimeoutMs());
    cfg.setReadOnly(readOnly);
    return DriverManager.getConnection("jdbc:sqlite:" + path, cfg.toProperties());
  }

  /** SQLite's result code, or what the file system said, and the first line of the message. */
  @Override
  protected String describe(Throwable e) {
    if (e instanceof SQLiteException se) {
      return se.getResultCode().name() + ": " + firstLine(se.getMessage());
    }
    if (e instanceof AccessDeniedException ade) {
      return "permission denied: " + ade.getFile();
    }
    if (e instanceof NoSuchFileException nsf) {
      return "no such file or directory: " + nsf.getFile();
    }
    if (e instanceof FileAlreadyExistsException fae) {
      return "a file is in the way: " + fae.getFile();
    }
    if (e instanceof FileSystemException fse) {
      String reason = fse.getReason() == null ? e.getClass().getSimpleName() : fse.getReason();
      return reason + ": " + fse.getFile();
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : firstLine(m);
  }
}
