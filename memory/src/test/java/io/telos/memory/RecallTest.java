package io.telos.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Vec;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecallTest {
  private static StepRecord at(long ep, long i, Vec state, Vec cmd) {
    return new StepRecord(ep, i, i, state, null, null, cmd, null, null, Double.NaN, null, null);
  }

  @Test
  void findsTheNearestStepsWithTheNextCommandAndTheOutcome() throws Exception {
    InMemoryEpisodeStore store = new InMemoryEpisodeStore();
    store.open();
    long a = store.beginEpisode(Steps.meta("g1", 0));
    store.append(at(a, 0, Vec.of(0, 0), Vec.of(10)));
    store.append(at(a, 1, Vec.of(1, 0), Vec.of(11)));
    store.append(at(a, 2, Vec.of(2, 0), Vec.of(12)));
    store.endEpisode(a, Outcome.REACHED, 3);
    long b = store.beginEpisode(Steps.meta("g2", 0));
    store.append(at(b, 0, Vec.of(0, 5), Vec.of(20)));
    store.append(at(b, 1, Vec.of(1.1, 0), Vec.of(21)));
    store.append(at(b, 2, Vec.of(7, 7, 7), Vec.of(22))); // another length: skipped
    store.endEpisode(b, Outcome.FAILED, 3);
    long c = store.beginEpisode(Steps.meta("g3", 0));
    store.append(at(c, 0, Vec.of(2.05, 0), Vec.of(30)));
    store.flush().get();

    List<Recall.Match> m = new Recall(store).nearest(Vec.of(1.02, 0), 3);
    assertEquals(List.of(a + "/1", b + "/1", a + "/2"), m.stream()
        .map(x -> x.step().episodeId() + "/" + x.step().index()).toList());
    assertEquals(0.02, m.get(0).distance(), 1e-12);
    assertEquals(Vec.of(12), m.get(0).nextCommand(), "the command recorded with the following step");
    assertEquals(Outcome.REACHED, m.get(0).outcome());
    assertEquals(Outcome.FAILED, m.get(1).outcome());
    assertEquals(Vec.of(22), m.get(1).nextCommand());
    assertTrue(m.get(2).nextCommand().isEmpty(), "the last step of its episode");

    List<Recall.Match> last = new Recall(store).nearest(Vec.of(2.05, 0), 1);
    assertEquals(c, last.get(0).step().episodeId());
    assertTrue(last.get(0).nextCommand().isEmpty());
    assertNull(last.get(0).outcome(), "still open");
    assertEquals(6, new Recall(store).nearest(Vec.of(0, 0), 100).size());
    assertThrows(IllegalArgumentException.class, () -> new Recall(store).nearest(Vec.of(0, 0), 0));
    store.close();
  }

  @Test
  void printsRecallTimesAt100kSteps() throws Exception {
    InMemoryEpisodeStore store = new InMemoryEpisodeStore();
    store.open();
    Random r = new Random(7);
    for (int e = 0; e < 100; e++) {
      long id = store.beginEpisode(Steps.meta("g" + e, 0));
      for (int i = 0; i < 1000; i++) {
        double[] s = new double[12];
        for (int j = 0; j < 12; j++) {
          s[j] = r.nextGaussian();
        }
        store.append(at(id, i, Vec.of(s), Vec.of(i)));
      }
      store.endEpisode(id, e % 2 == 0 ? Outcome.REACHED : Outcome.FAILED, 1000);
    }
    store.flush().get();
    Recall recall = new Recall(store);
    long[] ns = new long[25];
    for (int q = 0; q < ns.length + 3; q++) {
      double[] s = new double[12];
      for (int j = 0; j < 12; j++) {
        s[j] = r.nextGaussian();
      }
      long t0 = System.nanoTime();
      assertEquals(10, recall.nearest(Vec.of(s), 10).size());
      if (q >= 3) {
        ns[q - 3] = System.nanoTime() - t0;
      }
    }
    Arrays.sort(ns);
    System.out.printf("recall k=10 over 100k steps (12-d state, in-memory store, brute force): p50 %.1f ms,"
        + " p99 %.1f ms%n", ns[ns.length / 2] / 1e6, ns[ns.length - 1] / 1e6);
    store.close();
  }
}
