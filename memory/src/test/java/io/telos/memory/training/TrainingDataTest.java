package io.telos.memory.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Vec;
import io.telos.memory.EpisodeMeta;
import io.telos.memory.EpisodeStore;
import io.telos.memory.EpisodeSummary;
import io.telos.memory.EventRecord;
import io.telos.memory.InMemoryEpisodeStore;
import io.telos.memory.Outcome;
import io.telos.memory.StepCursor;
import io.telos.memory.StepRecord;
import io.telos.memory.StoreError;
import io.telos.memory.StoreListener;
import io.telos.memory.StoreStats;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TrainingDataTest {
  static StepRecord at(long ep, long i) {
    return new StepRecord(ep, i, i, Vec.of(ep, i), null, null, Vec.of(-i), null, null, Double.NaN, null, null);
  }

  /** Three episodes: 0..9, 0..4 with index 2 lost (a hole), and a demonstration 0..6. */
  static InMemoryEpisodeStore store() {
    InMemoryEpisodeStore s = new InMemoryEpisodeStore();
    s.open();
    long a = s.beginEpisode(new EpisodeMeta("arm1", "", "", "g1", false, 0));
    for (int i = 0; i < 10; i++) {
      s.append(at(a, i));
    }
    s.endEpisode(a, Outcome.REACHED, 10);
    long b = s.beginEpisode(new EpisodeMeta("arm1", "", "", "g2", false, 0));
    for (int i = 0; i < 5; i++) {
      if (i == 2) {
        s.refuseSteps(true);
      }
      s.append(at(b, i));
      s.refuseSteps(false);
    }
    s.endEpisode(b, Outcome.FAILED, 5);
    long c = s.beginEpisode(new EpisodeMeta("arm1", "", "", "g3", true, 0));
    for (int i = 0; i < 7; i++) {
      s.append(at(c, i));
    }
    return s;
  }

  static <T> List<List<T>> all(Iterator<List<T>> it) {
    List<List<T>> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void anEpochHasEveryValidTransitionOnceShuffledAndSkipsHoles() {
    CountingStore store = new CountingStore(store());
    TrainingData data = new TrainingData(store);
    List<List<TrainingData.Transition>> batches = all(data.transitions(4, 42));
    Set<String> seen = new HashSet<>();
    List<String> order = new ArrayList<>();
    for (List<TrainingData.Transition> b : batches) {
      for (TrainingData.Transition t : b) {
        String key = t.episodeId() + "/" + t.index();
        assertTrue(seen.add(key), "once per epoch: " + key);
        order.add(key);
        assertEquals(Vec.of(t.episodeId(), t.index()), t.state());
        assertEquals(Vec.of(t.episodeId(), t.index() + 1), t.nextState());
        assertEquals(Vec.of(-(t.index() + 1)), t.command(), "the command recorded with the next step");
      }
    }
    // 9 in episode 1, 0->1 and 3->4 in episode 2 (1->2 and 2->3 cross the hole), 6 in episode 3
    assertEquals(9 + 2 + 6, seen.size(), seen.toString());
    assertTrue(seen.contains("2/0") && seen.contains("2/3") && !seen.contains("2/1") && !seen.contains("2/2"));
    assertEquals(List.of(4, 4, 4, 4, 1), batches.stream().map(List::size).toList());
    List<String> sorted = new ArrayList<>(order);
    sorted.sort(null);
    assertNotEquals(sorted, order, "shuffled");
    assertEquals(0, store.fullReads.get(), "only range reads, never a whole episode");
    assertTrue(store.maxLimit.get() <= 2, "reads of at most 2 steps: " + store.maxLimit.get());
  }

  @Test
  void theSameSeedGivesTheSameBatchesAndAnotherSeedAnotherOrder() {
    InMemoryEpisodeStore s = store();
    TrainingData data = new TrainingData(s);
    assertEquals(all(data.transitions(3, 7)), all(new TrainingData(s).transitions(3, 7)));
    assertNotEquals(all(data.transitions(3, 7)), all(data.transitions(3, 8)));
  }

  @Test
  void sequencesAreConsecutiveStepsOfOneEpisodeAndEpisodesCanBeChosen() {
    TrainingData demos = new TrainingData(store(), EpisodeSummary -> EpisodeSummary.meta().operator());
    assertEquals(1, demos.episodes());
    List<List<List<StepRecord>>> batches = all(demos.sequences(5, 2, 1));
    List<Long> firsts = new ArrayList<>();
    for (List<List<StepRecord>> b : batches) {
      for (List<StepRecord> seq : b) {
        assertEquals(5, seq.size());
        for (int i = 1; i < 5; i++) {
          assertEquals(seq.get(0).index() + i, seq.get(i).index());
          assertEquals(seq.get(0).episodeId(), seq.get(i).episodeId());
        }
        firsts.add(seq.get(0).index());
      }
    }
    firsts.sort(null);
    assertEquals(List.of(0L, 1L, 2L), firsts, "7 steps hold 3 sequences of 5");

    TrainingData all = new TrainingData(store());
    long n = 0;
    for (List<List<StepRecord>> b : all(all.sequences(4, 100, 3))) {
      n += b.size();
    }
    assertEquals(7 + 0 + 4, n, "episode 2's hole leaves no run of 4");
    assertEquals(7 + 2 + 4, all.positions(4));
  }

  @Test
  void thePermutationIsABijectionForAnySize() {
    for (long n : new long[] {0, 1, 2, 3, 5, 100, 1000, 4097}) {
      Permutation p = new Permutation(n, 99);
      Set<Long> seen = new HashSet<>();
      for (long i = 0; i < n; i++) {
        long v = p.get(i);
        assertTrue(v >= 0 && v < n, v + " out of range " + n);
        assertTrue(seen.add(v), "repeated " + v);
      }
    }
    Permutation a = new Permutation(1000, 1);
    Permutation b = new Permutation(1000, 2);
    int same = 0;
    for (long i = 0; i < 1000; i++) {
      same += a.get(i) == b.get(i) ? 1 : 0;
    }
    assertTrue(same < 20, "seeds give different orders: " + same + " equal places");
  }

  /** Delegates to a store and counts how steps are read. */
  static final class CountingStore implements EpisodeStore {
    final EpisodeStore d;
    final AtomicInteger fullReads = new AtomicInteger();
    final AtomicInteger maxLimit = new AtomicInteger();

    CountingStore(EpisodeStore d) {
      this.d = d;
    }

    @Override
    public StepCursor readSteps(long episodeId) {
      fullReads.incrementAndGet();
      return d.readSteps(episodeId);
    }

    @Override
    public StepCursor readSteps(long episodeId, long fromIndex, int limit) {
      maxLimit.accumulateAndGet(limit, Math::max);
      return d.readSteps(episodeId, fromIndex, limit);
    }

    @Override
    public void open() {
      d.open();
    }

    @Override
    public void addListener(StoreListener l) {
      d.addListener(l);
    }

    @Override
    public void removeListener(StoreListener l) {
      d.removeListener(l);
    }

    @Override
    public Optional<StoreError> failure() {
      return d.failure();
    }

    @Override
    public long beginEpisode(EpisodeMeta meta) {
      return d.beginEpisode(meta);
    }

    @Override
    public boolean append(StepRecord step) {
      return d.append(step);
    }

    @Override
    public void endEpisode(long id, Outcome o, long endNs) {
      d.endEpisode(id, o, endNs);
    }

    @Override
    public void recordEvent(EventRecord e) {
      d.recordEvent(e);
    }

    @Override
    public CompletableFuture<Void> flush() {
      return d.flush();
    }

    @Override
    public long durableSteps() {
      return d.durableSteps();
    }

    @Override
    public StoreStats stats() {
      return d.stats();
    }

    @Override
    public List<EpisodeSummary> listEpisodes(int limit) {
      return d.listEpisodes(limit);
    }

    @Override
    public Optional<EpisodeSummary> episode(long id) {
      return d.episode(id);
    }

    @Override
    public List<EventRecord> events(long id) {
      return d.events(id);
    }

    @Override
    public List<EventRecord> eventsBetween(long from, long to) {
      return d.eventsBetween(from, to);
    }

    @Override
    public void close() {
      d.close();
    }
  }
}
