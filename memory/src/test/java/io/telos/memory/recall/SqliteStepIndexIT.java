package io.telos.memory.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.telos.api.Vec;
import io.telos.memory.Outcome;
import io.telos.memory.Steps;
import io.telos.memory.sqlite.SqliteEpisodeStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index built from a real SQLite file and kept up to date by the store's commits. */
class SqliteStepIndexIT {
  @TempDir
  Path dir;

  @Test
  void buildsFromTheFileThenFollowsCommits() throws Exception {
    Path file = dir.resolve("memory.db");
    try (SqliteEpisodeStore first = new SqliteEpisodeStore(file)) {
      first.open();
      long a = first.beginEpisode(Steps.meta("g1", 0));
      for (int i = 0; i < 500; i++) {
        first.append(StepIndexTest.at(a, i, Vec.of(i, 0), null, Vec.of(i)));
      }
      first.endEpisode(a, Outcome.FAILED, 500);
    }
    try (SqliteEpisodeStore store = new SqliteEpisodeStore(file); StepIndex index = new StepIndex(store, 0)) {
      store.open();
      long b = store.beginEpisode(Steps.meta("g2", 0));
      store.append(StepIndexTest.at(b, 0, Vec.of(1000, 0), null, Vec.of(-1)));
      index.build();
      for (int i = 1; i < 300; i++) {
        store.append(StepIndexTest.at(b, i, Vec.of(1000 + i, 0), null, Vec.of(-1 - i)));
      }
      store.flush().get(10, TimeUnit.SECONDS);
      index.sync();
      assertEquals(800, index.size(), "every step once: scanned or committed after");
      SimilarityRecall recall = new SimilarityRecall(store, index);
      List<Neighbour> n = recall.nearest(VectorSpace.STATE, Vec.of(1100.2, 0), 1, 3);
      assertEquals(b, n.get(0).episodeId());
      assertEquals(100, n.get(0).index());
      assertEquals(Vec.of(-101), n.get(0).step().commandPosition());
      assertEquals(List.of(Vec.of(-102), Vec.of(-103), Vec.of(-104)), n.get(0).nextCommands());
      List<Neighbour> old = recall.nearest(VectorSpace.STATE, Vec.of(250.1, 0), 1, 1);
      assertEquals(Outcome.FAILED, old.get(0).outcome());
      assertEquals(250, old.get(0).index());
    }
  }
}
