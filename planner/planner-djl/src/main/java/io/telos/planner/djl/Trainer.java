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
import io.telos.model.KinematicChain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Fits a {@link LatentModel} to recorded trajectories.
 *
 * <p>For a window {@code o_t .. o_{t+K}} with actions {@code a_t .. a_{t+K-1}}: the latent of
 * {@code o_t} is encoded, every ensemble member rolls its own latent forward through the K
 * actions, and step k is compared with {@code o_{t+k}}:
 *
 * <pre>
 *   Σ_k |(ŝ_{t+k} − s(o_{t+k})) / D_s|²                 observed part, supervised, in units of one
 *                                                       step's typical change
 * + Σ_k |ĥ_{t+k} − sg(E(o_{t+k}))|²                      learned part, JEPA: stop-gradient target
 * + VICReg variance and covariance of h_t over the batch   (keeps the learned part from collapsing)
 * + end-effector head on the (detached) encoded latents
 * </pre>
 *
 * Adam with a cosine learning-rate decay and element-wise gradient clipping. The data statistics
 * (joint-position mean and spread, one step's change per latent dimension) are computed from the
 * training trajectories and saved with the model. One trainer runs at a time per process (the
 * engine has one gradient tape).
 */
public final class Trainer {
  /** Training settings. */
  public record Config(int latent, int hidden, int members, int window, int batch, int steps, double learningRate,
      long seed, float ema) {
    /** Without an EMA target: the target is the online encoder with the gradient stopped. */
    public Config(int latent, int hidden, int members, int window, int batch, int steps, double learningRate, long seed) {
      this(latent, hidden, members, window, batch, steps, learningRate, seed, 0f);
    }

    /** Sizes that reach the documented accuracy from about 30 minutes of experience. */
    public static Config defaults() {
      return new Config(32, 128, 3, 8, 256, 4000, 2e-3, 1L, 0f);
    }

    /** The same with a different number of steps. */
    public Config withSteps(int s) {
      return new Config(latent, hidden, members, window, batch, s, learningRate, seed, ema);
    }
  }

  /** Loss after a step, for curves. */
  public record Progress(int step, double loss, double latentLoss, double eeLoss) {}

  /**
   * Validation on held-out trajectories: end-effector errors (m) after 1 and {@code horizon}
   * predicted steps, read by the learned end-effector head and by forward kinematics of the
   * joint-position head (NaN when no chain was given).
   */
  public record Validation(int windows, double ee1Median, double ee16Median, double ee16P90, double ee1KinMedian,
      double ee16KinMedian, double ee16KinP90, double ee0Median, double q16Median) {}

  /** Serialises gradient recording: DJL's autograd tape is shared by the process. */
  static final Object TAPE = new Object();
  private static final double EE_WEIGHT = 100.0; // end-effector head loss in (10 cm)^2 units
  private static final double LATENT_WEIGHT = 1.0; // learned part of the latent
  private static final float LEARNED_DELTA = 0.1f; // output scale of the learned part's change

  private Trainer() {}

  /**
   * Trains a fresh model.
   *
   * @param manager owns the returned model's parameters
   * @param data training trajectories at {@code dtS}
   * @param velocityScale per joint, normalises velocities (the velocity limits)
   * @param actionScale per joint, normalises actions (the action bounds)
   * @param curve receives one {@link Progress} per step (may be null)
   * @param tick called with the step number after every step (may be null), e.g. a progress bar
   */
  public static LatentModel train(NDManager manager, List<Trajectory> data, double dtS, double[] velocityScale,
      double[] actionScale, Config config, List<Progress> curve, IntConsumer tick) {
    if (data.isEmpty()) {
      throw new IllegalArgumentException("no trajectories to train on");
    }
    int n = data.get(0).dof();
    LatentModel.Spec spec = new LatentModel.Spec(n, config.latent(), config.hidden(), config.members(), dtS);
    LatentModel model = new LatentModel(manager, spec, velocityScale, actionScale, config.seed());
    Windows w = Windows.of(data, config.window());
    if (w.count == 0) {
      model.close();
      throw new IllegalArgumentException("no trajectory is longer than the training window of " + config.window()
          + " steps");
    }
    statistics(model, data);
    synchronized (TAPE) {
      List<String> names = model.trainableNames();
      List<NDArray> params = new ArrayList<>();
      for (String name : names) {
        NDArray p = model.p(name);
        p.setRequiresGradient(true);
        params.add(p);
      }
      // element-wise gradient clipping keeps an occasional large step from sending a run into divergence
      Tracker lr = config.steps() > 1
          ? Tracker.cosine().setBaseValue((float) config.learningRate())
              .optFinalValue((float) (config.learningRate() * 0.01)).setMaxUpdates(config.steps()).build()
          : Tracker.fixed((float) config.learningRate());
      Optimizer adam = Adam.builder().optLearningRateTracker(lr).optClipGrad(1f).build();
      Random rnd = new Random(config.seed());
      // EMA target encoder: the JEPA target moves slowly, so the latent can neither collapse nor chase itself
      List<NDArray> target = new ArrayList<>();
      for (String e : config.ema() > 0 ? LatentModel.ENCODER : List.<String>of()) {
        NDArray t = model.p(e).duplicate();
        t.setRequiresGradient(false);
        target.add(t);
      }
      int skipped = 0; // batches whose loss was not finite: their update is dropped, not applied
      for (int step = 1; step <= config.steps(); step++) {
        try (NDManager sub = manager.newSubManager()) {
          Batch b = w.sample(sub, rnd, config.batch());
          double[] parts = new double[3];
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = loss(model, target, b, config.window(), parts);
            gc.backward(loss);
          }
          boolean finite = Double.isFinite(parts[0]);
          for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            NDArray g = p.getGradient();
            if (finite) {
              adam.update(names.get(i), p, g);
            }
            g.muli(0); // (g - g would keep a NaN)
          }
          if (!finite) {
            skipped++;
          }
          for (int i = 0; i < target.size(); i++) {
            NDArray online = model.p(LatentModel.ENCODER.get(i));
            target.get(i).muli(config.ema()).addi(online.mul(1 - config.ema()));
          }
          if (curve != null) {
            curve.add(new Progress(step, parts[0], parts[1], parts[2]));
          }
        }
        if (tick != null) {
          tick.accept(step);
        }
      }
      for (NDArray p : params) {
        p.setRequiresGradient(false);
      }
      for (NDArray t : target) {
        t.close();
      }
    }
    return model;
  }

  /**
   * Joint-position mean and spread over the training states, the spread of one step's change of
   * every observed latent dimension (the learned part's change scale is a constant) and the largest
   * commanded velocity per joint.
   */
  static void statistics(LatentModel model, List<Trajectory> data) {
    int n = model.spec().dof();
    double[] vs = model.velocityScale();
    double[] sum = new double[n];
    double[] sq = new double[n];
    long count = 0;
    for (Trajectory t : data) {
      for (double[] q : t.q()) {
        for (int j = 0; j < n; j++) {
          sum[j] += q[j];
          sq[j] += q[j] * q[j];
        }
        count++;
      }
    }
    float[] mean = new float[n];
    float[] std = new float[n];
    for (int j = 0; j < n; j++) {
      double mu = sum[j] / Math.max(1, count);
      mean[j] = (float) mu;
      std[j] = (float) Math.max(1e-3, Math.sqrt(Math.max(0, sq[j] / Math.max(1, count) - mu * mu)));
    }
    double[] dsq = new double[2 * n];
    float[] actionMax = new float[n];
    long steps = 0;
    for (Trajectory t : data) {
      for (int k = 0; k < t.length(); k++) {
        for (int j = 0; j < n; j++) {
          actionMax[j] = (float) Math.max(actionMax[j], Math.abs(t.action()[k][j]));
        }
        for (int j = 0; j < n; j++) {
          double dq = (t.q()[k + 1][j] - t.q()[k][j]) / std[j];
          double dv = (t.qd()[k + 1][j] - t.qd()[k][j]) / vs[j];
          dsq[j] += dq * dq;
          dsq[n + j] += dv * dv;
        }
        steps++;
      }
    }
    float[] delta = new float[model.spec().state()];
    Arrays.fill(delta, LEARNED_DELTA);
    for (int j = 0; j < 2 * n; j++) {
      delta[j] = (float) Math.max(1e-4, Math.sqrt(dsq[j] / Math.max(1, steps)));
    }
    double[] as = model.actionScale();
    for (int j = 0; j < n; j++) {
      actionMax[j] = (float) Math.max(1e-3 * as[j], actionMax[j]);
    }
    model.setStatistics(mean, std, delta, actionMax);
  }

  private static NDArray loss(LatentModel m, List<NDArray> target, Batch b, int k, double[] parts) {
    int n = m.spec().dof();
    int obs = 2 * n;
    int width = m.spec().state();
    NDArray dObs = m.p("norm.delta").get("0:" + obs);
    NDArray h0 = m.encodeLearned(b.q(0), b.qd(0));
    NDArray z0 = m.observed(b.q(0), b.qd(0)).concat(h0, -1);
    NDArray z = z0;
    NDArray observed = null;
    NDArray latent = null;
    NDArray ee = eeLoss(m, z0.stopGradient(), b.ee(0));
    for (int t = 1; t <= k; t++) {
      z = m.predictAll(z, b.a(t - 1));
      NDArray st = m.observed(b.q(t), b.qd(t));
      NDArray ht = target.isEmpty() ? m.encodeLearned(b.q(t), b.qd(t))
          : LatentModel.encodeWith(m.features(b.q(t), b.qd(t)), target);
      NDArray o = z.get(":, :, 0:" + obs).sub(st.expandDims(0)).div(dObs).square().mean();
      NDArray l = z.get(":, :, " + obs + ":" + width).sub(ht.stopGradient().expandDims(0)).square().mean();
      observed = observed == null ? o : observed.add(o);
      latent = latent == null ? l : latent.add(l);
      ee = ee.add(eeLoss(m, st.concat(ht, -1).stopGradient(), b.ee(t)));
    }
    observed = observed.div((float) k);
    latent = latent.div((float) k);
    ee = ee.div((float) (k + 1));
    // VICReg on the learned part of the batch's latents
    NDArray centred = h0.sub(h0.mean(new int[] {0}, true));
    NDArray var = centred.square().mean(new int[] {0});
    NDArray std = var.add(1e-4f).sqrt();
    NDArray varLoss = Activation.relu(std.neg().add(1f)).mean();
    long bsz = h0.getShape().get(0);
    NDArray cov = centred.transpose().matMul(centred).div((float) (bsz - 1));
    long l = cov.getShape().get(0);
    NDArray offDiag = cov.square().sum().sub(cov.square().mul(m.eye()).sum());
    NDArray covLoss = offDiag.div((float) l);
    NDArray total = observed.add(latent.mul((float) LATENT_WEIGHT)).add(ee.mul((float) EE_WEIGHT)).add(varLoss)
        .add(covLoss.mul(0.04f));
    parts[0] = total.getFloat();
    parts[1] = observed.getFloat() + latent.getFloat();
    parts[2] = ee.getFloat();
    return total;
  }

  private static NDArray eeLoss(LatentModel m, NDArray z, NDArray ee) {
    return m.probeEe(z).sub(ee).square().mean();
  }

  /**
   * Held-out validation: from every window start, the ensemble mean is rolled {@code 16} steps
   * with the recorded actions and the end-effector probe compared with the recorded position.
   */
  public static Validation validate(LatentModel model, List<Trajectory> heldOut, int horizon,
      KinematicChain chain) {
    Windows w = Windows.of(heldOut, horizon);
    if (w.count == 0) {
      return new Validation(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
          Double.NaN);
    }
    double[] k1 = null;
    double[] kh = null;
    try (NDManager sub = model.manager().newSubManager()) {
      Batch b = w.all(sub);
      NDArray z = model.encode(b.q(0), b.qd(0));
      double[] e0 = toDouble(model.probeEe(z).sub(b.ee(0)).square().sum(new int[] {1}).sqrt().toFloatArray());
      double[] e1 = null;
      double[] eh = null;
      double[] qh = null;
      for (int t = 1; t <= horizon; t++) {
        z = model.predictAll(z, b.a(t - 1)).mean(new int[] {0});
        if (t == 1 || t == horizon) {
          NDArray err = model.probeEe(z).sub(b.ee(t)).square().sum(new int[] {1}).sqrt();
          double[] e = toDouble(err.toFloatArray());
          if (t == 1) {
            e1 = e;
          }
          if (t == horizon) {
            eh = e;
            qh = toDouble(model.probeQ(z).sub(b.q(t)).abs().max(new int[] {1}).toFloatArray());
          }
          if (chain != null) {
            double[] k = kinematicErrors(chain, model.probeQ(z).toFloatArray(), b.ee(t).toFloatArray());
            if (t == 1) {
              k1 = k;
            }
            if (t == horizon) {
              kh = k;
            }
          }
        }
      }
      Arrays.sort(e0);
      Arrays.sort(e1);
      Arrays.sort(eh);
      Arrays.sort(qh);
      double k1m = Double.NaN;
      double khm = Double.NaN;
      double khp = Double.NaN;
      if (k1 != null) {
        Arrays.sort(k1);
        Arrays.sort(kh);
        k1m = k1[k1.length / 2];
        khm = kh[kh.length / 2];
        khp = kh[(int) (kh.length * 0.9)];
      }
      return new Validation(w.count, e1[e1.length / 2], eh[eh.length / 2], eh[(int) (eh.length * 0.9)], k1m, khm, khp,
          e0[e0.length / 2], qh[qh.length / 2]);
    }
  }

  private static double[] kinematicErrors(KinematicChain chain, float[] q, float[] ee) {
    int n = chain.dof();
    int b = q.length / n;
    double[] out = new double[b];
    double[] qq = new double[n];
    double[] p = new double[3];
    KinematicChain.Scratch s = chain.newScratch();
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < n; j++) {
        qq[j] = q[i * n + j];
      }
      chain.forwardPosition(qq, p, s);
      double dx = p[0] - ee[3 * i];
      double dy = p[1] - ee[3 * i + 1];
      double dz = p[2] - ee[3 * i + 2];
      out[i] = Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
    return out;
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  /** A batch of windows: q, qd, ee of shape (B, K+1, ·), actions (B, K, n). */
  record Batch(NDArray qAll, NDArray qdAll, NDArray eeAll, NDArray aAll) {
    NDArray q(int t) {
      return qAll.get(":, " + t + ", :");
    }

    NDArray qd(int t) {
      return qdAll.get(":, " + t + ", :");
    }

    NDArray ee(int t) {
      return eeAll.get(":, " + t + ", :");
    }

    NDArray a(int t) {
      return aAll.get(":, " + t + ", :");
    }
  }

  /** Every window of {@code k} transitions in a set of trajectories. */
  static final class Windows {
    final List<Trajectory> trajectories;
    final int[] traj;
    final int[] start;
    final int count;
    final int k;
    final int n;

    private Windows(List<Trajectory> trajectories, int k) {
      this.trajectories = trajectories;
      this.k = k;
      List<int[]> idx = new ArrayList<>();
      for (int i = 0; i < trajectories.size(); i++) {
        for (int t = 0; t + k <= trajectories.get(i).length(); t++) {
          idx.add(new int[] {i, t});
        }
      }
      count = idx.size();
      traj = new int[count];
      start = new int[count];
      for (int i = 0; i < count; i++) {
        traj[i] = idx.get(i)[0];
        start[i] = idx.get(i)[1];
      }
      n = trajectories.isEmpty() ? 0 : trajectories.get(0).dof();
    }

    static Windows of(List<Trajectory> data, int k) {
      return new Windows(data, k);
    }

    Batch sample(NDManager m, Random rnd, int size) {
      int[] pick = new int[size];
      for (int i = 0; i < size; i++) {
        pick[i] = rnd.nextInt(count);
      }
      return gather(m, pick);
    }

    Batch all(NDManager m) {
      int[] pick = new int[count];
      for (int i = 0; i < count; i++) {
        pick[i] = i;
      }
      return gather(m, pick);
    }

    private Batch gather(NDManager m, int[] pick) {
      int b = pick.length;
      float[] q = new float[b * (k + 1) * n];
      float[] qd = new float[b * (k + 1) * n];
      float[] ee = new float[b * (k + 1) * 3];
      float[] a = new float[b * k * n];
      for (int i = 0; i < b; i++) {
        Trajectory tr = trajectories.get(traj[pick[i]]);
        int s = start[pick[i]];
        for (int t = 0; t <= k; t++) {
          for (int j = 0; j < n; j++) {
            q[(i * (k + 1) + t) * n + j] = (float) tr.q()[s + t][j];
            qd[(i * (k + 1) + t) * n + j] = (float) tr.qd()[s + t][j];
            if (t < k) {
              a[(i * k + t) * n + j] = (float) tr.action()[s + t][j];
            }
          }
          for (int j = 0; j < 3; j++) {
            ee[(i * (k + 1) + t) * 3 + j] = (float) tr.ee()[s + t][j];
          }
        }
      }
      return new Batch(m.create(q, new Shape(b, k + 1, n)), m.create(qd, new Shape(b, k + 1, n)),
          m.create(ee, new Shape(b, k + 1, 3)), m.create(a, new Shape(b, k, n)));
    }
  }
}
