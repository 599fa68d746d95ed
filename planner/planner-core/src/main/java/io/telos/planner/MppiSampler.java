package io.telos.planner;

import io.telos.api.Target;
import io.telos.planner.MppiConfig.Method;
import io.telos.planner.cost.Energy;
import io.telos.planner.cost.Rollout;
import io.telos.planner.spi.WorldModel;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The optimiser of {@link MppiPlanner}: a mean sequence of H joint-velocity commands, refined by
 * sampling around it. Each iteration fills K sequences (sample 0 the mean, the others the mean plus
 * Gaussian noise, optionally correlated in time, from a seeded {@link SplittableRandom}), rolls them
 * out through the world model in one batch, scores them with the {@link Energy} and moves the mean
 * toward the good ones: an exponentially weighted average (MPPI) or a refit to the elite samples
 * (CEM). The best sample seen is kept for the plan gate.
 *
 * <p>Between calls the mean is kept and shifted by the time between their starts (warm start). A
 * sequence offered from outside competes as one extra candidate in the next call's first iteration.
 * Every command is clipped into the model's action bounds. Deterministic for a given seed and
 * sequence of calls; not thread-safe.
 */
final class MppiSampler {
  private final WorldModel model;
  private final Energy energy;
  private final MppiConfig config;
  private final boolean withUncertainty;
  private final int samples;
  private final int horizon;
  private final int n;
  private final int elites;
  private final long dtNs;
  private final Rollout rollout;
  /** Largest command magnitude of each joint (the model's action bound). */
  private final double[] bound;
  private final double[] mean;
  private final double[] shifted;
  private final double[] sigma;
  private final double[] baseSigma;
  private final double[] costs;
  private final double[] weights;
  private final double[] sorted;
  private final double[] noisePrev;
  private final double[] best;
  private SplittableRandom random;
  private boolean warm;
  private long lastStartNs;
  /** A candidate action sequence offered from outside (e.g. recalled from memory), used once. */
  private final double[] offered;
  private boolean haveOffered;
  private long offeredUsed;

  /**
   * @param withUncertainty whether rollouts propagate the model's uncertainty
   * @throws IllegalArgumentException when the model gives a joint an action bound that is not finite and > 0
   */
  MppiSampler(WorldModel model, Energy energy, MppiConfig config, boolean withUncertainty) {
    this.model = model;
    this.energy = energy;
    this.config = config;
    this.withUncertainty = withUncertainty;
    this.samples = config.samples();
    this.horizon = config.horizon();
    this.n = model.dof();
    this.elites = (int) Math.max(2, Math.round(config.eliteFraction() * samples));
    this.dtNs = Math.round(config.dtS() * 1e9);
    this.rollout = new Rollout(model, samples, horizon);
    this.offered = new double[horizon * n];
    this.mean = new double[horizon * n];
    this.shifted = new double[horizon * n];
    this.sigma = new double[horizon * n];
    this.baseSigma = new double[n];
    this.bound = new double[n];
    for (int i = 0; i < n; i++) {
      bound[i] = model.actionBound(i);
      if (!(bound[i] > 0) || !Double.isFinite(bound[i])) {
        throw new IllegalArgumentException("world model '" + model.name() + "' gives action bound " + bound[i]
            + " for joint " + i + "; it must be finite and > 0");
      }
    }
    this.costs = new double[samples];
    this.weights = new double[samples];
    this.sorted = new double[samples];
    this.noisePrev = new double[n];
    this.best = new double[horizon * n];
    this.random = new SplittableRandom(config.seed());
  }

  /** The batch the samples are rolled out in (its previous action is the command before the first). */
  Rollout rollout() {
    return rollout;
  }

  /** The action bound of each joint; not to be modified. */
  double[] bound() {
    return bound;
  }

  /** The mean sequence ({@code dof} commands per step, oldest first); the plan gate may overwrite it. */
  double[] mean() {
    return mean;
  }

  /** The best sample of the last {@link #optimise}, same layout as {@link #mean()}. */
  double[] best() {
    return best;
  }

  /** Forgets the mean and restarts the noise generator from the seed. */
  void reset() {
    warm = false;
    random = new SplittableRandom(config.seed());
    Arrays.fill(mean, 0.0);
  }

  /** Lets the next {@link #warmStart} start from rest instead of the kept mean (a new goal). */
  void forget() {
    warm = false;
  }

  /** Keeps the mean for the next call, whose {@link #warmStart} shifts it by the time since {@code start}. */
  void keep(long start) {
    warm = true;
    lastStartNs = start;
  }

  /** Shifts the mean by the time since the last call (linear interpolation, holding the last action). */
  void warmStart(long start) {
    if (!warm) {
      Arrays.fill(mean, 0.0);
      return;
    }
    double steps = (double) (start - lastStartNs) / dtNs;
    if (!(steps > 0)) {
      return;
    }
    if (steps >= horizon) {
      Arrays.fill(mean, 0.0);
      return;
    }
    for (int t = 0; t < horizon; t++) {
      double s = t + steps;
      int a = (int) Math.floor(s);
      double f = s - a;
      int ia = Math.min(a, horizon - 1);
      int ib = Math.min(a + 1, horizon - 1);
      for (int i = 0; i < n; i++) {
        shifted[t * n + i] = (1 - f) * mean[ia * n + i] + f * mean[ib * n + i];
      }
    }
    System.arraycopy(shifted, 0, mean, 0, mean.length);
  }

  /**
   * Takes a candidate for the next {@link #optimise} ({@code dof} commands per step, oldest first;
   * shorter sequences hold their last command, longer ones are cut to the horizon).
   *
   * @throws IllegalArgumentException when the length is not a positive multiple of {@code dof}
   *     or a value is not finite
   */
  void offer(double[] actions) {
    if (actions.length == 0 || actions.length % n != 0) {
      throw new IllegalArgumentException("warm start: " + actions.length + " values is not a sequence of " + n
          + "-joint commands");
    }
    for (double v : actions) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("warm start: non-finite command");
      }
    }
    int steps = actions.length / n;
    for (int t = 0; t < horizon; t++) {
      System.arraycopy(actions, Math.min(t, steps - 1) * n, offered, t * n, n);
    }
    haveOffered = true;
  }

  /** How many offered candidates have been used so far. */
  long offersUsed() {
    return offeredUsed;
  }

  /** Sets the sampling noise of every step to {@code scale} times the configured noise (a fraction of the bound). */
  void setNoise(double scale) {
    for (int i = 0; i < n; i++) {
      baseSigma[i] = config.noise() * bound[i] * scale;
    }
    for (int t = 0; t < horizon; t++) {
      System.arraycopy(baseSigma, 0, sigma, t * n, n);
    }
  }

  /**
   * The sampling iterations from state {@code x0} (MPPI update or CEM refit); keeps the best sample
   * seen in {@link #best()}, returns its cost.
   */
  double optimise(Target target, double[] x0) {
    double bestCost = Double.POSITIVE_INFINITY;
    for (int it = 0; it < config.iterations(); it++) {
      sample();
      if (it == 0 && haveOffered) { // the offered sequence competes as one more candidate
        for (int t = 0; t < horizon; t++) {
          double[] u = rollout.actions(t);
          for (int i = 0; i < n; i++) {
            u[n + i] = clamp(offered[t * n + i], bound[i]);
          }
        }
        haveOffered = false;
        offeredUsed++;
      }
      rollout.run(model, x0, withUncertainty);
      energy.evaluate(rollout, target, costs);
      int kBest = argmin(costs);
      if (costs[kBest] < bestCost || it == 0) {
        bestCost = costs[kBest];
        copyActions(kBest, best);
      }
      if (config.method() == Method.CEM) {
        refitCem();
      } else {
        updateMppi();
      }
    }
    return bestCost;
  }

  /** Fills the rollout's actions: sample 0 is the mean, the others mean + (time-correlated) noise. */
  private void sample() {
    double beta = config.noiseSmoothing();
    double innovation = Math.sqrt(1 - beta * beta);
    for (int t = 0; t < horizon; t++) {
      double[] u = rollout.actions(t);
      for (int i = 0; i < n; i++) {
        u[i] = clamp(mean[t * n + i], bound[i]);
      }
    }
    for (int k = 1; k < samples; k++) {
      for (int t = 0; t < horizon; t++) {
        double[] u = rollout.actions(t);
        int o = t * n;
        for (int i = 0; i < n; i++) {
          double z = random.nextGaussian();
          double e = t == 0 ? z : beta * noisePrev[i] + innovation * z;
          noisePrev[i] = e;
          u[k * n + i] = clamp(mean[o + i] + sigma[o + i] * e, bound[i]);
        }
      }
    }
  }

  /** Exponentially weighted mean of the sampled actions, temperature relative to the cost spread. */
  private void updateMppi() {
    double cmin = costs[argmin(costs)];
    System.arraycopy(costs, 0, sorted, 0, samples);
    Arrays.sort(sorted);
    double median = sorted[samples / 2];
    double spread = median - cmin;
    if (!(spread > 1e-12) || !Double.isFinite(spread)) {
      spread = Double.isFinite(cmin) ? Math.max(1e-12, Math.abs(cmin) * 1e-6) : 1.0;
    }
    double lambda = config.temperature() * spread;
    double sum = 0;
    for (int k = 0; k < samples; k++) {
      double w = Double.isFinite(costs[k]) ? Math.exp(-(costs[k] - cmin) / lambda) : 0.0;
      weights[k] = w;
      sum += w;
    }
    if (!(sum > 0)) {
      return; // every sample broke the model; keep the mean
    }
    for (int t = 0; t < horizon; t++) {
      double[] u = rollout.actions(t);
      int o = t * n;
      for (int i = 0; i < n; i++) {
        double acc = 0;
        for (int k = 0; k < samples; k++) {
          acc += weights[k] * u[k * n + i];
        }
        mean[o + i] = acc / sum;
      }
    }
  }

  /** Refits mean and spread to the elite samples (ties broken by sample index). */
  private void refitCem() {
    System.arraycopy(costs, 0, sorted, 0, samples);
    Arrays.sort(sorted);
    double threshold = sorted[elites - 1];
    if (!Double.isFinite(threshold)) {
      return;
    }
    Arrays.fill(weights, 0.0);
    int taken = 0;
    for (int k = 0; k < samples && taken < elites; k++) {
      boolean elite = costs[k] <= threshold;
      weights[k] = elite ? 1.0 : 0.0;
      if (elite) {
        taken++;
      }
    }
    double floorFraction = 0.05;
    for (int t = 0; t < horizon; t++) {
      double[] u = rollout.actions(t);
      int o = t * n;
      for (int i = 0; i < n; i++) {
        double s = 0;
        double s2 = 0;
        for (int k = 0; k < samples; k++) {
          if (weights[k] != 0.0) {
            double v = u[k * n + i];
            s += v;
            s2 += v * v;
          }
        }
        double m = s / taken;
        double var = Math.max(0.0, s2 / taken - m * m);
        mean[o + i] = m;
        sigma[o + i] = Math.max(Math.sqrt(var), floorFraction * baseSigma[i]);
      }
    }
  }

  private void copyActions(int k, double[] out) {
    for (int t = 0; t < horizon; t++) {
      System.arraycopy(rollout.actions(t), k * n, out, t * n, n);
    }
  }

  private static int argmin(double[] c) {
    int best = 0;
    for (int k = 1; k < c.length; k++) {
      if (c[k] < c[best]) {
        best = k;
      }
    }
    return best;
  }

  /** {@code v} clipped into {@code [-b, b]}. */
  static double clamp(double v, double b) {
    return v < -b ? -b : (v > b ? b : v);
  }
}
