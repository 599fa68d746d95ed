package io.telos.planner.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * An action-conditioned predictor over a picture's latent, in the manner of V-JEPA 2-AC: given the
 * latent {@code z} of what the camera sees now, the arm's joints {@code q} and a joint-space move
 * {@code a} (the change of the joints' setpoint), it predicts the latent of the picture after the
 * move, {@code z' = z + f(z, q, a)}. Nothing is decoded back to pixels: what the pictures show is
 * compared in the encoder's latent space only.
 *
 * <p>Trained on DJL (a three-layer perceptron, mean squared error on standardised latents); the
 * trained weights are copied out so prediction, which a planner calls thousands of times per
 * decision, runs in plain Java on any thread. {@link #inferGoal} is the planning step: the
 * cross-entropy method over joint targets for the one whose predicted picture is nearest a goal
 * picture's latent.
 */
public final class LatentDynamics {
  /**
   * @param hidden width of the two hidden layers
   * @param steps training steps
   * @param batch samples per step
   */
  public record Config(int hidden, int steps, int batch, double learningRate, long seed) {
    public Config {
      if (hidden < 4 || steps < 0 || batch < 2 || !(learningRate > 0)) {
        throw new IllegalArgumentException("bad predictor config " + hidden + "/" + steps + "/" + batch + "/"
            + learningRate);
      }
    }

    /** 128 hidden units, 3,000 steps of 256. */
    public static Config defaults() {
      return new Config(128, 3000, 256, 2e-3, 7);
    }

    public Config withSteps(int s) {
      return new Config(hidden, s, batch, learningRate, seed);
    }
  }

  /**
   * One experienced move: the latent and joints before, the move of the joints, the latent after.
   */
  public record Sample(double[] z, double[] q, double[] a, double[] next) {
    public Sample {
      Objects.requireNonNull(z, "z");
      Objects.requireNonNull(q, "q");
      Objects.requireNonNull(a, "a");
      Objects.requireNonNull(next, "next");
      if (next.length != z.length || a.length != q.length) {
        throw new IllegalArgumentException("a sample needs z and next of one size, q and a of another");
      }
    }
  }

  private final int latent;
  private final int dof;
  /** Per-dimension mean and spread of the training latents (predictions are made in these units). */
  private final double[] zMean;
  private final double[] zScale;
  private final double[][] w1;
  private final double[] b1;
  private final double[][] w2;
  private final double[] b2;
  private final double[][] w3;
  private final double[] b3;

  private LatentDynamics(int latent, int dof, double[] zMean, double[] zScale, Map<String, float[]> p, int hidden) {
    this.latent = latent;
    this.dof = dof;
    this.zMean = zMean;
    this.zScale = zScale;
    int in = latent + 2 * dof;
    w1 = matrix(p.get("w1"), in, hidden);
    b1 = vector(p.get("b1"));
    w2 = matrix(p.get("w2"), hidden, hidden);
    b2 = vector(p.get("b2"));
    w3 = matrix(p.get("w3"), hidden, latent);
    b3 = vector(p.get("b3"));
  }

  /**
   * Trains a predictor on {@code samples}.
   *
   * @param curve receives every step's training loss, or null
   * @param tick called after every step with its number, or null
   */
  public static LatentDynamics train(NDManager manager, List<Sample> samples, Config config, List<Double> curve,
      IntConsumer tick) {
    if (samples.size() < config.batch()) {
      throw new IllegalArgumentException("need at least " + config.batch() + " samples, had " + samples.size());
    }
    int latent = samples.get(0).z().length;
    int dof = samples.get(0).q().length;
    double[] mean = new double[latent];
    double[] scale = new double[latent];
    for (Sample s : samples) {
      if (s.z().length != latent || s.q().length != dof) {
        throw new IllegalArgumentException("samples of different sizes");
      }
      for (int k = 0; k < latent; k++) {
        mean[k] += s.z()[k] / samples.size();
      }
    }
    for (Sample s : samples) {
      for (int k = 0; k < latent; k++) {
        scale[k] += (s.z()[k] - mean[k]) * (s.z()[k] - mean[k]) / samples.size();
      }
    }
    for (int k = 0; k < latent; k++) {
      scale[k] = Math.sqrt(scale[k]) + 1e-6;
    }
    int in = latent + 2 * dof;
    int h = config.hidden();
    Map<String, NDArray> params = new LinkedHashMap<>();
    Random rnd = new Random(config.seed());
    params.put("w1", he(manager, rnd, in, h));
    params.put("b1", manager.zeros(new Shape(h)));
    params.put("w2", he(manager, rnd, h, h));
    params.put("b2", manager.zeros(new Shape(h)));
    params.put("w3", he(manager, rnd, h, latent).mul(0.1f));
    params.put("b3", manager.zeros(new Shape(latent)));
    for (NDArray p : params.values()) {
      p.setRequiresGradient(true);
    }
    Tracker lr = Tracker.cosine().setBaseValue((float) config.learningRate())
        .optFinalValue((float) (config.learningRate() * 0.05)).setMaxUpdates(Math.max(1, config.steps())).build();
    Optimizer adam = Adam.builder().optLearningRateTracker(lr).optClipGrad(1f).build();
    SplittableRandom pick = new SplittableRandom(config.seed() ^ 0xD1CE);
    float[] x = new float[config.batch() * in];
    float[] y = new float[config.batch() * latent];
    for (int step = 1; step <= config.steps(); step++) {
      for (int b = 0; b < config.batch(); b++) {
        Sample s = samples.get(pick.nextInt(samples.size()));
        input(s.z(), s.q(), s.a(), mean, scale, x, b * in);
        for (int k = 0; k < latent; k++) {
          y[b * latent + k] = (float) ((s.next()[k] - s.z()[k]) / scale[k]);
        }
      }
      try (NDManager sub = manager.newSubManager()) {
        NDArray xs = sub.create(x, new Shape(config.batch(), in));
        NDArray ys = sub.create(y, new Shape(config.batch(), latent));
        double loss;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray l = forward(params, xs).sub(ys).square().mean();
          loss = l.getFloat();
          gc.backward(l);
        }
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
          NDArray g = e.getValue().getGradient();
          if (Double.isFinite(loss)) {
            adam.update(e.getKey(), e.getValue(), g);
          }
          g.muli(0);
        }
        if (curve != null) {
          curve.add(loss);
        }
      }
      if (tick != null) {
        tick.accept(step);
      }
    }
    Map<String, float[]> weights = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      weights.put(e.getKey(), e.getValue().toFloatArray());
      e.getValue().close();
    }
    return new LatentDynamics(latent, dof, mean, scale, weights, h);
  }

  /** The latent predicted after moving the joints by {@code a} from {@code q}, seeing {@code z}. */
  public double[] predict(double[] z, double[] q, double[] a) {
    double[] x = new double[latent + 2 * dof];
    float[] xf = new float[x.length];
    input(z, q, a, zMean, zScale, xf, 0);
    for (int i = 0; i < x.length; i++) {
      x[i] = xf[i];
    }
    double[] d = layer(relu(layer(relu(layer(x, w1, b1)), w2, b2)), w3, b3);
    double[] out = new double[latent];
    for (int k = 0; k < latent; k++) {
      out[k] = z[k] + d[k] * zScale[k];
    }
    return out;
  }

  /**
   * Squared distance between two latents in the training latents' standard units (every dimension
   * weighs the same whatever its spread).
   */
  public double distance(double[] z1, double[] z2) {
    double s = 0;
    for (int k = 0; k < latent; k++) {
      double d = (z1[k] - z2[k]) / zScale[k];
      s += d * d;
    }
    return s / latent;
  }

  /**
   * Plans toward a goal picture: the joint target whose predicted latent, from what is seen now, is
   * nearest the goal's ({@link #distance}), by the cross-entropy method within {@code [lower,
   * upper]} (a move of at most {@code maxMove} rad per joint from {@code q}).
   *
   * @return the joint target, and as its last element the energy (the distance) it reaches
   */
  public double[] inferGoal(double[] z, double[] q, double[] zGoal, double[] lower, double[] upper, double maxMove,
      long seed) {
    int samples = 256;
    int elites = 24;
    int iterations = 8;
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] mu = q.clone();
    double[] sigma = new double[dof];
    Arrays.fill(sigma, maxMove / 2);
    double[][] cand = new double[samples][dof];
    double[] energy = new double[samples];
    double[] best = q.clone();
    double bestE = distance(predict(z, q, new double[dof]), zGoal);
    double[] a = new double[dof];
    for (int it = 0; it < iterations; it++) {
      for (int s = 0; s < samples; s++) {
        for (int j = 0; j < dof; j++) {
          double v = s == 0 ? mu[j] : mu[j] + sigma[j] * gaussian(rnd);
          v = Math.max(q[j] - maxMove, Math.min(q[j] + maxMove, v));
          cand[s][j] = Math.max(lower[j], Math.min(upper[j], v));
          a[j] = cand[s][j] - q[j];
        }
        energy[s] = distance(predict(z, q, a), zGoal);
        if (energy[s] < bestE) {
          bestE = energy[s];
          best = cand[s].clone();
        }
      }
      Integer[] order = new Integer[samples];
      for (int s = 0; s < samples; s++) {
        order[s] = s;
      }
      Arrays.sort(order, (i, k) -> Double.compare(energy[i], energy[k]));
      for (int j = 0; j < dof; j++) {
        double m = 0;
        for (int e = 0; e < elites; e++) {
          m += cand[order[e]][j] / elites;
        }
        double v = 0;
        for (int e = 0; e < elites; e++) {
          v += (cand[order[e]][j] - m) * (cand[order[e]][j] - m) / elites;
        }
        mu[j] = m;
        sigma[j] = Math.max(0.01, Math.sqrt(v));
      }
    }
    double[] out = Arrays.copyOf(best, dof + 1);
    out[dof] = bestE;
    return out;
  }

  public int latent() {
    return latent;
  }

  public int dof() {
    return dof;
  }

  private static double gaussian(SplittableRandom r) {
    double u = Math.max(1e-12, r.nextDouble());
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  private static void input(double[] z, double[] q, double[] a, double[] mean, double[] scale, float[] x, int at) {
    int l = z.length;
    for (int k = 0; k < l; k++) {
      x[at + k] = (float) ((z[k] - mean[k]) / scale[k]);
    }
    for (int j = 0; j < q.length; j++) {
      x[at + l + j] = (float) q[j];
      x[at + l + q.length + j] = (float) a[j];
    }
  }

  private static NDArray forward(Map<String, NDArray> p, NDArray x) {
    NDArray h = Activation.relu(x.matMul(p.get("w1")).add(p.get("b1")));
    h = Activation.relu(h.matMul(p.get("w2")).add(p.get("b2")));
    return h.matMul(p.get("w3")).add(p.get("b3"));
  }

  private static NDArray he(NDManager m, Random rnd, int in, int out) {
    float[] v = new float[in * out];
    double s = Math.sqrt(2.0 / in);
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (rnd.nextGaussian() * s);
    }
    return m.create(v, new Shape(in, out));
  }

  private static double[][] matrix(float[] v, int rows, int cols) {
    double[][] m = new double[rows][cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        m[r][c] = v[r * cols + c];
      }
    }
    return m;
  }

  private static double[] vector(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }

  private static double[] layer(double[] x, double[][] w, double[] b) {
    double[] out = b.clone();
    for (int i = 0; i < x.length; i++) {
      double xi = x[i];
      if (xi == 0) {
        continue;
      }
      double[] row = w[i];
      for (int o = 0; o < out.length; o++) {
        out[o] += xi * row[o];
      }
    }
    return out;
  }

  private static double[] relu(double[] x) {
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.max(0, x[i]);
    }
    return x;
  }
}
