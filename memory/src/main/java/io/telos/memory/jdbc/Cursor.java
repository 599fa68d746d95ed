package io.telos.memory.jdbc;

import io.telos.api.Mode;
import io.telos.memory.EpisodeStoreException;
import io.telos.memory.ObjectBytes;
import io.telos.memory.StepCursor;
import io.telos.memory.StepRecord;
import io.telos.memory.VectorBytes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.NoSuchElementException;

/**
 * A streaming {@link StepCursor} over one query of {@link Sql#selectSteps}: it owns its read
 * connection and closes it at the end of the rows, on an error, or when closed early (rolling back
 * first where the connection had a transaction open for a server-side cursor).
 */
final class Cursor implements StepCursor {
  private final JdbcEpisodeStore store;
  private final Connection conn;
  private final PreparedStatement stmt;
  private final ResultSet rs;
  private final long episodeId;
  private boolean fetched;
  private boolean has;
  private boolean closed;

  Cursor(JdbcEpisodeStore store, Connection conn, PreparedStatement stmt, ResultSet rs, long episodeId) {
    this.store = store;
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
        throw store.readFailed("read steps of episode " + episodeId, e);
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
      throw new EpisodeStoreException("memory store " + store.where + ": bad step row in episode " + episodeId
          + " (" + e.getMessage() + ")", e);
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
      if (!conn.getAutoCommit()) {
        conn.rollback();
      }
    } catch (SQLException ignored) {
      // the connection goes too
    }
    JdbcEpisodeStore.closeQuietly(conn);
  }

  /** The step in the current row ({@link Sql#STEP_COLUMNS}). */
  private static StepRecord step(ResultSet rs) throws SQLException {
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
}
