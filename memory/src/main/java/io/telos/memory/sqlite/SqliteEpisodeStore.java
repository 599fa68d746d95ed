package io.telos.memory.sqlite;

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
import java.sql.Types;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * about it once; they hear again when a commit succeeds.
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
public final class SqliteEpisodeStore implements EpisodeStore {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteEpisodeStore.class);
  private static final long IDLE_POLL_MS = 100;
  private static final long MAX_BACKOFF_MS = 2_000;
  private static final Object STOP = new Object();

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

  private enum State { NEW, OPEN, READ_ONLY, UNAVAILABLE, CLOSED }

  private record Begin(long id, EpisodeMeta meta) {}

  private record End(long id, Outcome outcome, long endNs) {}

  private record Flush(CompletableFuture<Void> done) {}

  private record Event(EventRecord event) {}

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

  private final Path path;
  private final Path lockPath;
  private final Options options;
  private final List<String> extraPragmas;
  private final String component;
  private final List<StoreListener> listeners = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger queuedSteps = new AtomicInteger();
  private final Map<Long, Live> live = new ConcurrentHashMap<>();
  /** Gaps counted but not yet persisted, by episode. */
  private final Map<Long, Long> pendingGaps = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong(1);
  private final AtomicLong durable = new AtomicLong();
  private final AtomicLong gapsCounted = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();

  private volatile State state = State.NEW;
  private volatile StoreError failure;
  private volatile boolean stopRequested;
  private volatile long recovered;
  /** Whether {@code steps} has the version-3 {@code objects} column; once true it stays so. */
  private volatile boolean objectsColumn;
  private Thread writer;
  private Connection writeConn;
  private FileChannel lockChannel;
  private FileLock lock;

  // writer-thread state
  private final List<Object> retry = new ArrayList<>();
  private long gapsAtFailure;

  public SqliteEpisodeStore(Path path) {
    this(path, Options.defaults());
  }

  public SqliteEpisodeStore(Path path, Options options) {
    this(path, options, List.of());
  }

  /** For tests: extra {@code PRAGMA}s run on the writer's connection after it is set up. */
  SqliteEpisodeStore(Path path, Options options, List<String> extraPragmas) {
    this.path = path.toAbsolutePath().normalize();
    this.lockPath = this.path.resolveSibling(this.path.getFileName() + ".lock");
    this.options = Objects.requireNonNull(options, "options");
    this.extraPragmas = List.copyOf(extraPragmas);
    this.component = "memory/sqlite";
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

  /** Episodes that {@link #open()} found left open by a crash and marked incomplete. */
  public long recoveredEpisodes() {
    return recovered;
  }

  /** Transactions committed by the writer since open (for measuring group commit). */
  public long commits() {
    return commits.get();
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public synchronized void open() {
    if (state != State.NEW) {
      return;
    }
    try {
      if (options.readOnly()) {
        if (!Files.isRegularFile(path)) {
          throw new IOException("no memory store at " + path);
        }
        try (Connection c = readConnection()) {
          checkVersion(c, false);
        }
        state = State.READ_ONLY;
        LOG.info("component={} event=opened path={} mode=read-only", component, path);
        return;
      }
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
      writeConn = connect(false);
      try (Statement s = writeConn.createStatement()) {
        try (ResultSet rs = s.executeQuery("PRAGMA journal_mode=WAL")) {
          String mode = rs.next() ? rs.getString(1) : "?";
          if (!"wal".equalsIgnoreCase(mode)) {
            throw new SQLException("could not switch to WAL journal mode (got " + mode + ")");
          }
        }
        s.execute("PRAGMA synchronous=" + options.synchronous().name());
        s.execute("PRAGMA journal_size_limit=" + (64L << 20));
      }
      int found = checkVersion(writeConn, true);
      try (Statement s = writeConn.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
        for (String ddl : Schema.CREATE) {
          s.execute(ddl);
        }
        if (!hasObjectsColumn(writeConn)) {
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
      objectsColumn = true;
      if (found > 0 && found < Schema.VERSION) {
        LOG.info("component={} event=schema_migrated path={} from={} to={}", component, path, found, Schema.VERSION);
      }
      try (Statement s = writeConn.createStatement()) {
        for (String p : extraPragmas) {
          s.execute("PRAGMA " + p);
        }
      }
      state = State.OPEN;
      writer = new Thread(this::writerLoop, "memory-writer-" + path.getFileName());
      writer.setDaemon(true);
      writer.start();
      LOG.info("component={} event=opened path={} synchronous={} queue_capacity={} recovered_incomplete={}", component,
          path, options.synchronous(), options.queueCapacity(), recovered);
    } catch (IOException | SQLException | RuntimeException e) {
      releaseQuietly();
      state = State.UNAVAILABLE;
      String msg = "memory store " + path + ": cannot open (" + describe(e) + "); nothing will be recorded";
      LOG.error("component={} event=open_failed path={} reason=\"{}\"", component, path, describe(e));
      reportError(new StoreError(StoreError.Kind.OPEN_FAILED, msg, e));
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
        releaseQuietly();
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
      w.join(2 * options.busyTimeoutMs() + 10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (w.isAlive()) {
      LOG.error("component={} event=close_timeout path={} reason=\"writer did not finish\"", component, path);
      w.interrupt();
    }
    long leftover = 0;
    for (Object o : queue) {
      if (o instanceof StepRecord s) {
        countGap(s.episodeId(), 1);
        leftover++;
      } else if (o instanceof Flush f) {
        f.done().completeExceptionally(new EpisodeStoreException("memory store " + path + " closed"));
      }
    }
    queue.clear();
    if (leftover > 0) {
      LOG.warn("component={} event=steps_lost_on_close steps={}", component, leftover);
    }
    synchronized (this) {
      releaseQuietly();
    }
    LOG.info("component={} event=closed path={} durable_steps={} gaps={} commits={}", component, path, durable.get(),
        gapsCounted.get(), commits.get());
  }

  /**
   * For tests: stops like a killed process. Queued work is dropped, open episodes are not ended,
   * an uncommitted transaction is rolled back; the lock is released as the OS would release it.
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
    synchronized (this) {
      releaseQuietly();
    }
  }

  private void releaseQuietly() {
    if (writeConn != null && (writer == null || !writer.isAlive())) {
      try {
        writeConn.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
      writeConn = null;
    }
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
      throw new IllegalStateException("memory store " + path + " is " + describe(s) + ": cannot begin an episode");
    }
    long id = nextId.getAndIncrement();
    live.put(id, new Live(meta.startNs()));
    if (s == State.OPEN) {
      queue.add(new Begin(id, meta));
    }
    return id;
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
      throw new IllegalArgumentException("episode " + step.episodeId() + " is not open in memory store " + path);
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
      throw new IllegalArgumentException("episode " + episodeId + " is not open in memory store " + path);
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
        return CompletableFuture.failedFuture(new IllegalStateException("memory store " + path + " is not open"));
      case UNAVAILABLE:
        return CompletableFuture.failedFuture(new EpisodeStoreException(failure.message()));
      case OPEN:
        CompletableFuture<Void> f = new CompletableFuture<>();
        queue.add(new Flush(f));
        if (!writer.isAlive()) {
          f.completeExceptionally(new EpisodeStoreException("memory store " + path + " closed"));
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

  private void writerLoop() {
    List<Object> batch = new ArrayList<>(Math.min(options.maxBatch(), 65_536));
    boolean stopping = false;
    int stopAttempts = 0;
    long backoffMs = 0;
    try (Statement control = writeConn.createStatement();
        PreparedStatement insertStep = writeConn.prepareStatement(Schema.INSERT_STEP);
        PreparedStatement insertEpisode = writeConn.prepareStatement(Schema.INSERT_EPISODE);
        PreparedStatement endEpisode = writeConn.prepareStatement(Schema.END_EPISODE);
        PreparedStatement addSteps = writeConn.prepareStatement(Schema.ADD_STEPS);
        PreparedStatement addGaps = writeConn.prepareStatement(Schema.ADD_GAPS);
        PreparedStatement insertEvent = writeConn.prepareStatement(Schema.INSERT_EVENT)) {
      Statements st = new Statements(control, insertStep, insertEpisode, endEpisode, addSteps, addGaps, insertEvent);
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
          } else if (o instanceof StepRecord) {
            steps++;
          }
        }
        queuedSteps.addAndGet(-steps);
        if (!batch.isEmpty() || !retry.isEmpty() || !pendingGaps.isEmpty()) {
          boolean ok = commit(batch, st);
          batch.clear();
          if (ok) {
            backoffMs = 0;
          } else if (stopping) {
            if (++stopAttempts >= 2) {
              LOG.error("component={} event=close_with_failure path={} unsaved_episode_changes={}", component, path,
                  retry.size());
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
      LOG.warn("component={} event=writer_interrupted path={}", component, path);
    } catch (SQLException | RuntimeException e) {
      LOG.error("component={} event=writer_died path={} reason=\"{}\"", component, path, describe(e), e);
      reportError(new StoreError(StoreError.Kind.WRITE_FAILED,
          "memory store " + path + ": writer stopped (" + describe(e) + "); nothing more will be recorded", e));
    } finally {
      for (Object o : queue) {
        if (o instanceof Flush f) {
          f.done().completeExceptionally(new EpisodeStoreException("memory store " + path + ": writer stopped"));
        }
      }
      try {
        writeConn.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
  }

  private record Statements(Statement control, PreparedStatement insertStep, PreparedStatement insertEpisode,
      PreparedStatement endEpisode, PreparedStatement addSteps, PreparedStatement addGaps,
      PreparedStatement insertEvent) {}

  /** One transaction: retried episode changes, the batch, then step and gap counters. */
  private boolean commit(List<Object> batch, Statements st) {
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
    try {
      st.control().execute("BEGIN IMMEDIATE");
      for (Object c : changes) {
        apply(c, st);
      }
      Map<Long, Long> perEpisode = new HashMap<>();
      if (!steps.isEmpty()) {
        for (StepRecord s : steps) {
          bind(st.insertStep(), s);
          st.insertStep().addBatch();
        }
        int[] counts = st.insertStep().executeBatch();
        for (int i = 0; i < counts.length; i++) {
          StepRecord s = steps.get(i);
          if (counts[i] != 0) {
            perEpisode.merge(s.episodeId(), 1L, Long::sum);
            stored.add(s);
            inserted++;
          } else {
            gaps.merge(s.episodeId(), 1L, Long::sum); // a duplicate index: not stored, so a gap
            duplicates++;
          }
        }
      }
      addCounts(st.addSteps(), perEpisode);
      addCounts(st.addGaps(), gaps);
      st.control().execute("COMMIT");
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(st);
      retry.clear();
      for (Object c : changes) {
        retry.add(c);
      }
      drained.forEach((id, n) -> pendingGaps.merge(id, n, Long::sum));
      if (failure == null || failure.kind() != StoreError.Kind.WRITE_FAILED) {
        gapsAtFailure = gapsCounted.get();
      }
      for (StepRecord s : steps) {
        countGap(s.episodeId(), 1);
      }
      if (!steps.isEmpty()) {
        saveBookkeeping(st);
      }
      String msg = "memory store " + path + ": write failed (" + describe(e)
          + "); steps are counted as gaps until a write succeeds";
      if (failure == null) {
        LOG.error("component={} event=write_failed path={} steps_lost={} reason=\"{}\"", component, path,
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
      LOG.warn("component={} event=write_recovered path={} steps_lost={}", component, path, lost);
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

  /**
   * After a failed commit with steps: tries to keep episode starts and ends and the gap counts on
   * their own, since they are small and may still fit (a nearly full disk).
   */
  private void saveBookkeeping(Statements st) {
    Map<Long, Long> drained = drainPendingGaps();
    try {
      st.control().execute("BEGIN IMMEDIATE");
      for (Object c : retry) {
        apply(c, st);
      }
      addCounts(st.addGaps(), drained);
      st.control().execute("COMMIT");
      retry.clear();
      commits.incrementAndGet();
    } catch (SQLException | RuntimeException e) {
      LOG.debug("component={} event=bookkeeping_failed reason=\"{}\"", component, describe(e));
      rollbackQuietly(st);
      drained.forEach((id, n) -> pendingGaps.merge(id, n, Long::sum));
    }
  }

  private void apply(Object change, Statements st) throws SQLException {
    if (change instanceof Begin b) {
      PreparedStatement p = st.insertEpisode();
      EpisodeMeta m = b.meta();
      p.setLong(1, b.id());
      p.setString(2, m.robotId());
      p.setString(3, m.launchSource());
      p.setString(4, m.policy());
      p.setString(5, m.goalId());
      p.setInt(6, m.operator() ? 1 : 0);
      p.setLong(7, m.startNs());
      p.executeUpdate();
    } else if (change instanceof End e) {
      PreparedStatement p = st.endEpisode();
      p.setString(1, e.outcome().label());
      p.setLong(2, e.endNs());
      p.setLong(3, e.id());
      p.executeUpdate();
    } else if (change instanceof Event ev) {
      PreparedStatement p = st.insertEvent();
      EventRows.bind(p, 1, ev.event(), true);
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
      p.setNull(10, Types.REAL);
    } else {
      p.setDouble(10, s.energy());
    }
    setStringOrNull(p, 11, s.goalId());
    setStringOrNull(p, 12, s.faultCode());
    byte[] objects = ObjectBytes.encode(s.objects(), s.stampNs());
    if (objects == null) {
      p.setNull(13, Types.BLOB);
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

  private void rollbackQuietly(Statements st) {
    try {
      st.insertStep().clearBatch();
      st.addSteps().clearBatch();
      st.addGaps().clearBatch();
    } catch (SQLException ignored) {
      // the statements are reset by the rollback anyway
    }
    try {
      st.control().execute("ROLLBACK");
    } catch (SQLException e) {
      // SQLite may already have rolled back by itself (SQLITE_FULL, SQLITE_IOERR, ...)
      LOG.debug("component={} event=rollback_skipped reason=\"{}\"", component, describe(e));
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
    try (Connection c = readConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*), COALESCE(SUM(outcome IS NULL), 0), COALESCE(SUM(steps), 0),"
            + " COALESCE(SUM(gaps), 0) FROM episodes")) {
      rs.next();
      long pending = 0;
      for (long n : pendingGaps.values()) {
        pending += n;
      }
      return new StoreStats(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4) + pending, bytesOnDisk());
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
    try (Connection c = readConnection();
        PreparedStatement p = c.prepareStatement(
            "SELECT " + Schema.EPISODE_COLUMNS + " FROM episodes ORDER BY id DESC LIMIT ?")) {
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
    try (Connection c = readConnection();
        PreparedStatement p = c.prepareStatement("SELECT " + Schema.EPISODE_COLUMNS + " FROM episodes WHERE id = ?")) {
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
      PreparedStatement p = c.prepareStatement(range ? Schema.selectStepRange(objects) : Schema.selectSteps(objects));
      for (int k = 0; k < args.length; k++) {
        p.setLong(k + 1, args[k]);
      }
      p.setFetchSize(256);
      return new Cursor(c, p, p.executeQuery(), episodeId);
    } catch (SQLException e) {
      if (c != null) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // reporting the first error
        }
      }
      throw readFailed("read steps of episode " + episodeId, e);
    }
  }

  @Override
  public List<EventRecord> events(long episodeId) {
    return queryEvents("SELECT " + Schema.EVENT_COLUMNS + " FROM events WHERE episode_id = ? ORDER BY id",
        "read events of episode " + episodeId, episodeId);
  }

  @Override
  public List<EventRecord> eventsBetween(long fromNs, long toNs) {
    return queryEvents(
        "SELECT " + Schema.EVENT_COLUMNS + " FROM events WHERE stamp_ns >= ? AND stamp_ns < ? ORDER BY stamp_ns, id",
        "read events", fromNs, toNs);
  }

  private List<EventRecord> queryEvents(String sql, String what, long... args) {
    requireReadable();
    try (Connection c = readConnection()) {
      if (!hasTable(c, "events")) {
        return List.of(); // a version-1 file opened read-only: no events were recorded in it
      }
      return EventRows.query(c, sql, args);
    } catch (SQLException e) {
      throw readFailed(what, e);
    }
  }

  /** Whether {@code steps} has the {@code objects} column (false in a version-1 or -2 file). */
  private static boolean hasObjectsColumn(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(Schema.HAS_OBJECTS)) {
      return rs.next();
    }
  }

  private static boolean hasTable(Connection c, String name) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
      p.setString(1, name);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next();
      }
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
      } catch (SQLException | IllegalArgumentException e) {
        close();
        throw new EpisodeStoreException("memory store " + path + ": bad step row in episode " + episodeId + " ("
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
      } catch (SQLException ignored) {
        // the connection goes too
      }
      try {
        conn.close();
      } catch (SQLException ignored) {
        // nothing left to release
      }
    }
  }

  private EpisodeSummary summary(ResultSet rs) throws SQLException {
    long id = rs.getLong(1);
    EpisodeMeta meta = new EpisodeMeta(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getInt(6) != 0, rs.getLong(7));
    long endNs = rs.getLong(8);
    Long end = rs.wasNull() ? null : endNs;
    String outcome = rs.getString(9);
    Instant recordedAt;
    try {
      recordedAt = Instant.parse(rs.getString(12));
    } catch (DateTimeParseException | NullPointerException e) {
      recordedAt = null;
    }
    long gaps = rs.getLong(11) + pendingGaps.getOrDefault(id, 0L);
    return new EpisodeSummary(id, meta, outcome == null ? null : Outcome.ofLabel(outcome), end, rs.getLong(10), gaps,
        recordedAt);
  }

  private void requireReadable() {
    switch (state) {
      case NEW -> throw new IllegalStateException("memory store " + path + " is not open");
      case UNAVAILABLE -> throw new EpisodeStoreException(failure.message());
      case CLOSED -> throw new IllegalStateException("memory store " + path + " is closed");
      default -> {
        // OPEN or READ_ONLY
      }
    }
  }

  private EpisodeStoreException readFailed(String what, SQLException e) {
    return new EpisodeStoreException("memory store " + path + ": cannot " + what + " (" + describe(e) + ")", e);
  }

  private long bytesOnDisk() {
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

  // ---------------------------------------------------------------- connections

  private Connection connect(boolean readOnly) throws SQLException {
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setBusyTimeout((int) options.busyTimeoutMs());
    cfg.setReadOnly(readOnly);
    return DriverManager.getConnection("jdbc:sqlite:" + path, cfg.toProperties());
  }

  private Connection readConnection() throws SQLException {
    return connect(true);
  }

  /** The file's schema version (0 for a new file). */
  private int checkVersion(Connection c, boolean forWriting) throws SQLException {
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

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
