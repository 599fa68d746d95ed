package io.telos.launch.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.memory.postgres.PgServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The bench at toy sizes: it runs, prints every figure, and cleans up after itself, on SQLite and
 * on PostgreSQL (skipped without a server); options that do not fit the store are refused.
 */
class BenchCommandTest {
  @TempDir
  Path dir;

  @Test
  void printsWriteRatesAndRecallPercentilesForEachSize() throws Exception {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new BenchCommand());
    cl.setOut(new PrintWriter(out, true));
    Path work = dir.resolve("bench");
    assertEquals(0, cl.execute("--write-steps", "3000", "--sizes", "2000,3000", "--queries", "40",
        "--store-scan-queries", "2", "--dir", work.toString()));
    String s = out.toString();
    assertTrue(s.matches("(?s).*store \\(group commit, durable\\)\\s+\\d+\\s+\\d+.*"), s);
    assertTrue(s.matches("(?s).*raw JDBC executeBatch, 1 transaction\\s+\\d+\\s+1\\n.*"), s);
    assertTrue(s.contains("recall, k=10, 2,000 steps") && s.contains("recall, k=10, 3,000 steps"), s);
    for (String row : List.of("HNSW search (StepIndex)", "HNSW + horizon 10 + outcome (SimilarityRecall)",
        "exact scan of the vectors in RAM", "brute force Recall (streamed scan of the store)")) {
      assertEquals(2, s.split(java.util.regex.Pattern.quote(row), -1).length - 1, row + " once per size:\n" + s);
    }
    assertTrue(s.matches("(?s).*HNSW recall@10 against the exact scan: (0\\.9\\d\\d|1\\.000).*"), s);
    assertTrue(!Files.exists(work) || Files.list(work).findAny().isEmpty(), "stores deleted without --keep");
  }

  @Test
  void theExactScanFindsTheNearestRowsInOrder() {
    float[][] rows = {{0, 0}, {3, 4}, {1, 0}, {0, 2}};
    long[] keys = {10, 11, 12, 13};
    assertEquals(List.of(12L, 10L, 13L), BenchCommand.exactScan(rows, keys, new float[] {1.1f, 0}, 3));
    assertEquals(List.of(10L, 12L, 13L, 11L), BenchCommand.exactScan(rows, keys, new float[] {0, 0}, 10).subList(0, 4));
  }
  @Test
  void postgresNeedsAUrl() {
    Run r = run("--store", "postgres", "--sizes", "2000");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--store postgres needs --url"), r.err());
  }

  @Test
  void refusesAUrlThatIsNotPostgresAndMasksItsPassword() {
    Run r = run("--store", "postgres", "--url", "jdbc:mysql://db:3306/telos?password=hunter2");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--url must be a PostgreSQL JDBC URL"), r.err());
    assertFalse(r.err().contains("hunter2"), r.err());
  }

  @Test
  void refusesAUrlThatNamesASchema() {
    Run r = run("--store", "postgres", "--url", "jdbc:postgresql://db:5432/telos?currentSchema=fleet");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("must not name currentSchema"), r.err());
  }

  @Test
  void refusesPostgresOptionsForSqlite() {
    Run r = run("--url", "jdbc:postgresql://db:5432/telos");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--url, --user and --password are for --store postgres"), r.err());
  }

  @Test
  void refusesAnUnknownStore() {
    Run r = run("--store", "mysql");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--store"), r.err());
  }

  @Test
  void parsesTheStoreOptions() {
    BenchCommand b = new BenchCommand();
    new CommandLine(b).parseArgs("--store", "postgres", "--url", "jdbc:postgresql://db:5432/telos", "--user", "fleet",
        "--password", "pw", "--sizes", "10000000", "-q");
    assertEquals(BenchCommand.StoreKind.postgres, b.store);
    assertEquals("jdbc:postgresql://db:5432/telos", b.url);
    assertEquals("fleet", b.user);
    assertEquals("pw", b.password);
    assertEquals(List.of(10_000_000), b.sizes);
    assertTrue(b.quiet);
    assertEquals(BenchCommand.StoreKind.sqlite, new BenchCommand().store, "SQLite stays the default");
  }

  @Test
  void theSchemaGoesIntoTheUrl() {
    assertEquals("jdbc:postgresql://h/db?currentSchema=s", PgBenchStore.inSchema("jdbc:postgresql://h/db", "s"));
    assertEquals("jdbc:postgresql://h/db?ssl=true&currentSchema=s",
        PgBenchStore.inSchema("jdbc:postgresql://h/db?ssl=true", "s"));
  }

  /** The COPY-loaded rows are read back by the store: the index is built and SimilarityRecall finds them. */
  @Test
  void measuresRecallOnPostgresAndDropsItsSchema() throws Exception {
    PgServer pg = PgServer.get();
    Run r = run("--store", "postgres", "--url", pg.adminUrl(), "--user", pg.user(), "--sizes", "3000", "--queries",
        "40", "--store-scan-queries", "2");
    String s = r.out();
    assertEquals(0, r.code(), s + r.err());
    assertTrue(s.startsWith("telos memory bench: postgres store,"), s);
    assertTrue(s.contains("recall, k=10, 3,000 steps (3 episodes of 1000 12-d states): store loaded in"), s);
    for (String row : List.of("HNSW search (StepIndex)", "HNSW + horizon 10 + outcome (SimilarityRecall)",
        "exact scan of the vectors in RAM", "brute force Recall (streamed scan of the store)")) {
      assertTrue(s.matches("(?s).*" + java.util.regex.Pattern.quote(row) + "\\s+\\d+\\.\\d{3}\\s.*"), row + ":\n" + s);
    }
    assertTrue(s.matches("(?s).*HNSW recall@10 against the exact scan: (0\\.9\\d\\d|1\\.000).*"), s);
    try (Connection c = pg.admin(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'telos_bench_%'")) {
      rs.next();
      assertEquals(0, rs.getInt(1), "bench schemas dropped without --keep");
    }
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new BenchCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
