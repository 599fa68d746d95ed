package io.telos.launch.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The bench at toy sizes: it runs, prints every figure, and cleans up after itself. */
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
}
