package io.telos.memory.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store's read connections, kept for the next read instead of opened per read.
 *
 * <p>A recall reads a handful of short ranges per hit; on PostgreSQL opening a connection (a new
 * server backend and an authentication) costs milliseconds, many times the query. {@link #borrow()}
 * hands out an idle connection when one is there and still valid ({@link Connection#isValid}: a
 * round trip, so that a server restart costs no failed read), else a new one. Closing the borrowed
 * connection gives it back: an open transaction (a streaming cursor's) is rolled back and autocommit
 * turned on again; at most {@code maxIdle} are kept, the rest closed. Connections that fail any of
 * this are closed, never kept. After {@link #close()} nothing is kept and borrowing fails.
 */
final class ReadPool implements AutoCloseable {
  /** Opens a new connection. */
  @FunctionalInterface
  interface Opener {
    Connection open() throws SQLException;
  }

  private static final int VALID_TIMEOUT_S = 2;

  private final Opener opener;
  private final int maxIdle;
  private final Deque<Connection> idle = new ArrayDeque<>();
  private final AtomicLong opened = new AtomicLong();
  private boolean closed;

  ReadPool(Opener opener, int maxIdle) {
    if (maxIdle < 0) {
      throw new IllegalArgumentException("maxIdle must be >= 0, was " + maxIdle);
    }
    this.opener = opener;
    this.maxIdle = maxIdle;
  }

  /** A connection for one read; closing it gives it back. */
  Connection borrow() throws SQLException {
    while (true) {
      Connection raw;
      synchronized (this) {
        if (closed) {
          throw new SQLException("the store's read connections are closed");
        }
        raw = idle.pollFirst();
      }
      if (raw == null) {
        Connection fresh = opener.open();
        opened.incrementAndGet();
        return lend(fresh);
      }
      if (isValid(raw)) {
        return lend(raw);
      }
      JdbcEpisodeStore.closeQuietly(raw);
    }
  }

  /** How many connections were opened so far (idle reuse does not count). */
  long opened() {
    return opened.get();
  }

  /** How many connections wait for the next read. */
  synchronized int idle() {
    return idle.size();
  }

  @Override
  public void close() {
    Connection[] all;
    synchronized (this) {
      closed = true;
      all = idle.toArray(Connection[]::new);
      idle.clear();
    }
    for (Connection c : all) {
      JdbcEpisodeStore.closeQuietly(c);
    }
  }

  private static boolean isValid(Connection c) {
    try {
      return c.isValid(VALID_TIMEOUT_S);
    } catch (SQLException e) {
      return false;
    }
  }

  private void giveBack(Connection raw) {
    try {
      if (raw.isClosed()) {
        return;
      }
      if (!raw.getAutoCommit()) {
        raw.rollback();
        raw.setAutoCommit(true);
      }
    } catch (SQLException e) {
      JdbcEpisodeStore.closeQuietly(raw);
      return;
    }
    synchronized (this) {
      if (!closed && idle.size() < maxIdle) {
        idle.addFirst(raw);
        return;
      }
    }
    JdbcEpisodeStore.closeQuietly(raw);
  }

  private Connection lend(Connection raw) {
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        new Lent(raw));
  }

  /** A borrowed connection: everything goes to the real one except closing, which gives it back once. */
  private final class Lent implements InvocationHandler {
    private final Connection raw;
    private boolean returned;

    Lent(Connection raw) {
      this.raw = raw;
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
      switch (m.getName()) {
        case "close" -> {
          if (!returned) {
            returned = true;
            giveBack(raw);
          }
          return null;
        }
        case "isClosed" -> {
          return returned || raw.isClosed();
        }
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        case "toString" -> {
          return "lent " + raw;
        }
        default -> {
          if (returned) {
            throw new SQLException("connection already given back to the store");
          }
          try {
            return m.invoke(raw, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        }
      }
    }
  }
}
