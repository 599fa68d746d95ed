package io.telos.memory.training;

import io.telos.api.Vec;
import io.telos.memory.EpisodeStore;
import io.telos.memory.EpisodeSummary;
import io.telos.memory.StepCursor;
import io.telos.memory.StepRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Training access to the memory: shuffled mini-batches of transitions and of fixed-length step
 * sequences, streamed from the store, reproducible from a seed.
 *
 * <p><b>What is held in memory.</b> Only the catalogue taken at construction: per episode its id
 * and its index span (stored steps + gaps, i.e. the highest index the recorder can have given it,
 * plus one): O(episodes). Steps are read when a batch is made, with one range read per sample
 * ({@link EpisodeStore#readSteps(long, long, int)}: an index range scan in the SQL stores); nothing
 * else is cached.
 *
 * <p><b>Epochs.</b> A sample position is an (episode, start index) pair; an epoch visits every
 * position of the catalogue exactly once, in an order given by a seeded permutation computed on the
 * fly ({@link Permutation}), and turns the valid ones into samples: a transition needs steps
 * {@code i} and {@code i+1} stored, a sequence needs {@code length} consecutive stored indices.
 * Positions on holes (lost steps) are skipped, so every valid sample comes exactly once per epoch.
 * Batches have {@code batchSize} samples, the last one of an epoch may be smaller. Steps committed
 * after construction are not in the catalogue (make a new {@code TrainingData} per epoch to see
 * them). Blocking; one iterator per thread.
 */
public final class TrainingData {
  /**
   * One step of experience: the state observed, the command that followed it, the state observed
   * next.
   *
   * @param episodeId the episode
   * @param index the index of the first step
   * @param state {@link StepRecord#state()} of step {@code index}
   * @param command {@link StepRecord#commandPosition()} of step {@code index + 1}: the latest command
   *     when the next state was observed, i.e. the one that moved the arm from state to next state
   * @param nextState {@link StepRecord#state()} of step {@code index + 1}
   */
  public record Transition(long episodeId, long index, Vec state, Vec command, Vec nextState) {}

  private final EpisodeStore store;
  private final long[] episodeIds;
  /** Cumulative index spans: episode e covers positions [starts[e], starts[e+1]) before trimming. */
  private final long[] spans;
  private final long totalSpan;

  /** Every episode of the store. */
  public TrainingData(EpisodeStore store) {
    this(store, e -> true);
  }

  /**
   * The episodes {@code include} accepts (e.g. only demonstrations, only reached goals).
   *
   * @throws io.telos.memory.EpisodeStoreException if the store cannot be read
   */
  public TrainingData(EpisodeStore store, Predicate<EpisodeSummary> include) {
    this.store = Objects.requireNonNull(store, "store");
    List<EpisodeSummary> eps = new ArrayList<>();
    for (EpisodeSummary e : store.listEpisodes(Integer.MAX_VALUE)) {
      if (include.test(e) && e.steps() > 0) {
        eps.add(e);
      }
    }
    eps.sort((a, b) -> Long.compare(a.id(), b.id()));
    episodeIds = new long[eps.size()];
    spans = new long[eps.size()];
    long total = 0;
    for (int i = 0; i < eps.size(); i++) {
      episodeIds[i] = eps.get(i).id();
      spans[i] = eps.get(i).steps() + eps.get(i).gaps();
      total += spans[i];
    }
    totalSpan = total;
  }

  /** Episodes in the catalogue. */
  public int episodes() {
    return episodeIds.length;
  }

  /** Sample positions of one epoch of sequences of {@code length} steps (valid or not). */
  public long positions(int length) {
    long n = 0;
    for (long s : spans) {
      n += Math.max(0, s - length + 1);
    }
    return n;
  }

  /** One epoch of shuffled transition batches. */
  public Iterator<List<Transition>> transitions(int batchSize, long seed) {
    Iterator<List<List<StepRecord>>> seqs = sequences(2, batchSize, seed);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return seqs.hasNext();
      }

      @Override
      public List<Transition> next() {
        List<List<StepRecord>> b = seqs.next();
        List<Transition> out = new ArrayList<>(b.size());
        for (List<StepRecord> pair : b) {
          StepRecord s = pair.get(0);
          StepRecord n = pair.get(1);
          out.add(new Transition(s.episodeId(), s.index(), s.state(), n.commandPosition(), n.state()));
        }
        return out;
      }
    };
  }

  /** One epoch of shuffled batches of {@code length} consecutive steps of one episode each. */
  public Iterator<List<List<StepRecord>>> sequences(int length, int batchSize, long seed) {
    if (length < 1) {
      throw new IllegalArgumentException("length must be >= 1, was " + length);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
    }
    long[] starts = new long[spans.length + 1];
    for (int i = 0; i < spans.length; i++) {
      starts[i + 1] = starts[i] + Math.max(0, spans[i] - length + 1);
    }
    Permutation perm = new Permutation(starts[spans.length], seed);
    return new Iterator<>() {
      private long cursor;
      private List<List<StepRecord>> ready;

      @Override
      public boolean hasNext() {
        if (ready == null) {
          ready = fill();
        }
        return !ready.isEmpty();
      }

      @Override
      public List<List<StepRecord>> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        List<List<StepRecord>> b = ready;
        ready = null;
        return b;
      }

      private List<List<StepRecord>> fill() {
        List<List<StepRecord>> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize && cursor < perm.size()) {
          long p = perm.get(cursor++);
          int e = Arrays.binarySearch(starts, p);
          e = e >= 0 ? e : -e - 2;
          while (starts[e + 1] <= p) { // skip episodes with no position (equal starts)
            e++;
          }
          List<StepRecord> seq = read(episodeIds[e], p - starts[e], length);
          if (seq != null) {
            batch.add(seq);
          }
        }
        return batch;
      }
    };
  }

  /** {@code length} consecutive steps from {@code from}, or null when one of them is not stored. */
  private List<StepRecord> read(long episodeId, long from, int length) {
    List<StepRecord> out = new ArrayList<>(length);
    try (StepCursor c = store.readSteps(episodeId, from, length)) {
      while (c.hasNext()) {
        StepRecord s = c.next();
        if (s.index() != from + out.size()) {
          return null;
        }
        out.add(s);
      }
    }
    return out.size() == length ? List.copyOf(out) : null;
  }
}
