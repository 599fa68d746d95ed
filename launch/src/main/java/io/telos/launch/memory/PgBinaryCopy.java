package io.telos.launch.memory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Rows into one {@code COPY ... FROM STDIN (FORMAT binary)} through the PostgreSQL JDBC driver's
 * copy API, encoded here in PostgreSQL's binary copy format (a signature and header, then per row
 * a field count and each field as a length and its bytes, -1 for NULL, big-endian) and sent in
 * 1 MiB chunks. Each value must be given in its column's binary form: {@code bigint},
 * {@code double precision}, {@code boolean}, {@code text}, {@code bytea}.
 */
final class PgBinaryCopy implements AutoCloseable {
  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
  private static final int NULL = -1;

  private final CopyIn copy;
  private final ByteBuffer buf = ByteBuffer.allocate(1 << 20);
  private boolean finished;

  /**
   * Starts {@code COPY table (columns) FROM STDIN (FORMAT binary)} on {@code c}, which runs no
   * other statement until {@link #finish()}.
   */
  PgBinaryCopy(Connection c, String table, String columns) throws SQLException {
    copy = c.unwrap(PGConnection.class).getCopyAPI()
        .copyIn("COPY " + table + " (" + columns + ") FROM STDIN (FORMAT binary)");
    buf.put(SIGNATURE).putInt(0).putInt(0); // flags, header extension length
  }

  /** Begins a row of {@code fields} values. */
  PgBinaryCopy row(int fields) throws SQLException {
    room(2);
    buf.putShort((short) fields);
    return this;
  }

  PgBinaryCopy int8(long v) throws SQLException {
    room(12);
    buf.putInt(8).putLong(v);
    return this;
  }

  /** A {@code double precision}; NaN is written as NULL. */
  PgBinaryCopy float8OrNull(double v) throws SQLException {
    if (Double.isNaN(v)) {
      return nullValue();
    }
    room(12);
    buf.putInt(8).putDouble(v);
    return this;
  }

  PgBinaryCopy bool(boolean v) throws SQLException {
    room(5);
    buf.putInt(1).put((byte) (v ? 1 : 0));
    return this;
  }

  /** A {@code text} as UTF-8, or NULL. */
  PgBinaryCopy text(String s) throws SQLException {
    return bytes(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
  }

  /** A {@code bytea}, or NULL. */
  PgBinaryCopy bytes(byte[] b) throws SQLException {
    if (b == null) {
      return nullValue();
    }
    room(4);
    buf.putInt(b.length);
    if (b.length > buf.remaining()) {
      send();
      copy.writeToCopy(b, 0, b.length);
    } else {
      buf.put(b);
    }
    return this;
  }

  PgBinaryCopy nullValue() throws SQLException {
    room(4);
    buf.putInt(NULL);
    return this;
  }

  /** Ends the copy; returns the rows the server took. */
  long finish() throws SQLException {
    room(2);
    buf.putShort((short) -1);
    send();
    finished = true;
    return copy.endCopy();
  }

  /** Cancels the copy unless it finished (the server then discards every row). */
  @Override
  public void close() throws SQLException {
    if (!finished && copy.isActive()) {
      copy.cancelCopy();
    }
  }

  private void room(int n) throws SQLException {
    if (buf.remaining() < n) {
      send();
    }
  }

  private void send() throws SQLException {
    if (buf.position() > 0) {
      copy.writeToCopy(buf.array(), 0, buf.position());
      buf.clear();
    }
  }
}
