package io.telos.memory.jdbc;

import io.telos.memory.EpisodeMeta;
import io.telos.memory.EpisodeStore;
import io.telos.memory.EpisodeStoreException;
import io.telos.memory.EpisodeSummary;
import io.telos.memory.EventRecord;
import io.telos.memory.EventRows;
import io.telos.memory.Outcome;
import io.telos.memory.StepCursor;
import io.telos.memory.StepRecord;
import io.telos.memory.StoreError;
import io.telos.memory.StoreListener;
import io.telos.memory.StoreStats;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link EpisodeStore} implementation over JDBC; a subclass per database supplies what
 * really differs between them (its {@link Sql} spelling, how the writer connects, locks, migrates
 * and recovers, transactions, read connections, how errors are described) through the
 * {@code protected} methods below, and keeps its own public constructors and {@code Options}.
 *
 * <p><b>Recording never blocks.</b> {@link #beginEpisode}, {@link #append}, {@link #endEpisode},
 * {@link #recordEvent} and {@link #flush} only check the episode's bookkeeping and queue the work
 * for one writer thread ({@link Writer}), which commits it in groups. A step that does not fit in
 * the queue ({@code queueCapacity} steps), or that arrives while the store is unavailable, is
 * refused and counted as a gap of its episode; gap counts are persisted with the next commit.
 *
 * <p><b>Failures are reported, not thrown</b> into the recording caller: a failed open or write
 * goes to the {@link StoreListener}s once (and to {@link #failure()}), with a message naming the
 * store ({@code where}) and the cause; reads of an unavailable store throw
 * {@link EpisodeStoreException} with that message.
 *
 * <p><b>Reads</b> borrow a connection per call ({@link #readConnection()}) from a small pool of
 * idle ones ({@link ReadPool}: validated before reuse, so a restarted server costs no failed read);
 * {@link #readSteps} streams through a cursor that holds its connection until closed.
 */
public abstract class JdbcEpisodeStore implements EpisodeStore {
  private enum State { NEW, OPEN, READ_ONLY, UNAVAILABLE, CLOSED }

  /** Read connections kept idle between reads (recall reads from a few threads at most). */
  static final int READ_POOL_IDLE = 4;

  /** Producer-side bookkeeping of an episode open in this instance. */
  private static final class Live {
    final long startNs;
    final AtomicLong lastIndex = new AtomicLong(-1);
    volatile long lastStampNs;

    Live(long startNs) {
      this.startNs = startNs;
      this.lastStampNs = startNs;
    }
  }

  final Logger log = LoggerFactory.getLogger(getClass());
  final String component;
  final String whereKey;
  final String where;
  final Sql sql;
  final int maxBatch;
  final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  final AtomicInteger queuedSteps = new AtomicInteger();
  final Ledger ledger = new Ledger();
  final Reporter reporter;
  volatile boolean stopRequested;

  private final String at;
  private final int queueCapacity;
  private final boolean readOnly;
  private final long closeWaitMs;
  private final Map<Long, Live> live = new ConcurrentHashMap<>();
  private final ReadPool reads = new ReadPool(this::openReadConnection, READ_POOL_IDLE);
  private volatile State state = State.NEW;
  private volatile long recovered;
  /** Whether the steps table has the version-3 {@code objects} column; once true it stays so. */
  private volatile boolean objectsColumn;
  private Thread writer;
  private Connection writeConn;

  /**
   * @param component the {@code component=} of the store's log lines
   * @param whereKey how log lines name the store's location ({@code path}, {@code url})
   * @param where the store's location as messages and log lines show it (no password)
   * @param sql the database's spelling of the statements
   * @param queueCapacity steps that may wait for the writer; more are refused and counted as gaps
   * @param maxBatch most operations in one commit
   * @param readOnly open for reading only: no lock, no recovery, no writer
   * @param closeWaitMs how long {@link #close()} waits for the writer to commit what is queued
   */
  protected JdbcEpisodeStore(String component, String whereKey, String where, Sql sql, int queueCapacity,
      int maxBatch, boolean readOnly, long closeWaitMs) {
    this.component = Objects.requireNonNull(component, "component");
    this.whereKey = Objects.requireNonNull(whereKey, "whereKey");
    this.where = Objects.requireNonNull(where, "where");
    this.sql = Objects.requireNonNull(sql, "sql");
    this.queueCapacity = queueCapacity;
    this.maxBatch = maxBatch;
    this.readOnly = readOnly;
    this.closeWaitMs = closeWaitMs;
    this.at = whereKey + "={}";
    this.reporter = new Reporter(log, component);
  }

  // ---------------------------------------------------------------- what a database supplies

  /** Checks, for a reader, that the store is there and not made by a newer schema. */
  protected abstract void openReader() throws IOException, SQLException;

  /** Takes what makes this the writer (a lock) and opens the writer's connection. */
  protected abstract Connection connectWriter() throws IOException, SQLException;

  /**
   * Readies the writer's connection: creates or migrates the schema, recovers episodes a dead
   * writer left open, sets up episode ids; leaves the connection as {@link #begin} expects it.
   *
   * @return the episodes marked {@link Outcome#INCOMPLETE} by the recovery
   */
  protected abstract long setUpWriter(Connection c) throws SQLException;

  /** Releases what {@link #connectWriter()} took besides the connection; by default nothing. */
  protected void releaseWriter() {}

  /** The name of the writer thread. */
  protected abstract String writerThreadName();

  /** What the log lines of a writing store add after its location, each with a leading space (or ""). */
  protected abstract String writerFields();

  /** What the {@code opened} log line adds after the location; by default {@link #writerFields()}. */
  protected String openedFields() {
    return writerFields();
  }

  /** The id of a new episode; {@code writing} is false when the store is unavailable (nothing is written). */
  protected abstract long nextEpisodeId(boolean writing);

  /** Asks the writer thread to reserve more episode ids ({@link #fetchIds}) before its next commit. */
  protected final void requestIds() {
    queue.add(Writer.REFILL);
  }

  /** On the writer thread, after {@link #requestIds()}: reserves more episode ids. By default nothing. */
  protected void fetchIds(Connection c) throws SQLException {}

  /** Binds what this database's episode insert has after the seven common columns; by default nothing. */
  protected void bindEpisodeExtras(PreparedStatement insertEpisode, int first) throws SQLException {}

  /** Starts a transaction of the writer's connection ({@code control} is a statement on it). */
  protected abstract void begin(Statement control) throws SQLException;

  /** Commits the transaction {@link #begin} started. */
  protected abstract void commit(Statement control) throws SQLException;

  /** Rolls the transaction back; a failure is logged (at debug) and otherwise ignored. */
  protected abstract void rollback(Statement control);

  /** Whether the writer's connection is lost after {@code e}, so that it is to be opened again. By default never. */
  protected boolean isBroken(Throwable e, Connection c) {
    return false;
  }

  /** A new connection for the writer, after {@link #isBroken} dropped the last one. */
  protected Connection reconnect() throws SQLException {
    throw new SQLException("the writer's connection cannot be opened again");
  }

  /** Opens a new connection for reads (kept in the read pool between reads). */
  protected abstract Connection openReadConnection() throws SQLException;

  /** How many read connections this store has opened (reads reuse idle ones). */
  public long readConnectionsOpened() {
    return reads.opened();
  }

  /** A connection for one read, from the read pool; closing it gives it back. */
  protected final Connection readConnection() throws SQLException {
    return reads.borrow();
  }

  /** Readies a read connection for streaming a large result; by default nothing. */
  protected void prepareForStreaming(Connection c) throws SQLException {}

  /** Whether the steps table has the {@code objects} column (false before schema 3). */
  protected abstract boolean hasObjectsColumn(Connection c) throws SQLException;

  /** Whether the events table is there (not before schema 2). */
  protected abstract boolean hasEventsTable(Connection c) throws SQLException;

  /** The store's size in bytes, from the row of {@link Sql#totals()} (or elsewhere). */
  protected abstract long bytesOnDisk(ResultSet totals) throws SQLException;

  /** An episode's {@code recorded_at} as an instant, null when absent or unreadable. */
  protected abstract Instant recordedAt(ResultSet rs, int column) throws SQLException;

  /** One line for people: what went wrong, with the database's error code where it has one. */
  protected abstract String describe(Throwable e);

  /** The first line of a message. */
  protected static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  // ---------------------------------------------------------------- accessors

  /** Episodes that {@link #open()} found left open by a dead writer and marked incomplete. */
  public long recoveredEpisodes() {
    return recovered;
  }

  /** Transactions committed by the writer since open (for measuring group commit). */
  public long commits() {
    return ledger.commits();
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public synchronized void open() {
    if (state != State.NEW) {
      return;
    }
    try {
      if (readOnly) {
        openReader();
        state = State.READ_ONLY;
        log.info("component={} event=opened " + at + " mode=read-only", component, where);
        return;
      }
      writeConn = connectWriter();
      recovered = setUpWriter(writeConn);
      objectsColumn = true;
      Writer w = new Writer(this, Writer.Statements.prepare(writeConn, sql));
      state = State.OPEN;
      writer = new Thread(w, writerThreadName());
      writer.setDaemon(true);
      writer.start();
      log.info("component={} event=opened " + at + "{} queue_capacity={} recovered_incomplete={}", component, where,
          openedFields(), queueCapacity, recovered);
    } catch (IOException | SQLException | RuntimeException e) {
      releaseQuietly();
      state = State.UNAVAILABLE;
      String msg = "memory store " + where + ": cannot open (" + describe(e) + "); nothing will be recorded";
      log.error("component={} event=open_failed " + at + " reason=\"{}\"", component, where, describe(e));
      reporter.report(new StoreError(StoreError.Kind.OPEN_FAILED, msg, e));
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
      reads.close();
      if (prev != State.OPEN) {
        live.clear();
        releaseQuietly();
        return;
      }
      for (Map.Entry<Long, Live> e : live.entrySet()) {
        Live l = e.getValue();
        queue.add(new Writer.End(e.getKey(), Outcome.INCOMPLETE, Math.max(l.startNs, l.lastStampNs)));
      }
      live.clear();
      stopRequested = true;
      queue.add(Writer.STOP);
      w = writer;
    }
    try {
      w.join(closeWaitMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (w.isAlive()) {
      log.error("component={} event=close_timeout " + at + " reason=\"writer did not finish\"", component, where);
      w.interrupt();
    }
    long leftover = 0;
    for (Object o : queue) {
      if (o instanceof StepRecord s) {
        ledger.countGap(s.episodeId(), 1);
        leftover++;
      } else if (o instanceof Writer.Flush f) {
        f.done().completeExceptionally(new EpisodeStoreException("memory store " + where + " closed"));
      }
    }
    queue.clear();
    if (leftover > 0) {
      log.warn("component={} event=steps_lost_on_close steps={}", component, leftover);
    }
    synchronized (this) {
      releaseQuietly();
    }
    log.info("component={} event=closed " + at + "{} durable_steps={} gaps={} commits={}", component, where,
        writerFields(), ledger.durable(), ledger.gapsCounted(), ledger.commits());
  }

  /**
   * For tests: stops like a killed process. Queued work is dropped, open episodes are not ended,
   * an uncommitted transaction is rolled back (the writer's connection is closed) and what
   * {@link #connectWriter()} took is released, as the OS and the database would release it.
   */
  protected final void crash() throws InterruptedException {
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
    synchronized (this) {
      releaseQuietly();
    }
  }

  /** Closes the writer's connection unless the writer still uses it, and releases the writer's lock. */
  private void releaseQuietly() {
    if (writeConn != null && (writer == null || !writer.isAlive())) {
      closeQuietly(writeConn);
      writeConn = null;
    }
    releaseWriter();
  }

  static void closeQuietly(Connection c) {
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
    reporter.add(listener);
  }

  @Override
  public void removeListener(StoreListener listener) {
    reporter.remove(listener);
  }

  @Override
  public Optional<StoreError> failure() {
    return reporter.failure();
  }

  // ---------------------------------------------------------------- recording (non-blocking)

  @Override
  public long beginEpisode(EpisodeMeta meta) {
    Objects.requireNonNull(meta, "meta");
    State s = state;
    if (s == State.NEW || s == State.CLOSED || s == State.READ_ONLY) {
      throw new IllegalStateException("memory store " + where + " is " + describe(s) + ": cannot begin an episode");
    }
    long id = nextEpisodeId(s == State.OPEN);
    live.put(id, new Live(meta.startNs()));
    if (s == State.OPEN) {
      queue.add(new Writer.Begin(id, meta));
    }
    return id;
  }

  @Override
  public boolean append(StepRecord step) {
    Objects.requireNonNull(step, "step");
    Live l = live.get(step.episodeId());
    if (l == null) {
      if (state == State.CLOSED) {
        ledger.countUnrecorded();
        return false;
      }
      throw new IllegalArgumentException("episode " + step.episodeId() + " is not open in memory store " + where);
    }
    long last = l.lastIndex.get();
    if (step.index() <= last || !l.lastIndex.compareAndSet(last, step.index())) {
      throw new IllegalArgumentException("step index must increase within episode " + step.episodeId() + ": "
          + step.index() + " after " + last);
    }
    l.lastStampNs = step.stampNs();
    if (state != State.OPEN) {
      ledger.countGap(step.episodeId(), 1);
      return false;
    }
    if (queuedSteps.incrementAndGet() > queueCapacity) {
      queuedSteps.decrementAndGet();
      ledger.countGap(step.episodeId(), 1);
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
      throw new IllegalArgumentException("episode " + episodeId + " is not open in memory store " + where);
    }
    if (state == State.OPEN) {
      queue.add(new Writer.End(episodeId, outcome, endNs));
    }
  }

  @Override
  public void recordEvent(EventRecord event) {
    Objects.requireNonNull(event, "event");
    if (state == State.OPEN) {
      queue.add(new Writer.Event(event));
    } else {
      log.debug("component={} event=event_not_kept state={} kind={}", component, describe(state), event.kind());
    }
  }

  @Override
  public CompletableFuture<Void> flush() {
    switch (state) {
      case NEW:
        return CompletableFuture.failedFuture(new IllegalStateException("memory store " + where + " is not open"));
      case UNAVAILABLE:
        return CompletableFuture.failedFuture(new EpisodeStoreException(reporter.current().message()));
      case OPEN:
        CompletableFuture<Void> f = new CompletableFuture<>();
        queue.add(new Writer.Flush(f));
        if (!writer.isAlive()) {
          f.completeExceptionally(new EpisodeStoreException("memory store " + where + " closed"));
        }
        return f;
      default:
        return CompletableFuture.completedFuture(null);
    }
  }

  @Override
  public long durableSteps() {
    return ledger.durable();
  }

  // ---------------------------------------------------------------- reading (blocking)

  @Override
  public StoreStats stats() {
    requireReadable();
    try (Connection c = readConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql.totals())) {
      rs.next();
      return new StoreStats(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4) + ledger.pendingGaps(),
          bytesOnDisk(rs));
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
    try (Connection c = readConnection(); PreparedStatement p = c.prepareStatement(sql.listEpisodes())) {
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
    try (Connection c = readConnection(); PreparedStatement p = c.prepareStatement(sql.episode())) {
      p.setLong(1, episodeId);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(summary(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw readFailed("read episode " + episodeId, e);
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
      c = readConnection();
      boolean objects = objectsColumn || (objectsColumn = hasObjectsColumn(c));
      prepareForStreaming(c);
      PreparedStatement p = c.prepareStatement(sql.selectSteps(range, objects));
      for (int k = 0; k < args.length; k++) {
        p.setLong(k + 1, args[k]);
      }
      p.setFetchSize(256);
      return new Cursor(this, c, p, p.executeQuery(), episodeId);
    } catch (SQLException e) {
      closeQuietly(c);
      throw readFailed("read steps of episode " + episodeId, e);
    }
  }

  @Override
  public List<EventRecord> events(long episodeId) {
    return queryEvents(sql.eventsOfEpisode(), "read events of episode " + episodeId, episodeId);
  }

  @Override
  public List<EventRecord> eventsBetween(long fromNs, long toNs) {
    return queryEvents(sql.eventsBetween(), "read events", fromNs, toNs);
  }

  private List<EventRecord> queryEvents(String query, String what, long... args) {
    requireReadable();
    try (Connection c = readConnection()) {
      if (!hasEventsTable(c)) {
        return List.of(); // a version-1 store opened read-only: no events were recorded in it
      }
      return EventRows.query(c, query, args);
    } catch (SQLException e) {
      throw readFailed(what, e);
    }
  }

  private EpisodeSummary summary(ResultSet rs) throws SQLException {
    long id = rs.getLong(1);
    boolean operator = sql.integerFlags() ? rs.getInt(6) != 0 : rs.getBoolean(6);
    EpisodeMeta meta = new EpisodeMeta(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), operator,
        rs.getLong(7));
    long endNs = rs.getLong(8);
    Long end = rs.wasNull() ? null : endNs;
    String outcome = rs.getString(9);
    Instant recordedAt = recordedAt(rs, 12);
    long gaps = rs.getLong(11) + ledger.pendingGaps(id);
    return new EpisodeSummary(id, meta, outcome == null ? null : Outcome.ofLabel(outcome), end, rs.getLong(10), gaps,
        recordedAt);
  }

  private void requireReadable() {
    switch (state) {
      case NEW -> throw new IllegalStateException("memory store " + where + " is not open");
      case UNAVAILABLE -> throw new EpisodeStoreException(reporter.current().message());
      case CLOSED -> throw new IllegalStateException("memory store " + where + " is closed");
      default -> {
        // OPEN or READ_ONLY
      }
    }
  }

  EpisodeStoreException readFailed(String what, SQLException e) {
    return new EpisodeStoreException("memory store " + where + ": cannot " + what + " (" + describe(e) + ")", e);
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
}
