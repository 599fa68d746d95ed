package io.telos.memory.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read pool over real SQLite connections. */
class ReadPoolTest {
  @TempDir
  Path dir;

  private final List<Connection> raws = new ArrayList<>();
  private ReadPool pool;

  @BeforeEach
  void setUp() throws SQLException {
    String url = "jdbc:sqlite:" + dir.resolve("t.db");
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (x INTEGER)");
    }
    pool = new ReadPool(() -> {
      Connection c = DriverManager.getConnection(url);
      raws.add(c);
      return c;
    }, 2);
  }

  @Test
  void aGivenBackConnectionIsReusedInsteadOfOpeningAnother() throws SQLException {
    for (int i = 0; i < 10; i++) {
      try (Connection c = pool.borrow(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
        assertTrue(rs.next());
      }
    }
    assertEquals(1, pool.opened());
    assertEquals(1, pool.idle());
  }

  @Test
  void anOpenTransactionIsRolledBackAndAutocommitRestoredOnGiveBack() throws SQLException {
    try (Connection c = pool.borrow(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("INSERT INTO t VALUES (1)");
    }
    try (Connection c = pool.borrow(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
      assertTrue(c.getAutoCommit());
      rs.next();
      assertEquals(0, rs.getInt(1), "the uncommitted insert was rolled back");
    }
    assertEquals(1, pool.opened());
  }

  @Test
  void aConnectionGivenBackCannotBeUsedAndClosingTwiceGivesBackOnce() throws SQLException {
    Connection c = pool.borrow();
    c.close();
    c.close();
    assertTrue(c.isClosed());
    assertThrows(SQLException.class, c::createStatement);
    assertEquals(1, pool.idle());
  }

  @Test
  void atMostMaxIdleAreKeptAndTheRestClosed() throws SQLException {
    Connection a = pool.borrow();
    Connection b = pool.borrow();
    Connection c = pool.borrow();
    a.close();
    b.close();
    c.close();
    assertEquals(3, pool.opened());
    assertEquals(2, pool.idle());
    assertEquals(1, raws.stream().filter(ReadPoolTest::closed).count());
  }

  @Test
  void aConnectionThatIsNoLongerValidIsReplaced() throws SQLException {
    pool.borrow().close();
    raws.get(0).close(); // the server side went away
    try (Connection c = pool.borrow(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
      assertTrue(rs.next());
    }
    assertEquals(2, pool.opened());
  }

  @Test
  void closingThePoolClosesIdleAndLentConnectionsAndRefusesBorrowing() throws SQLException {
    Connection lent = pool.borrow();
    pool.borrow().close();
    pool.close();
    assertTrue(closed(raws.get(1)));
    assertFalse(closed(raws.get(0)));
    lent.close();
    assertTrue(closed(raws.get(0)), "given back after the pool closed: closed, not kept");
    assertEquals(0, pool.idle());
    assertThrows(SQLException.class, pool::borrow);
  }

  private static boolean closed(Connection c) {
    try {
      return c.isClosed();
    } catch (SQLException e) {
      return true;
    }
  }
}
