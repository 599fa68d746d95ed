package io.telos.memory.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.memory.EpisodeSummary;
import io.telos.memory.Outcome;
import io.telos.memory.StepCursor;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real crash: a child JVM recording steps is killed with SIGKILL mid-stream. */
class SqliteKillIT {
  @TempDir
  Path dir;

  @Test
  @Timeout(60)
  void stepsCommittedBeforeAKillSurviveAndTheEpisodeIsMarkedIncomplete() throws Exception {
    Path file = dir.resolve("memory.db");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
        CrashChild.class.getName(), file.toString()))
        .redirectErrorStream(true).start();
    long durable = -1;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      StringBuilder seen = new StringBuilder();
      for (String line; (line = out.readLine()) != null; ) {
        seen.append(line).append('\n');
        if (line.startsWith("DURABLE ")) {
          durable = Long.parseLong(line.substring(8).trim());
          break;
        }
      }
      assertTrue(durable > 0, "child said:\n" + seen);
      Thread.sleep(200); // let it get some way into the next commits
      child.destroyForcibly(); // SIGKILL on Unix
      assertTrue(child.waitFor(20, TimeUnit.SECONDS));
    } finally {
      child.destroyForcibly();
    }
    assertEquals(137, child.exitValue(), "killed by SIGKILL");

    SqliteEpisodeStore again = new SqliteEpisodeStore(file);
    again.open();
    try {
      assertTrue(again.failure().isEmpty(), () -> "reopen: " + again.failure());
      assertEquals(1, again.recoveredEpisodes());
      EpisodeSummary e = again.listEpisodes(1).get(0);
      assertEquals(Outcome.INCOMPLETE, e.outcome());
      assertTrue(e.steps() >= durable, e.steps() + " stored, " + durable + " were durable before the kill");
      long n = 0;
      long lastStamp = -1;
      try (StepCursor c = again.readSteps(e.id())) {
        while (c.hasNext()) {
          var s = c.next();
          assertEquals(n, s.index(), "no holes in what was committed");
          lastStamp = s.stampNs();
          n++;
        }
      }
      assertEquals(e.steps(), n);
      assertEquals(lastStamp, e.endNs());
      System.out.printf("kill -9: %d steps durable when announced, %d found after the kill%n", durable, n);
    } finally {
      again.close();
    }
  }
}
