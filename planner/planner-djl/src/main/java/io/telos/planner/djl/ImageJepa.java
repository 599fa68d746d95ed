package io.telos.planner.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * A self-supervised image encoder in the manner of I-JEPA: no labels, no pixels reconstructed. An
 * online encoder sees a picture with a random block blanked out and noise added; a predictor must
 * produce, from that, the embedding a slowly moving (exponential moving average) copy of the encoder
 * gives the whole picture. VICReg's variance and covariance terms on the online embedding keep it
 * from collapsing to a constant. What survives is what helps predict the hidden part from the rest:
 * where things are (the arm, the objects), not the pixel noise.
 *
 * <p>Network: three stride-2 convolutions (3→16, 5×5; 16→32, 3×3; 32→32, 3×3) with ReLU, then a
 * linear map to {@link Config#latent()} dimensions; predictor: a 2-layer MLP. Pictures are
 * {@code 3 × height × width} floats in [0, 1], channel-major. Parameters are plain tensors, trained
 * with Adam and a cosine learning-rate schedule.
 *
 * <p>{@link #fitProbe} fits a linear (ridge) read-out from the latent to any quantity, the usual
 * way of asking what a self-supervised representation holds.
 */
public final class ImageJepa implements AutoCloseable {
  /**
   * @param width picture width, pixels (divisible by 8)
   * @param height picture height, pixels (divisible by 8)
   * @param maskFraction side of the blanked block as a fraction of the picture's, at most
   */
  public record Config(int width, int height, int latent, int steps, int batch, double learningRate, double ema,
      double maskFraction, long seed) {
    public Config {
      if (width % 8 != 0 || height % 8 != 0 || width < 16 || height < 16) {
        throw new IllegalArgumentException("picture size " + width + "x" + height + ": each side a multiple of 8, >= 16");
      }
      if (latent < 2 || steps < 0 || batch < 2 || !(learningRate > 0) || !(ema >= 0 && ema < 1)
          || !(maskFraction > 0 && maskFraction < 1)) {
        throw new IllegalArgumentException("bad encoder config " + latent + "/" + steps + "/" + batch + "/"
            + learningRate + "/" + ema + "/" + maskFraction);
      }
    }

    /** 64 × 48 pictures, a 32-dimensional latent, 1,500 steps of 64. */
    public static Config defaults() {
      return new Config(64, 48, 32, 1500, 64, 2e-3, 0.99, 0.45, 7);
    }

    public Config withSteps(int s) {
      return new Config(width, height, latent, s, batch, learningRate, ema, maskFraction, seed);
    }

    int flat() {
      return 32 * (height / 8) * (width / 8);
    }
  }

  /** One training step's losses: total, the prediction's, VICReg's variance term. */
  public record Progress(int step, double loss, double prediction, double variance) {}

  private static final List<String> ENCODER = List.of("c1.w", "c1.b", "c2.w", "c2.b", "c3.w", "c3.b", "fc.w", "fc.b");
  private static final Object TAPE = new Object();

  private final Config config;
  private final NDManager manager;
  private final Map<String, NDArray> params = new LinkedHashMap<>();

  private ImageJepa(NDManager manager, Config config) {
    this.manager = manager;
    this.config = config;
    Random rnd = new Random(config.seed());
    int l = config.latent();
    param("c1.w", rnd, 16, 3, 5, 5);
    params.put("c1.b", manager.zeros(new Shape(16)));
    param("c2.w", rnd, 32, 16, 3, 3);
    params.put("c2.b", manager.zeros(new Shape(32)));
    param("c3.w", rnd, 32, 32, 3, 3);
    params.put("c3.b", manager.zeros(new Shape(32)));
    param("fc.w", rnd, config.flat(), l);
    params.put("fc.b", manager.zeros(new Shape(l)));
    param("p1.w", rnd, l, 2 * l);
    params.put("p1.b", manager.zeros(new Shape(2 * l)));
    param("p2.w", rnd, 2 * l, l);
    params.put("p2.b", manager.zeros(new Shape(l)));
  }

  /** An encoder with random (He-initialised, seeded) weights: the baseline a trained one is measured against. */
  public static ImageJepa untrained(NDManager manager, Config config) {
    return new ImageJepa(manager, config);
  }

  /**
   * Trains an encoder on {@code pictures} (each {@code 3 × height × width} floats in [0, 1]).
   *
   * @param curve receives every step's losses, or null
   * @param tick called after every step with its number, or null
   */
  public static ImageJepa train(NDManager manager, List<float[]> pictures, Config config, List<Progress> curve,
      IntConsumer tick) {
    int size = 3 * config.width() * config.height();
    if (pictures.size() < config.batch()) {
      throw new IllegalArgumentException("need at least " + config.batch() + " pictures, had " + pictures.size());
    }
    for (float[] p : pictures) {
      if (p.length != size) {
        throw new IllegalArgumentException("a picture of " + p.length + " values; " + config.width() + "x"
            + config.height() + " RGB has " + size);
      }
    }
    ImageJepa model = new ImageJepa(manager, config);
    synchronized (TAPE) {
      List<String> names = new ArrayList<>(model.params.keySet());
      Map<String, NDArray> target = new LinkedHashMap<>();
      for (String e : ENCODER) {
        NDArray t = model.params.get(e).duplicate();
        t.setRequiresGradient(false);
        target.put(e, t);
      }
      for (String n : names) {
        model.params.get(n).setRequiresGradient(true);
      }
      Tracker lr = Tracker.cosine().setBaseValue((float) config.learningRate())
          .optFinalValue((float) (config.learningRate() * 0.05)).setMaxUpdates(Math.max(1, config.steps())).build();
      Optimizer adam = Adam.builder().optLearningRateTracker(lr).optClipGrad(1f).build();
      Random rnd = new Random(config.seed() ^ 0x5EED);
      NDArray offDiagonal = manager.ones(new Shape(config.latent(), config.latent()))
          .sub(manager.eye(config.latent()));
      float[] full = new float[config.batch() * size];
      float[] masked = new float[config.batch() * size];
      for (int step = 1; step <= config.steps(); step++) {
        batch(pictures, config, rnd, full, masked);
        try (NDManager sub = manager.newSubManager()) {
          NDArray x = sub.create(full, new Shape(config.batch(), 3, config.height(), config.width()));
          NDArray xm = sub.create(masked, new Shape(config.batch(), 3, config.height(), config.width()));
          double[] parts = new double[3];
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray goal = encode(target, x).stopGradient();
            NDArray z = encode(model.params, xm);
            NDArray pred = model.predict(z);
            NDArray lp = pred.sub(goal).square().mean();
            NDArray centred = z.sub(z.mean(new int[] {0}, true));
            NDArray std = centred.square().mean(new int[] {0}).add(1e-4f).sqrt();
            NDArray lv = Activation.relu(std.neg().add(1f)).mean();
            NDArray cov = centred.transpose().matMul(centred).div((float) (config.batch() - 1));
            NDArray off = cov.mul(offDiagonal);
            NDArray lc = off.square().sum().div((float) config.latent());
            NDArray loss = lp.add(lv).add(lc.mul(0.04f));
            parts[0] = loss.getFloat();
            parts[1] = lp.getFloat();
            parts[2] = lv.getFloat();
            gc.backward(loss);
          }
          boolean finite = Double.isFinite(parts[0]);
          for (String n : names) {
            NDArray p = model.params.get(n);
            NDArray g = p.getGradient();
            if (finite) {
              adam.update(n, p, g);
            }
            g.muli(0);
          }
          for (String e : ENCODER) {
            target.get(e).muli(config.ema()).addi(model.params.get(e).mul(1 - config.ema()));
          }
          if (curve != null) {
            curve.add(new Progress(step, parts[0], parts[1], parts[2]));
          }
        }
        if (tick != null) {
          tick.accept(step);
        }
      }
      for (String n : names) {
        model.params.get(n).setRequiresGradient(false);
      }
      for (NDArray t : target.values()) {
        t.close();
      }
      offDiagonal.close();
    }
    return model;
  }

  /** The latents of {@code pictures} (the online encoder, whole pictures), one row each. */
  public double[][] encode(List<float[]> pictures) {
    int size = 3 * config.width() * config.height();
    double[][] out = new double[pictures.size()][];
    int chunk = 128;
    for (int from = 0; from < pictures.size(); from += chunk) {
      int n = Math.min(chunk, pictures.size() - from);
      float[] buf = new float[n * size];
      for (int i = 0; i < n; i++) {
        System.arraycopy(pictures.get(from + i), 0, buf, i * size, size);
      }
      try (NDManager sub = manager.newSubManager()) {
        NDArray z = encode(params, sub.create(buf, new Shape(n, 3, config.height(), config.width())));
        float[] f = z.toFloatArray();
        int l = config.latent();
        for (int i = 0; i < n; i++) {
          double[] row = new double[l];
          for (int k = 0; k < l; k++) {
            row[k] = f[i * l + k];
          }
          out[from + i] = row;
        }
      }
    }
    return out;
  }

  public Config config() {
    return config;
  }

  private static NDArray encode(Map<String, NDArray> p, NDArray x) {
    NDArray h = x.sub(0.5f);
    h = Activation.relu(Conv2d.conv2d(h, p.get("c1.w"), p.get("c1.b"), new Shape(2, 2), new Shape(2, 2)).singletonOrThrow());
    h = Activation.relu(Conv2d.conv2d(h, p.get("c2.w"), p.get("c2.b"), new Shape(2, 2), new Shape(1, 1)).singletonOrThrow());
    h = Activation.relu(Conv2d.conv2d(h, p.get("c3.w"), p.get("c3.b"), new Shape(2, 2), new Shape(1, 1)).singletonOrThrow());
    h = h.reshape(h.getShape().get(0), -1);
    return h.matMul(p.get("fc.w")).add(p.get("fc.b"));
  }

  private NDArray predict(NDArray z) {
    NDArray h = Activation.relu(z.matMul(params.get("p1.w")).add(params.get("p1.b")));
    return h.matMul(params.get("p2.w")).add(params.get("p2.b"));
  }

  /** Fills a batch of whole pictures and their masked views: a blanked block, plus pixel noise. */
  private static void batch(List<float[]> pictures, Config c, Random rnd, float[] full, float[] masked) {
    int w = c.width();
    int h = c.height();
    int size = 3 * w * h;
    for (int b = 0; b < c.batch(); b++) {
      float[] p = pictures.get(rnd.nextInt(pictures.size()));
      System.arraycopy(p, 0, full, b * size, size);
      int bw = (int) Math.max(2, w * c.maskFraction() * (0.5 + 0.5 * rnd.nextDouble()));
      int bh = (int) Math.max(2, h * c.maskFraction() * (0.5 + 0.5 * rnd.nextDouble()));
      int x0 = rnd.nextInt(w - bw + 1);
      int y0 = rnd.nextInt(h - bh + 1);
      for (int ch = 0; ch < 3; ch++) {
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            int i = ch * w * h + y * w + x;
            boolean hidden = x >= x0 && x < x0 + bw && y >= y0 && y < y0 + bh;
            masked[b * size + i] = hidden ? 0.5f : (float) (p[i] + 0.02 * rnd.nextGaussian());
          }
        }
      }
    }
  }

  private void param(String name, Random rnd, long... shape) {
    long fanIn = shape.length == 4 ? shape[1] * shape[2] * shape[3] : shape[0];
    int n = 1;
    for (long s : shape) {
      n *= (int) s;
    }
    float[] v = new float[n];
    double sd = Math.sqrt(2.0 / fanIn);
    for (int i = 0; i < n; i++) {
      v[i] = (float) (sd * rnd.nextGaussian());
    }
    params.put(name, manager.create(v, new Shape(shape)));
  }

  /**
   * A ridge-regression read-out {@code y ≈ [z, 1] W}: {@code W} is {@code (dim + 1) × outputs}.
   *
   * @param lambda ridge weight on the latent's coefficients (not the bias)
   */
  public static double[][] fitProbe(double[][] z, double[][] y, double lambda) {
    int d = z[0].length + 1;
    int o = y[0].length;
    double[][] a = new double[d][d + o];
    for (int i = 0; i < z.length; i++) {
      for (int r = 0; r < d; r++) {
        double zr = r < d - 1 ? z[i][r] : 1;
        for (int c = 0; c < d; c++) {
          a[r][c] += zr * (c < d - 1 ? z[i][c] : 1);
        }
        for (int k = 0; k < o; k++) {
          a[r][d + k] += zr * y[i][k];
        }
      }
    }
    for (int r = 0; r < d - 1; r++) {
      a[r][r] += lambda;
    }
    // Gauss-Jordan with partial pivoting
    for (int col = 0; col < d; col++) {
      int piv = col;
      for (int r = col + 1; r < d; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) {
          piv = r;
        }
      }
      double[] t = a[col];
      a[col] = a[piv];
      a[piv] = t;
      double pv = a[col][col];
      if (Math.abs(pv) < 1e-12) {
        throw new IllegalArgumentException("probe: the latents are degenerate (a constant dimension?)");
      }
      for (int c = col; c < d + o; c++) {
        a[col][c] /= pv;
      }
      for (int r = 0; r < d; r++) {
        if (r != col && a[r][col] != 0) {
          double f = a[r][col];
          for (int c = col; c < d + o; c++) {
            a[r][c] -= f * a[col][c];
          }
        }
      }
    }
    double[][] w = new double[d][o];
    for (int r = 0; r < d; r++) {
      for (int k = 0; k < o; k++) {
        w[r][k] = a[r][d + k];
      }
    }
    return w;
  }

  /** The probe's read-out of one latent. */
  public static double[] probe(double[][] w, double[] z) {
    double[] out = new double[w[0].length];
    for (int k = 0; k < out.length; k++) {
      double s = w[z.length][k];
      for (int r = 0; r < z.length; r++) {
        s += z[r] * w[r][k];
      }
      out[k] = s;
    }
    return out;
  }

  @Override
  public void close() {
    for (NDArray p : params.values()) {
      p.close();
    }
  }
}
