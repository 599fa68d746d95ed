package io.telos.launch.memory;

import io.telos.api.Vec;
import io.telos.memory.Outcome;
import io.telos.memory.StepRecord;
import java.util.Random;

/**
 * The recall bench's data: random walks of {@value #DIMS}-d states, {@value #PER_EPISODE} steps an
 * episode (even episodes reached, odd ones failed), each step's command position being its
 * (index, episode number). {@link #write} hands the steps to a {@link Sink} (a store) and keeps
 * every state in RAM as floats, with its key {@code (episode id << 32) | index}, for the exact scan.
 */
final class RandomWalks {
  static final int DIMS = 12;
  static final int PER_EPISODE = 1_000;

  /** Where the walks go: a store, one way or another. */
  interface Sink {
    /** Begins episode number {@code e} (from 0) and returns its id in the store. */
    long begin(int e) throws Exception;

    /** One step of the episode begun last. */
    void step(StepRecord step) throws Exception;

    /** Ends episode number {@code e}, whose id is {@code episodeId}. */
    void end(int e, long episodeId, Outcome outcome, long endNs) throws Exception;
  }

  final int episodes;
  /** Every state as floats, in the order written. */
  final float[][] flat;
  /** The key of each row of {@link #flat}. */
  final long[] keys;

  /** Room for about {@code steps} steps: whole episodes, at least one. */
  RandomWalks(int steps) {
    this.episodes = Math.max(1, steps / PER_EPISODE);
    this.flat = new float[episodes * PER_EPISODE][];
    this.keys = new long[flat.length];
  }

  int steps() {
    return flat.length;
  }

  static Outcome outcome(int e) {
    return e % 2 == 0 ? Outcome.REACHED : Outcome.FAILED;
  }

  /** Generates every walk from {@code r} into {@code sink}, reporting each step to {@code progress}. */
  void write(Random r, Sink sink, StepProgress progress) throws Exception {
    int k = 0;
    for (int e = 0; e < episodes; e++) {
      long ep = sink.begin(e);
      double[] q = new double[DIMS];
      for (int j = 0; j < DIMS; j++) {
        q[j] = r.nextGaussian();
      }
      for (int i = 0; i < PER_EPISODE; i++) {
        for (int j = 0; j < DIMS; j++) {
          q[j] += 0.05 * r.nextGaussian();
        }
        StepRecord step = step(ep, e, i, q.clone());
        sink.step(step);
        flat[k] = floats(step.state());
        keys[k++] = (ep << 32) | i;
        progress.update(k, flat.length);
      }
      sink.end(e, ep, outcome(e), PER_EPISODE);
    }
  }

  /** Step {@code i} of episode number {@code e} (id {@code ep}) at {@code state}: no pose, latent, mode or energy. */
  static StepRecord step(long ep, int e, int i, double[] state) {
    return new StepRecord(ep, i, 1_000_000L * i, Vec.of(state), null, null, Vec.of(i, e), null, null, Double.NaN,
        null, null);
  }

  static float[] floats(Vec v) {
    float[] f = new float[v.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) v.get(i);
    }
    return f;
  }
}
