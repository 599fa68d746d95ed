package io.telos.memory.jdbc;

import io.telos.memory.EpisodeMeta;
import io.telos.memory.EpisodeStoreException;
import io.telos.memory.EventRecord;
import io.telos.memory.EventRows;
import io.telos.memory.ObjectBytes;
import io.telos.memory.Outcome;
import io.telos.memory.StepRecord;
import io.telos.memory.StoreError;
import io.telos.memory.VectorBytes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The writer thread of a {@link JdbcEpisodeStore}, with group commit: it takes everything queued
 * (up to the store's {@code maxBatch} operations) and commits it as one transaction, so the cost
 * of a commit is shared by all steps that arrived while the previous one was in flight.
 *
 * <p>When a commit fails the transaction is rolled back, its steps become gaps, its episode
 * starts, ends and events are retried with the next commit (backing off from 50 ms up to 2 s), the
 * gap counts and episode changes are tried once more on their own (they are small and may still
 * fit on a nearly full disk), and the listeners hear about it once; they hear again when a commit
 * with steps succeeds. A connection the store's database says is lost is dropped and opened again
 * ({@link JdbcEpisodeStore#reconnect()}) at the next commit.
 */
final class Writer implements Runnable {
  private static final long IDLE_POLL_MS = 100;
  private static final long MAX_BACKOFF_MS = 2_000;

  /** Queued by {@link JdbcEpisodeStore#close()}: commit what is queued, then stop. */
  static final Object STOP = new Object();

  /** Queued by {@link JdbcEpisodeStore#requestIds()}: reserve more episode ids before the next commit. */
  static final Object REFILL = new Object();

  /** An episode start. */
  record Begin(long id, EpisodeMeta meta) {}

  /** An episode end. */
  record End(long id, Outcome outcome, long endNs) {}

  /** Completes when everything queued before it is committed. */
  record Flush(CompletableFuture<Void> done) {}

  /** An event. */
  record Event(EventRecord event) {}

  /** The writer's connection and its prepared statements. */
  record Statements(Connection conn, Statement control, PreparedStatement insertStep, PreparedStatement insertEpisode,
      PreparedStatement endEpisode, PreparedStatement addSteps, PreparedStatement addGaps,
      PreparedStatement insertEvent) {
    static Statements prepare(Connection c, Sql sql) throws SQLException {
      return new Statements(c, c.createStatement(), c.prepareStatement(sql.insertStep()),
          c.prepareStatement(sql.insertEpisode()), c.prepareStatement(sql.endEpisode()),
          c.prepareStatement(sql.addSteps()), c.prepareStatement(sql.addGaps()), c.prepareStatement(sql.insertEvent()));
    }
  }

  private final JdbcEpisodeStore store;
  private final Logger log;
  private final String component;
  private final String at;
  private final LinkedBlockingQueue<Object> queue;
  private final Ledger ledger;
  private final Reporter reporter;
  private final List<Object> retry = new ArrayList<>();
  private long gapsAtFailure;
  private Statements st;

  /** A writer that starts with the store's open connection {@code st}. */
  Writer(JdbcEpisodeStore store, Statements st) {
    this.store = store;
    this.log = store.log;
    this.component = store.component;
    this.at = store.whereKey + "={}";
    this.queue = store.queue;
    this.ledger = store.ledger;
    this.reporter = store.reporter;
    this.st = st;
  }

  @Override
  public void run() {
    List<Object> batch = new ArrayList<>(Math.min(store.maxBatch, 65_536));
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
        queue.drainTo(batch, store.maxBatch - batch.size());
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
        store.queuedSteps.addAndGet(-steps);
        if (refill && !stopping) {
          refill = !refillIds();
        }
        if (!batch.isEmpty() || !retry.isEmpty() || ledger.hasPendingGaps()) {
          boolean ok = commit(batch);
          batch.clear();
          if (ok) {
            backoffMs = 0;
          } else if (stopping) {
            if (++stopAttempts >= 2) {
              log.error("component={} event=close_with_failure " + at + " unsaved_episode_changes={}", component,
                  store.where, retry.size());
              break;
            }
          } else {
            backoffMs = backoffMs == 0 ? 50 : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
            pause(backoffMs);
          }
        }
        if (stopping && queue.isEmpty() && (retry.isEmpty() && !ledger.hasPendingGaps() || stopAttempts >= 2)) {
          break;
        }
      }
    } catch (InterruptedException e) {
      log.warn("component={} event=writer_interrupted " + at, component, store.where);
    } catch (RuntimeException e) {
      log.error("component={} event=writer_died " + at + " reason=\"{}\"", component, store.where, store.describe(e),
          e);
      reporter.report(new StoreError(StoreError.Kind.WRITE_FAILED, "memory store " + store.where
          + ": writer stopped (" + store.describe(e) + "); nothing more will be recorded", e));
    } finally {
      for (Object o : queue) {
        if (o instanceof Flush f) {
          f.done().completeExceptionally(new EpisodeStoreException("memory store " + store.where + ": writer stopped"));
        }
      }
      if (st != null) {
        JdbcEpisodeStore.closeQuietly(st.conn());
        st = null;
      }
    }
  }

  /** Reserves more episode ids; false when that failed (it is tried again with the next batch). */
  private boolean refillIds() {
    try {
      store.fetchIds(session().conn());
      return true;
    } catch (SQLException | RuntimeException e) {
      log.debug("component={} event=id_block_failed reason=\"{}\"", component, store.describe(e));
      dropSessionIfBroken(e);
      return false;
    }
  }

  /** The writer's connection, opened again (by {@link JdbcEpisodeStore#reconnect()}) after it was lost. */
  private Statements session() throws SQLException {
    if (st != null) {
      return st;
    }
    Connection c = store.reconnect();
    try {
      st = Statements.prepare(c, store.sql);
      log.info("component={} event=reconnected " + at + "{}", component, store.where, store.writerFields());
      return st;
    } catch (SQLException | RuntimeException e) {
      JdbcEpisodeStore.closeQuietly(c);
      throw e;
    }
  }

  private void dropSessionIfBroken(Throwable e) {
    if (st != null && store.isBroken(e, st.conn())) {
      log.warn("component={} event=connection_lost " + at + " reason=\"{}\"", component, store.where,
          store.describe(e));
      JdbcEpisodeStore.closeQuietly(st.conn());
      st = null;
    }
  }

  /** One transaction: retried episode changes, the batch, then step and gap counters. */
  private boolean commit(List<Object> batch) {
    Map<Long, Long> drained = ledger.drainPendingGaps();
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
      store.begin(s.control());
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
      store.commit(s.control());
    } catch (SQLException | RuntimeException e) {
      failed(e, s, changes, drained, steps, flushes);
      return false;
    }
    retry.clear();
    ledger.committed(inserted, duplicates);
    if (reporter.writeFailing() && !steps.isEmpty()) {
      long lost = ledger.gapsCounted() - gapsAtFailure;
      log.warn("component={} event=write_recovered " + at + " steps_lost={}", component, store.where, lost);
      reporter.recovered(lost);
    }
    if (!stored.isEmpty()) {
      reporter.committed(stored);
    }
    for (Flush fl : flushes) {
      fl.done().complete(null);
    }
    return true;
  }

  /** After a failed commit: steps become gaps, changes wait for a retry, the failure is reported once. */
  private void failed(Exception e, Statements s, List<Object> changes, Map<Long, Long> drained,
      List<StepRecord> steps, List<Flush> flushes) {
    rollbackQuietly(s);
    dropSessionIfBroken(e);
    retry.clear();
    retry.addAll(changes);
    ledger.restore(drained);
    if (!reporter.writeFailing()) {
      gapsAtFailure = ledger.gapsCounted();
    }
    for (StepRecord r : steps) {
      ledger.countGap(r.episodeId(), 1);
    }
    if (!steps.isEmpty() && st != null) {
      saveBookkeeping();
    }
    String msg = "memory store " + store.where + ": write failed (" + store.describe(e)
        + "); steps are counted as gaps until a write succeeds";
    if (reporter.current() == null) {
      log.error("component={} event=write_failed " + at + " steps_lost={} reason=\"{}\"", component, store.where,
          steps.size(), store.describe(e));
      reporter.report(new StoreError(StoreError.Kind.WRITE_FAILED, msg, e));
    } else {
      log.debug("component={} event=write_failed_again steps_lost={} reason=\"{}\"", component, steps.size(),
          store.describe(e));
    }
    for (Flush f : flushes) {
      f.done().completeExceptionally(new EpisodeStoreException(msg, e));
    }
  }

  /**
   * After a failed commit with steps: tries to keep episode starts and ends and the gap counts on
   * their own, since they are small and may still fit (a nearly full disk).
   */
  private void saveBookkeeping() {
    Map<Long, Long> drained = ledger.drainPendingGaps();
    Statements s = st;
    try {
      store.begin(s.control());
      for (Object c : retry) {
        apply(c, s);
      }
      addCounts(s.addGaps(), drained);
      store.commit(s.control());
      retry.clear();
      ledger.committedBookkeeping();
    } catch (SQLException | RuntimeException e) {
      log.debug("component={} event=bookkeeping_failed reason=\"{}\"", component, store.describe(e));
      rollbackQuietly(s);
      dropSessionIfBroken(e);
      ledger.restore(drained);
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
      if (store.sql.integerFlags()) {
        p.setInt(6, m.operator() ? 1 : 0);
      } else {
        p.setBoolean(6, m.operator());
      }
      p.setLong(7, m.startNs());
      store.bindEpisodeExtras(p, 8);
      p.executeUpdate();
    } else if (change instanceof End e) {
      PreparedStatement p = s.endEpisode();
      p.setString(1, e.outcome().label());
      p.setLong(2, e.endNs());
      p.setLong(3, e.id());
      p.executeUpdate();
    } else if (change instanceof Event ev) {
      PreparedStatement p = s.insertEvent();
      EventRows.bind(p, 1, ev.event(), store.sql.integerFlags());
      p.executeUpdate();
    }
  }

  /** Binds a step's thirteen columns ({@link Sql#STEP_COLUMNS}). */
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

  private void rollbackQuietly(Statements s) {
    if (s == null) {
      return;
    }
    try {
      s.insertStep().clearBatch();
      s.addSteps().clearBatch();
      s.addGaps().clearBatch();
    } catch (SQLException ignored) {
      // the statements are reset by the rollback anyway
    }
    store.rollback(s.control());
  }

  private void pause(long ms) {
    long until = System.nanoTime() + ms * 1_000_000L;
    while (!store.stopRequested && System.nanoTime() < until) {
      try {
        Thread.sleep(Math.min(20, ms));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
