package io.telos.memory.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Vec;
import io.telos.memory.InMemoryEpisodeStore;
import io.telos.memory.Outcome;
import io.telos.memory.Recall;
import io.telos.memory.StepRecord;
import io.telos.memory.Steps;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The HNSW index against the brute-force {@link Recall}, and the recall built on it. */
class StepIndexTest {
  static StepRecord at(long ep, long i, Vec state, Vec latent, Vec cmd) {
    return new StepRecord(ep, i, i, state, null, latent, cmd, null, null, Double.NaN, null, null);
  }

  /** {@code episodes} random walks of {@code steps} 12-d states (joint-space trajectories). */
  static InMemoryEpisodeStore walks(int episodes, int steps, long seed) {
    InMemoryEpisodeStore store = new InMemoryEpisodeStore();
    store.open();
    Random r = new Random(seed);
    for (int e = 0; e < episodes; e++) {
      long id = store.beginEpisode(Steps.meta("g" + e, 0));
      double[] q = new double[12];
      for (int j = 0; j < 12; j++) {
        q[j] = r.nextGaussian();
      }
      for (int i = 0; i < steps; i++) {
        for (int j = 0; j < 12; j++) {
          q[j] += 0.05 * r.nextGaussian();
        }
        store.append(at(id, i, Vec.of(q.clone()), null, Vec.of(i, e)));
      }
      store.endEpisode(id, e % 2 == 0 ? Outcome.REACHED : Outcome.FAILED, steps);
    }
    return store;
  }

  /**
   * recall@10 of the index against the brute-force {@link Recall} over 20k steps (200 random walks
   * of 100 12-d states), 100 queries: "near" queries are stored states plus noise (what a robot
   * asks: states like ones it has been in), "far" ones are random points away from the data, the
   * hard case for a graph search, which needs a wider search (efSearch).
   */
  static double recallAt10(InMemoryEpisodeStore store, StepIndex index, boolean near, long seed) {
    Random r = new Random(seed);
    Recall brute = new Recall(store);
    int found = 0;
    int queries = 100;
    for (int qn = 0; qn < queries; qn++) {
      double[] q = new double[12];
      if (near) {
        StepRecord s = Steps.read(store, 1 + r.nextInt(200)).get(r.nextInt(100));
        for (int j = 0; j < 12; j++) {
          q[j] = s.state().get(j) + 0.1 * r.nextGaussian();
        }
      } else {
        for (int j = 0; j < 12; j++) {
          q[j] = r.nextGaussian();
        }
      }
      Set<String> truth = new HashSet<>();
      for (Recall.Match m : brute.nearest(Vec.of(q), 10)) {
        truth.add(m.step().episodeId() + "/" + m.step().index());
      }
      List<StepIndex.Hit> hits = index.search(VectorSpace.STATE, Vec.of(q), 10);
      assertEquals(10, hits.size());
      for (StepIndex.Hit h : hits) {
        if (truth.contains(h.episodeId() + "/" + h.index())) {
          found++;
        }
      }
    }
    return found / (10.0 * queries);
  }

  @Test
  void recallAt10AgainstBruteForceForQueriesNearTheDataIsAtLeast95PercentWithTheDefaultSearch() {
    InMemoryEpisodeStore store = walks(200, 100, 11);
    try (StepIndex index = new StepIndex(store, 0)) {
      assertEquals(20_000, index.build());
      double recall = recallAt10(store, index, true, 99);
      System.out.printf("HNSW recall@10 vs brute force, near queries, efSearch %d: %.3f%n", index.efSearch(), recall);
      assertTrue(recall >= 0.95, "recall@10 = " + recall);
    }
  }

  @Test
  void recallAt10ForQueriesAwayFromTheDataNeedsAWiderSearch() {
    InMemoryEpisodeStore store = walks(200, 100, 11);
    try (StepIndex narrow = new StepIndex(store, 0, 10); StepIndex wide = new StepIndex(store, 0, 400)) {
      narrow.build();
      wide.build();
      double rNarrow = recallAt10(store, narrow, false, 5);
      double rWide = recallAt10(store, wide, false, 5);
      System.out.printf("HNSW recall@10 vs brute force, far queries: efSearch 10: %.3f, efSearch 400: %.3f%n",
          rNarrow, rWide);
      assertTrue(rWide >= 0.95, "recall@10 at efSearch 400 = " + rWide);
      assertTrue(rNarrow < rWide, rNarrow + " vs " + rWide);
    }
  }

  @Test
  void distancesAreEuclideanAndCommittedStepsAreIndexedOnce() throws Exception {
    InMemoryEpisodeStore store = new InMemoryEpisodeStore();
    store.open();
    long a = store.beginEpisode(Steps.meta("g1", 0));
    store.append(at(a, 0, Vec.of(0, 0), null, Vec.of(10)));
    store.append(at(a, 1, Vec.of(3, 4), null, Vec.of(11)));
    try (StepIndex index = new StepIndex(store, 0)) {
      assertEquals(2, index.build());
      List<StepIndex.Hit> hits = index.search(VectorSpace.STATE, Vec.of(0, 0), 5);
      assertEquals(2, hits.size());
      assertEquals(0, hits.get(0).distance(), 1e-6);
      assertEquals(5, hits.get(1).distance(), 1e-5);
      store.append(at(a, 2, Vec.of(0.1, 0), null, Vec.of(12))); // committed after the build
      index.add(List.of(at(a, 1, Vec.of(3, 4), null, Vec.of(11)))); // seen already: ignored
      index.sync();
      assertEquals(3, index.size());
      hits = index.search(VectorSpace.STATE, Vec.of(0.1, 0), 1);
      assertEquals(List.of(new StepIndex.Hit(a, 2, 0)), hits);
      assertTrue(index.search(VectorSpace.STATE, Vec.of(1, 2, 3), 3).isEmpty(), "no steps of that length");
      assertThrows(IllegalArgumentException.class, () -> index.search(VectorSpace.STATE, Vec.of(Double.NaN, 0), 3));
    }
  }

  @Test
  void similarityRecallGivesTheFollowingCommandsOverTheHorizonAndTheOutcome() throws Exception {
    InMemoryEpisodeStore store = new InMemoryEpisodeStore();
    store.open();
    long a = store.beginEpisode(Steps.meta("g1", 0));
    for (int i = 0; i < 6; i++) {
      store.append(at(a, i, Vec.of(i, 0), Vec.of(0, 0, i), Vec.of(10 + i)));
    }
    store.endEpisode(a, Outcome.REACHED, 6);
    long b = store.beginEpisode(new io.telos.memory.EpisodeMeta("arm1", "", "", "g2", true, 0));
    store.append(at(b, 0, Vec.of(2.2, 0), Vec.of(5, 5, 5), Vec.of(20)));
    try (StepIndex index = new StepIndex(store, 0)) {
      index.build();
      SimilarityRecall recall = new SimilarityRecall(store, index);
      List<Neighbour> n = recall.nearest(VectorSpace.STATE, Vec.of(2.05, 0), 2, 3);
      assertEquals(List.of(a + "/2", b + "/0"), n.stream().map(x -> x.episodeId() + "/" + x.index()).toList());
      assertEquals(0.05, n.get(0).distance(), 1e-5);
      assertEquals(List.of(Vec.of(13), Vec.of(14), Vec.of(15)), n.get(0).nextCommands());
      assertEquals(Outcome.REACHED, n.get(0).outcome());
      assertEquals(Vec.of(12), n.get(0).step().commandPosition());
      assertEquals(List.of(), n.get(1).nextCommands(), "its episode's last step so far");
      assertNull(n.get(1).outcome(), "open");
      assertTrue(n.get(1).operator(), "a demonstration");
      List<Neighbour> near5 = recall.nearest(VectorSpace.STATE, Vec.of(5, 0), 1, 3);
      assertEquals(List.of(), near5.get(0).nextCommands(), "the episode's end cuts the horizon");

      List<Neighbour> byLatent = recall.nearest(VectorSpace.LATENT, Vec.of(5, 5, 4.9), 1, 1);
      assertEquals(b, byLatent.get(0).episodeId(), "latents are indexed too");
      assertThrows(IllegalArgumentException.class, () -> recall.nearest(VectorSpace.STATE, Vec.of(0, 0), 0, 1));
      assertThrows(IllegalArgumentException.class, () -> recall.nearest(VectorSpace.STATE, Vec.of(0, 0), 1, -1));
    }
  }
}
