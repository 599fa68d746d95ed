package io.telos.memory.postgres;

import io.telos.api.Mode;
import io.telos.memory.EpisodeMeta;
import io.telos.memory.EpisodeStore;
import io.telos.memory.EpisodeStoreException;
import io.telos.memory.EpisodeSummary;
import io.telos.memory.EventRecord;
import io.telos.memory.EventRows;
import io.telos.memory.ObjectBytes;
import io.telos.memory.Outcome;
import io.telos.memory.StepCursor;
import io.telos.memory.StepRecord;
import io.telos.memory.StoreError;
import io.telos.memory.StoreListener;
import io.telos.memory.StoreListeners;
import io.telos.memory.StoreStats;
import io.telos.memory.VectorBytes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EpisodeStore} in a PostgreSQL database, so that a fleet of robots can share one
 * memory. Same semantics as the embedded SQLite store: one writer thread per instance with group
 * commit, a bounded queue whose overflow is counted as gaps, write failures reported once and
 * retried with back-off, episodes left open by a dead writer marked incomplete.
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
public final class PostgresEpisodeStore implements EpisodeStore {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresEpisodeStore.class);
  private static final long IDLE_POLL_MS = 100;
  private static final long MAX_BACKOFF_MS = 2_000;
  static final int ID_BLOCK = 1024;
  private static final Object STOP = new Object();
  private static final Object REFILL = new Object();

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

  private enum State { NEW, OPEN, READ_ONLY, UNAVAILABLE, CLOSED }

  private record Begin(long id, EpisodeMeta meta) {}

  private record End(long id, Outcome outcome, long endNs) {}

  private record Flush(CompletableFuture<Void> done) {}

  private record Event(EventRecord event) {}

  private static final class Live {
    final long startNs;
    final AtomicLong lastIndex = new AtomicLong(-1);
    volatile long lastStampNs;

    Live(long startNs) {
      this.startNs = startNs;
      this.lastStampNs = startNs;
    }
  }

  private final String url;
  private final String shownUrl;
  private final String user;
  private final String password;
  private final Options options;
  private final String component = "memory/postgres";
  private final List<StoreListener> listeners = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger queuedSteps = new AtomicInteger();
  private final Map<Long, Live> live = new ConcurrentHashMap<>();
  private final Map<Long, Long> pendingGaps = new ConcurrentHashMap<>();
  private final AtomicLong durable = new AtomicLong();
  private final AtomicLong gapsCounted = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();

  // id blocks (guarded by this for the producer side; nextBlock is written by the writer thread)
  private long nextId = 1;
  private long blockEnd = 0;
  private volatile long nextBlock = -1;
  private boolean refillRequested;

  private volatile State state = State.NEW;
  private volatile StoreError failure;
  private volatile boolean stopRequested;
  private volatile long recovered;
  private volatile long writerId;
  /** Whether {@code telos_steps} has the version-3 {@code objects} column; once true it stays so. */
  private volatile boolean objectsColumn;
  private Thread writer;
  private Connection writeConn;

  // writer-thread state
  private final List<Object> retry = new ArrayList<>();
  private long gapsAtFailure;
  private Statements st;

  /**
   * @param url a {@code jdbc:postgresql://host:port/database} URL (may name {@code currentSchema})
   * @param user the role, or null to take it from the URL
   * @param password the password, or null
   */
  public PostgresEpisodeStore(String url, String user, String password) {
    this(url, user, password, Options.defaults());
  }

  public PostgresEpisodeStore(String url, String user, String password, Options options) {
    this.url = Objects.requireNonNull(url, "url");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database): " + redact(url));
    }
    this.shownUrl = redact(url);
    this.user = user;
    this.password = password;
    this.options = Objects.requireNonNull(options, "options");
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

  /** Episodes of gone writers that {@link #open()} marked incomplete. */
  public long recoveredEpisodes() {
    return recovered;
  }

  /** Transactions committed by the writer since open. */
  public long commits() {
    return commits.get();
  }

  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public synchronized void open() {
    if (state != State.NEW) {
      return;
    }
    try {
      if (options.readOnly()) {
        try (Connection c = connect()) {
          checkVersion(c);
        }
        state = State.READ_ONLY;
        LOG.info("component={} event=opened url={} mode=read-only", component, shownUrl);
        return;
      }
      writeConn = connect();
      writeConn.setAutoCommit(false);
      try (Statement s = writeConn.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + PgSchema.LOCK_CLASS + ")");
        for (String ddl : PgSchema.CREATE) {
          s.execute(ddl);
        }
        if (!hasObjectsColumn(writeConn)) {
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
            LOG.info("component={} event=schema_migrated url={} from={} to={}", component, shownUrl, v,
                PgSchema.VERSION);
          }
        }
      }
      writeConn.commit();
      objectsColumn = true;
      writeConn.setAutoCommit(true);
      writerId = takeWriterId(writeConn);
      recovered = recover(writeConn, writerId);
      long block = fetchBlock(writeConn);
      nextId = (block - 1) * ID_BLOCK + 1;
      blockEnd = block * ID_BLOCK;
      st = Statements.prepare(writeConn);
      state = State.OPEN;
      writer = new Thread(this::writerLoop, "memory-writer-pg-" + writerId);
      writer.setDaemon(true);
      writer.start();
      LOG.info("component={} event=opened url={} writer_id={} queue_capacity={} recovered_incomplete={}", component,
          shownUrl, writerId, options.queueCapacity(), recovered);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(writeConn);
      writeConn = null;
      state = State.UNAVAILABLE;
      String msg = "memory store " + shownUrl + ": cannot open (" + describe(e) + "); nothing will be recorded";
      LOG.error("component={} event=open_failed url={} reason=\"{}\"", component, shownUrl, describe(e));
      reportError(new StoreError(StoreError.Kind.OPEN_FAILED, msg, e));
    }
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
          LOG.warn("component={} event=recovered_incomplete writer_id={} episodes={}", component, w, k);
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
  public void close() {
    Thread w;
    synchronized (this) {
      State prev = state;
      if (prev == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      if (prev != State.OPEN) {
        live.clear();
        return;
      }
      for (Map.Entry<Long, Live> e : live.entrySet()) {
        Live l = e.getValue();
        queue.add(new End(e.getKey(), Outcome.INCOMPLETE, Math.max(l.startNs, l.lastStampNs)));
      }
      live.clear();
      stopRequested = true;
      queue.add(STOP);
      w = writer;
    }
    try {
      w.join(2L * options.connectTimeoutS() * 1000 + 10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (w.isAlive()) {
      LOG.error("component={} event=close_timeout url={} reason=\"writer did not finish\"", component, shownUrl);
      w.interrupt();
    }
    long leftover = 0;
    for (Object o : queue) {
      if (o instanceof StepRecord s) {
        countGap(s.episodeId(), 1);
        leftover++;
      } else if (o instanceof Flush f) {
        f.done().completeExceptionally(new EpisodeStoreException("memory store " + shownUrl + " closed"));
      }
    }
    queue.clear();
    if (leftover > 0) {
      LOG.warn("component={} event=steps_lost_on_close steps={}", component, leftover);
    }
    LOG.info("component={} event=closed url={} writer_id={} durable_steps={} gaps={} commits={}", component, shownUrl,
        writerId, durable.get(), gapsCounted.get(), commits.get());
  }

  /**
   * For tests: stops like a killed process. Queued work is dropped, open episodes are not ended,
   * the connection is closed (so the server releases the writer's lock, as when a process dies).
   */
  void crashForTest() throws InterruptedException {
    Thread w;
    synchronized (this) {
      state = State.CLOSED;
      stopRequested = true;
      w = writer;
    }
    if (w != null) {
      w.interrupt();
      w.join();
    }
    queue.clear();
    live.clear();
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

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
  }

  // ---------------------------------------------------------------- listeners

  @Override
  public void addListener(StoreListener listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    StoreError f = failure;
    if (f != null) {
      tell(listener, f);
    }
  }

  @Override
  public void removeListener(StoreListener listener) {
    listeners.remove(listener);
  }

  @Override
  public Optional<StoreError> failure() {
    return Optional.ofNullable(failure);
  }

  private void reportError(StoreError error) {
    failure = error;
    for (StoreListener l : listeners) {
      tell(l, error);
    }
  }

  private void tell(StoreListener l, StoreError error) {
    try {
      l.onError(error);
    } catch (RuntimeException e) {
      LOG.warn("component={} event=listener_failed reason=\"{}\"", component, e.toString());
    }
  }

  /** Hands the committed steps to the listeners (duplicates, which were not stored, left out). */
  private void tellCommitted(List<StepRecord> stored) {
    StoreListeners.committed(listeners, stored, LOG, component);
  }

  // ---------------------------------------------------------------- recording (non-blocking)

  @Override
  public long beginEpisode(EpisodeMeta meta) {
    Objects.requireNonNull(meta, "meta");
    State s = state;
    if (s == State.NEW || s == State.CLOSED || s == State.READ_ONLY) {
      throw new IllegalStateException("memory store " + shownUrl + " is " + describe(s) + ": cannot begin an episode");
    }
    long id = allocateId(s == State.OPEN);
    live.put(id, new Live(meta.startNs()));
    if (s == State.OPEN) {
      queue.add(new Begin(id, meta));
    }
    return id;
  }

  private synchronized long allocateId(boolean writing) {
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
        LOG.warn("component={} event=id_block_exhausted next_id={}", component, nextId);
      }
    }
    if (writing && !refillRequested && blockEnd - nextId < ID_BLOCK / 2) {
      refillRequested = true;
      queue.add(REFILL);
    }
    return nextId++;
  }

  @Override
  public boolean append(StepRecord step) {
    Objects.requireNonNull(step, "step");
    Live l = live.get(step.episodeId());
    if (l == null) {
      if (state == State.CLOSED) {
        gapsCounted.incrementAndGet();
        return false;
      }
      throw new IllegalArgumentException("episode " + step.episodeId() + " is not open in memory store " + shownUrl);
    }
    long last = l.lastIndex.get();
    if (step.index() <= last || !l.lastIndex.compareAndSet(last, step.index())) {
      throw new IllegalArgumentException("step index must increase within episode " + step.episodeId() + ": "
          + step.index() + " after " + last);
    }
    l.lastStampNs = step.stampNs();
    if (state != State.OPEN) {
      countGap(step.episodeId(), 1);
      return false;
    }
    if (queuedSteps.incrementAndGet() > options.queueCapacity()) {
      queuedSteps.decrementAndGet();
      countGap(step.episodeId(), 1);
      return false;
    }
    queue.add(step);
    return true;
  }

  @Override
  public void endEpisode(long episodeId, Outcome outcome, long endNs) {
    Objects.requireNonNull(outcome, "outcome");
    Live l = live.remove(episodeId);
    if (l == null) {
      if (state == State.CLOSED) {
        return;
      }
      throw new IllegalArgumentException("episode " + episodeId + " is not open in memory store " + shownUrl);
    }
    if (state == State.OPEN) {
      queue.add(new End(episodeId, outcome, endNs));
    }
  }

  @Override
  public void recordEvent(EventRecord event) {
    Objects.requireNonNull(event, "event");
    if (state == State.OPEN) {
      queue.add(new Event(event));
    } else {
      LOG.debug("component={} event=event_not_kept state={} kind={}", component, describe(state), event.kind());
    }
  }

  @Override
  public CompletableFuture<Void> flush() {
    switch (state) {
      case NEW:
        return CompletableFuture.failedFuture(new IllegalStateException("memory store " + shownUrl + " is not open"));
      case UNAVAILABLE:
        return CompletableFuture.failedFuture(new EpisodeStoreException(failure.message()));
      case OPEN:
        CompletableFuture<Void> f = new CompletableFuture<>();
        queue.add(new Flush(f));
        if (!writer.isAlive()) {
          f.completeExceptionally(new EpisodeStoreException("memory store " + shownUrl + " closed"));
        }
        return f;
      default:
        return CompletableFuture.completedFuture(null);
    }
  }

  @Override
  public long durableSteps() {
    return durable.get();
  }

  private void countGap(long episodeId, long n) {
    pendingGaps.merge(episodeId, n, Long::sum);
    gapsCounted.addAndGet(n);
  }

  // ---------------------------------------------------------------- writer thread

  private record Statements(Connection conn, Statement control, PreparedStatement insertStep,
      PreparedStatement insertEpisode, PreparedStatement endEpisode, PreparedStatement addSteps,
      PreparedStatement addGaps, PreparedStatement insertEvent) {
    static Statements prepare(Connection c) throws SQLException {
      c.setAutoCommit(false);
      return new Statements(c, c.createStatement(), c.prepareStatement(PgSchema.INSERT_STEP),
          c.prepareStatement(PgSchema.INSERT_EPISODE), c.prepareStatement(PgSchema.END_EPISODE),
          c.prepareStatement(PgSchema.ADD_STEPS), c.prepareStatement(PgSchema.ADD_GAPS),
          c.prepareStatement(PgSchema.INSERT_EVENT));
    }
  }

  private void writerLoop() {
    List<Object> batch = new ArrayList<>(Math.min(options.maxBatch(), 65_536));
    boolean stopping = false;
    int stopAttempts = 0;
    long backoffMs = 0;
    boolean refill = false;
    try {
      while (true) {
        if (!stopping) {
          Object first = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
          if (first != null) {
            batch.add(first);
          }
        }
        queue.drainTo(batch, options.maxBatch() - batch.size());
        int steps = 0;
        for (int i = batch.size() - 1; i >= 0; i--) {
          Object o = batch.get(i);
          if (o == STOP) {
            stopping = true;
            batch.remove(i);
          } else if (o == REFILL) {
            refill = true;
            batch.remove(i);
          } else if (o instanceof StepRecord) {
            steps++;
          }
        }
        queuedSteps.addAndGet(-steps);
        if (refill && !stopping) {
          refill = !refillIds();
        }
        if (!batch.isEmpty() || !retry.isEmpty() || !pendingGaps.isEmpty()) {
          boolean ok = commit(batch);
          batch.clear();
          if (ok) {
            backoffMs = 0;
          } else if (stopping) {
            if (++stopAttempts >= 2) {
              LOG.error("component={} event=close_with_failure url={} unsaved_episode_changes={}", component,
                  shownUrl, retry.size());
              break;
            }
          } else {
            backoffMs = backoffMs == 0 ? 50 : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
            pause(backoffMs);
          }
        }
        if (stopping && queue.isEmpty() && (retry.isEmpty() && pendingGaps.isEmpty() || stopAttempts >= 2)) {
          break;
        }
      }
    } catch (InterruptedException e) {
      LOG.warn("component={} event=writer_interrupted url={}", component, shownUrl);
    } catch (RuntimeException e) {
      LOG.error("component={} event=writer_died url={} reason=\"{}\"", component, shownUrl, describe(e), e);
      reportError(new StoreError(StoreError.Kind.WRITE_FAILED,
          "memory store " + shownUrl + ": writer stopped (" + describe(e) + "); nothing more will be recorded", e));
    } finally {
      for (Object o : queue) {
        if (o instanceof Flush f) {
          f.done().completeExceptionally(new EpisodeStoreException("memory store " + shownUrl + ": writer stopped"));
        }
      }
      if (st != null) {
        closeQuietly(st.conn());
        st = null;
      }
    }
  }

  private boolean refillIds() {
    try {
      Statements s = session();
      long b;
      try (Statement q = s.conn().createStatement();
          ResultSet rs = q.executeQuery("SELECT nextval('telos_episode_blocks')")) {
        rs.next();
        b = rs.getLong(1);
      }
      s.conn().commit();
      nextBlock = b;
      return true;
    } catch (SQLException | RuntimeException e) {
      LOG.debug("component={} event=id_block_failed reason=\"{}\"", component, describe(e));
      dropSessionIfBroken(e);
      return false;
    }
  }

  /** The writer's connection, reconnecting (and taking back the writer's lock) after it was lost. */
  private Statements session() throws SQLException {
    if (st != null) {
      return st;
    }
    Connection c = connect();
    try {
      if (!tryLock(c, writerId)) {
        LOG.warn("component={} event=writer_lock_taken writer_id={}", component, writerId);
      }
      st = Statements.prepare(c);
      LOG.info("component={} event=reconnected url={} writer_id={}", component, shownUrl, writerId);
      return st;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  private void dropSessionIfBroken(Throwable e) {
    if (st == null) {
      return;
    }
    boolean broken;
    if (e instanceof SQLException se && se.getSQLState() != null && se.getSQLState().startsWith("08")) {
      broken = true;
    } else {
      try {
        broken = st.conn().isClosed() || !st.conn().isValid(2);
      } catch (SQLException ex) {
        broken = true;
      }
    }
    if (broken) {
      LOG.warn("component={} event=connection_lost url={} reason=\"{}\"", component, shownUrl, describe(e));
      closeQuietly(st.conn());
      st = null;
    }
  }

  /** One transaction: retried episode changes, the batch, then step and gap counters. */
  private boolean commit(List<Object> batch) {
    Map<Long, Long> drained = drainPendingGaps();
    Map<Long, Long> gaps = new HashMap<>(drained);
    long duplicates = 0;
    List<StepRecord> steps = new ArrayList<>();
    List<Flush> flushes = new ArrayList<>();
    List<Object> changes = new ArrayList<>(retry);
    for (Object o : batch) {
      if (o instanceof StepRecord s) {
        steps.add(s);
      } else if (o instanceof Flush f) {
        flushes.add(f);
      } else {
        changes.add(o);
      }
    }
    long inserted = 0;
    List<StepRecord> stored = new ArrayList<>();
    Statements s = null;
    try {
      s = session();
      for (Object c : changes) {
        apply(c, s);
      }
      Map<Long, Long> perEpisode = new HashMap<>();
      if (!steps.isEmpty()) {
        for (StepRecord r : steps) {
          bind(s.insertStep(), r);
          s.insertStep().addBatch();
        }
        int[] counts = s.insertStep().executeBatch();
        for (int i = 0; i < counts.length; i++) {
          StepRecord r = steps.get(i);
          if (counts[i] != 0) {
            perEpisode.merge(r.episodeId(), 1L, Long::sum);
            stored.add(r);
            inserted++;
          } else {
            gaps.merge(r.episodeId(), 1L, Long::sum); // a duplicate index: not stored, so a gap
            duplicates++;
          }
        }
      }
      addCounts(s.addSteps(), perEpisode);
      addCounts(s.addGaps(), gaps);
      s.conn().commit();
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(s);
      dropSessionIfBroken(e);
      retry.clear();
      retry.addAll(changes);
      drained.forEach((id, n) -> pendingGaps.merge(id, n, Long::sum));
      if (failure == null || failure.kind() != StoreError.Kind.WRITE_FAILED) {
        gapsAtFailure = gapsCounted.get();
      }
      for (StepRecord r : steps) {
        countGap(r.episodeId(), 1);
      }
      if (!steps.isEmpty() && st != null) {
        saveBookkeeping();
      }
      String msg = "memory store " + shownUrl + ": write failed (" + describe(e)
          + "); steps are counted as gaps until a write succeeds";
      if (failure == null) {
        LOG.error("component={} event=write_failed url={} steps_lost={} reason=\"{}\"", component, shownUrl,
            steps.size(), describe(e));
        reportError(new StoreError(StoreError.Kind.WRITE_FAILED, msg, e));
      } else {
        LOG.debug("component={} event=write_failed_again steps_lost={} reason=\"{}\"", component, steps.size(),
            describe(e));
      }
      for (Flush f : flushes) {
        f.done().completeExceptionally(new EpisodeStoreException(msg, e));
      }
      return false;
    }
    retry.clear();
    durable.addAndGet(inserted);
    gapsCounted.addAndGet(duplicates);
    commits.incrementAndGet();
    StoreError f = failure;
    if (f != null && f.kind() == StoreError.Kind.WRITE_FAILED && !steps.isEmpty()) {
      failure = null;
      long lost = gapsCounted.get() - gapsAtFailure;
      LOG.warn("component={} event=write_recovered url={} steps_lost={}", component, shownUrl, lost);
      for (StoreListener l : listeners) {
        try {
          l.onRecovered(lost);
        } catch (RuntimeException e) {
          LOG.warn("component={} event=listener_failed reason=\"{}\"", component, e.toString());
        }
      }
    }
    if (!stored.isEmpty()) {
      tellCommitted(stored);
    }
    for (Flush fl : flushes) {
      fl.done().complete(null);
    }
    return true;
  }

  /** After a failed commit with steps: keeps episode starts, ends and gap counts on their own. */
  private void saveBookkeeping() {
    Map<Long, Long> drained = drainPendingGaps();
    Statements s = st;
    try {
      for (Object c : retry) {
        apply(c, s);
      }
      addCounts(s.addGaps(), drained);
      s.conn().commit();
      retry.clear();
      commits.incrementAndGet();
    } catch (SQLException | RuntimeException e) {
      LOG.debug("component={} event=bookkeeping_failed reason=\"{}\"", component, describe(e));
      rollbackQuietly(s);
      dropSessionIfBroken(e);
      drained.forEach((id, n) -> pendingGaps.merge(id, n, Long::sum));
    }
  }

  private void apply(Object change, Statements s) throws SQLException {
    if (change instanceof Begin b) {
      PreparedStatement p = s.insertEpisode();
      EpisodeMeta m = b.meta();
      p.setLong(1, b.id());
      p.setString(2, m.robotId());
      p.setString(3, m.launchSource());
      p.setString(4, m.policy());
      p.setString(5, m.goalId());
      p.setBoolean(6, m.operator());
      p.setLong(7, m.startNs());
      p.setLong(8, writerId);
      p.executeUpdate();
    } else if (change instanceof End e) {
      PreparedStatement p = s.endEpisode();
      p.setString(1, e.outcome().label());
      p.setLong(2, e.endNs());
      p.setLong(3, e.id());
      p.executeUpdate();
    } else if (change instanceof Event ev) {
      PreparedStatement p = s.insertEvent();
      EventRows.bind(p, 1, ev.event(), false);
      p.executeUpdate();
    }
  }

  private static void bind(PreparedStatement p, StepRecord s) throws SQLException {
    p.setLong(1, s.episodeId());
    p.setLong(2, s.index());
    p.setLong(3, s.stampNs());
    p.setBytes(4, VectorBytes.encode(s.state()));
    p.setBytes(5, VectorBytes.encode(s.eePosition()));
    p.setBytes(6, VectorBytes.encode(s.latent()));
    p.setBytes(7, VectorBytes.encode(s.commandPosition()));
    p.setBytes(8, VectorBytes.encode(s.commandVelocity()));
    setStringOrNull(p, 9, s.mode() == null ? null : s.mode().name());
    if (Double.isNaN(s.energy())) {
      p.setNull(10, Types.DOUBLE);
    } else {
      p.setDouble(10, s.energy());
    }
    setStringOrNull(p, 11, s.goalId());
    setStringOrNull(p, 12, s.faultCode());
    byte[] objects = ObjectBytes.encode(s.objects(), s.stampNs());
    if (objects == null) {
      p.setNull(13, Types.BINARY);
    } else {
      p.setBytes(13, objects);
    }
  }

  private static void setStringOrNull(PreparedStatement p, int i, String v) throws SQLException {
    if (v == null) {
      p.setNull(i, Types.VARCHAR);
    } else {
      p.setString(i, v);
    }
  }

  private static void addCounts(PreparedStatement p, Map<Long, Long> counts) throws SQLException {
    if (counts.isEmpty()) {
      return;
    }
    for (Map.Entry<Long, Long> e : counts.entrySet()) {
      p.setLong(1, e.getValue());
      p.setLong(2, e.getKey());
      p.addBatch();
    }
    p.executeBatch();
  }

  private Map<Long, Long> drainPendingGaps() {
    Map<Long, Long> out = new HashMap<>();
    for (Long id : pendingGaps.keySet()) {
      Long n = pendingGaps.remove(id);
      if (n != null) {
        out.merge(id, n, Long::sum);
      }
    }
    return out;
  }

  private void rollbackQuietly(Statements s) {
    if (s == null) {
      return;
    }
    try {
      s.insertStep().clearBatch();
      s.addSteps().clearBatch();
      s.addGaps().clearBatch();
    } catch (SQLException ignored) {
      // reset by the rollback anyway
    }
    try {
      s.conn().rollback();
    } catch (SQLException e) {
      LOG.debug("component={} event=rollback_failed reason=\"{}\"", component, describe(e));
    }
  }

  private void pause(long ms) {
    long until = System.nanoTime() + ms * 1_000_000L;
    while (!stopRequested && System.nanoTime() < until) {
      try {
        Thread.sleep(Math.min(20, ms));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  // ---------------------------------------------------------------- reading (blocking)

  @Override
  public StoreStats stats() {
    requireReadable();
    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE outcome IS NULL),"
            + " COALESCE(sum(steps), 0), COALESCE(sum(gaps), 0),"
            + " pg_total_relation_size('telos_episodes') + pg_total_relation_size('telos_steps') FROM telos_episodes")) {
      rs.next();
      long pending = 0;
      for (long n : pendingGaps.values()) {
        pending += n;
      }
      return new StoreStats(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4) + pending, rs.getLong(5));
    } catch (SQLException e) {
      throw readFailed("read totals", e);
    }
  }

  @Override
  public List<EpisodeSummary> listEpisodes(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, was " + limit);
    }
    requireReadable();
    try (Connection c = connect();
        PreparedStatement p = c.prepareStatement(
            "SELECT " + PgSchema.EPISODE_COLUMNS + " FROM telos_episodes ORDER BY recorded_at DESC, id DESC LIMIT ?")) {
      p.setInt(1, limit);
      List<EpisodeSummary> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(summary(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw readFailed("list episodes", e);
    }
  }

  @Override
  public Optional<EpisodeSummary> episode(long episodeId) {
    requireReadable();
    try (Connection c = connect();
        PreparedStatement p = c.prepareStatement(
            "SELECT " + PgSchema.EPISODE_COLUMNS + " FROM telos_episodes WHERE id = ?")) {
      p.setLong(1, episodeId);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(summary(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw readFailed("read episode " + episodeId, e);
    }
  }

  @Override
  public List<EventRecord> events(long episodeId) {
    return queryEvents("SELECT " + PgSchema.EVENT_COLUMNS + " FROM telos_events WHERE episode_id = ? ORDER BY id",
        "read events of episode " + episodeId, episodeId);
  }

  @Override
  public List<EventRecord> eventsBetween(long fromNs, long toNs) {
    return queryEvents("SELECT " + PgSchema.EVENT_COLUMNS
        + " FROM telos_events WHERE stamp_ns >= ? AND stamp_ns < ? ORDER BY stamp_ns, id", "read events", fromNs, toNs);
  }

  private List<EventRecord> queryEvents(String sql, String what, long... args) {
    requireReadable();
    try (Connection c = connect()) {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT to_regclass('telos_events') IS NOT NULL")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return List.of(); // a version-1 schema read by a reader: no events were recorded in it
        }
      }
      return EventRows.query(c, sql, args);
    } catch (SQLException e) {
      throw readFailed(what, e);
    }
  }

  @Override
  public StepCursor readSteps(long episodeId) {
    return openCursor(episodeId, false, episodeId);
  }

  @Override
  public StepCursor readSteps(long episodeId, long fromIndex, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, was " + limit);
    }
    return openCursor(episodeId, true, episodeId, fromIndex, limit);
  }

  /**
   * A streaming cursor over one episode's steps (all, or a {@code range}) for a query whose
   * parameters are {@code args}.
   */
  private StepCursor openCursor(long episodeId, boolean range, long... args) {
    requireReadable();
    Connection c = null;
    try {
      c = connect();
      boolean objects = objectsColumn || (objectsColumn = hasObjectsColumn(c));
      c.setAutoCommit(false); // a server-side cursor: rows come 256 at a time
      PreparedStatement p = c.prepareStatement(
          range ? PgSchema.selectStepRange(objects) : PgSchema.selectSteps(objects));
      for (int k = 0; k < args.length; k++) {
        p.setLong(k + 1, args[k]);
      }
      p.setFetchSize(256);
      return new Cursor(c, p, p.executeQuery(), episodeId);
    } catch (SQLException e) {
      closeQuietly(c);
      throw readFailed("read steps of episode " + episodeId, e);
    }
  }

  private final class Cursor implements StepCursor {
    private final Connection conn;
    private final PreparedStatement stmt;
    private final ResultSet rs;
    private final long episodeId;
    private boolean fetched;
    private boolean has;
    private boolean closed;

    Cursor(Connection conn, PreparedStatement stmt, ResultSet rs, long episodeId) {
      this.conn = conn;
      this.stmt = stmt;
      this.rs = rs;
      this.episodeId = episodeId;
    }

    @Override
    public boolean hasNext() {
      if (closed) {
        return false;
      }
      if (!fetched) {
        try {
          has = rs.next();
        } catch (SQLException e) {
          close();
          throw readFailed("read steps of episode " + episodeId, e);
        }
        fetched = true;
        if (!has) {
          close();
        }
      }
      return has;
    }

    @Override
    public StepRecord next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      fetched = false;
      try {
        return step(rs);
      } catch (SQLException | IllegalArgumentException e) {
        close();
        throw new EpisodeStoreException("memory store " + shownUrl + ": bad step row in episode " + episodeId + " ("
            + e.getMessage() + ")", e);
      }
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        rs.close();
        stmt.close();
        conn.rollback();
      } catch (SQLException ignored) {
        // the connection goes too
      }
      closeQuietly(conn);
    }
  }

  static StepRecord step(ResultSet rs) throws SQLException {
    String mode = rs.getString(9);
    double energy = rs.getDouble(10);
    if (rs.wasNull()) {
      energy = Double.NaN;
    }
    long stamp = rs.getLong(3);
    return new StepRecord(rs.getLong(1), rs.getLong(2), stamp, VectorBytes.decode(rs.getBytes(4)),
        VectorBytes.decode(rs.getBytes(5)), VectorBytes.decode(rs.getBytes(6)), VectorBytes.decode(rs.getBytes(7)),
        VectorBytes.decode(rs.getBytes(8)), mode == null ? null : Mode.valueOf(mode), energy, rs.getString(11),
        rs.getString(12), ObjectBytes.decode(rs.getBytes(13), stamp));
  }

  /** Whether {@code telos_steps} has the {@code objects} column (false in a version-1 or -2 schema). */
  private static boolean hasObjectsColumn(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(PgSchema.HAS_OBJECTS)) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  private EpisodeSummary summary(ResultSet rs) throws SQLException {
    long id = rs.getLong(1);
    EpisodeMeta meta = new EpisodeMeta(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getBoolean(6), rs.getLong(7));
    long endNs = rs.getLong(8);
    Long end = rs.wasNull() ? null : endNs;
    String outcome = rs.getString(9);
    OffsetDateTime at = rs.getObject(12, OffsetDateTime.class);
    long gaps = rs.getLong(11) + pendingGaps.getOrDefault(id, 0L);
    return new EpisodeSummary(id, meta, outcome == null ? null : Outcome.ofLabel(outcome), end, rs.getLong(10), gaps,
        at == null ? null : at.toInstant());
  }

  private void requireReadable() {
    switch (state) {
      case NEW -> throw new IllegalStateException("memory store " + shownUrl + " is not open");
      case UNAVAILABLE -> throw new EpisodeStoreException(failure.message());
      case CLOSED -> throw new IllegalStateException("memory store " + shownUrl + " is closed");
      default -> {
        // OPEN or READ_ONLY
      }
    }
  }

  private EpisodeStoreException readFailed(String what, SQLException e) {
    return new EpisodeStoreException("memory store " + shownUrl + ": cannot " + what + " (" + describe(e) + ")", e);
  }

  // ---------------------------------------------------------------- connections

  /** A new connection (autocommit on). Package-private for the recall scan. */
  Connection connect() throws SQLException {
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

  private static String describe(State s) {
    return switch (s) {
      case NEW -> "not open yet";
      case CLOSED -> "closed";
      case READ_ONLY -> "read-only";
      case OPEN -> "open";
      case UNAVAILABLE -> "unavailable";
    };
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    String line = m == null ? e.getClass().getSimpleName() : firstLine(m);
    if (e instanceof SQLException se && se.getSQLState() != null) {
      return se.getSQLState() + ": " + line;
    }
    return line;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
