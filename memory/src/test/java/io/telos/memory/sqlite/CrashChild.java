package io.telos.memory.sqlite;

import io.telos.memory.EpisodeMeta;
import io.telos.memory.Steps;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Run in a child JVM by {@link SqliteKillIT}: records steps, announces how many are durable, then
 * keeps recording until it is killed with SIGKILL.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    SqliteEpisodeStore s = new SqliteEpisodeStore(Path.of(args[0]));
    s.open();
    if (s.failure().isPresent()) {
      System.out.println("FAILED " + s.failure().get().message());
      System.exit(2);
    }
    long id = s.beginEpisode(new EpisodeMeta("arm1", "crash", "test", "crash-goal", false, 0));
    long i = 0;
    for (; i < 2_000; i++) {
      s.append(Steps.step(id, i));
    }
    s.flush().get(30, TimeUnit.SECONDS);
    System.out.println("DURABLE " + s.durableSteps());
    System.out.flush();
    while (true) { // the parent kills us somewhere in here
      s.append(Steps.step(id, i++));
      if (i % 100 == 0) {
        Thread.sleep(1);
      }
    }
  }
}
