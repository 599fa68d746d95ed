package io.telos.planner.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.telos.api.scene.Scene;
import io.telos.planner.QuasiStaticContact;
import io.telos.planner.spi.ContactModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Learns the contact model from recorded pushes ({@link PushTrajectory}, from episodic memory) and
 * measures it on held-out ones beside the analytic quasi-static model.
 *
 * <p>Training pairs are every step at which an object could change (the tool within reach of it,
 * or it or a neighbour moving — the steps the model is asked about when planning); the target is
 * the object's recorded displacement and yaw change in its contact frame. Each ensemble member
 * draws its own batches (a bootstrap), so the members agree where the data is dense and disagree
 * where it is not. The loss is the mean absolute error, so the network learns the conditional
 * median: contact is heavy-tailed (a push that just catches an edge, an object that spins), and a
 * squared loss lets those rare events drag every ordinary prediction. Adam with a cosine schedule;
 * seeded, one PyTorch thread: the same data and seed give the same model.
 */
public final class ContactTrainer {
  /** Training settings. */
  public record Config(int hidden, int members, int steps, int batch, double learningRate, long seed) {
    public Config {
      if (hidden < 4 || members < 1 || steps < 1 || batch < 1 || !(learningRate > 0)) {
        throw new IllegalArgumentException("bad contact training settings");
      }
    }

    public static Config defaults() {
      return new Config(64, 3, 4000, 512, 3e-3, 7L);
    }

    public Config withSteps(int s) {
      return new Config(hidden, members, s, batch, learningRate, seed);
    }

    public Config withSeed(long s) {
      return new Config(hidden, members, steps, batch, learningRate, s);
    }
  }

  /**
   * Held-out open-loop prediction errors after {@code horizon} steps with the recorded tool motion,
   * over every (window, object) pair in which the object really moved (more than
   * {@value #MOVED_M} m or {@value #TURNED_DEG}°): planar position error (m) of the learned model,
   * of the analytic quasi-static model and of "it stays where it is", and yaw error (rad) of the
   * learned model and of the analytic one (which never turns an object). {@code restingWindows}
   * counts the pairs in which the tool came within reach but the object stayed, and
   * {@code learnedRestingP90M} is the learned model's p90 error there (motion it made up; the
   * analytic model's is 0 by construction).
   */
  public record Validation(int windows, int horizon, double learnedMedianM, double learnedP90M,
      double analyticMedianM, double analyticP90M, double stillMedianM, double stillP90M, double learnedYawMedianRad,
      double analyticYawMedianRad, double learnedYawP90Rad, double analyticYawP90Rad, int restingWindows,
      double learnedRestingP90M) {
    public Map<String, Object> asMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("windows", windows);
      m.put("horizon", horizon);
      m.put("learned_median_m", learnedMedianM);
      m.put("learned_p90_m", learnedP90M);
      m.put("analytic_median_m", analyticMedianM);
      m.put("analytic_p90_m", analyticP90M);
      m.put("still_median_m", stillMedianM);
      m.put("still_p90_m", stillP90M);
      m.put("learned_yaw_median_rad", learnedYawMedianRad);
      m.put("analytic_yaw_median_rad", analyticYawMedianRad);
      m.put("learned_yaw_p90_rad", learnedYawP90Rad);
      m.put("analytic_yaw_p90_rad", analyticYawP90Rad);
      m.put("resting_windows", restingWindows);
      m.put("learned_resting_p90_m", learnedRestingP90M);
      return m;
    }
  }

  /** A window in which the object moved more than this counts as moving, m. */
  static final double MOVED_M = 0.002;
  /** ... or turned more than this, degrees. */
  static final double TURNED_DEG = 2;

  /** A trained network, ready to save or to plan with. */
  public static final class Trained implements AutoCloseable {
    private final ContactNet net;
    private final int samples;

    Trained(ContactNet net, int samples) {
      this.net = net;
      this.samples = samples;
    }

    /** Training pairs it learned from. */
    public int samples() {
      return samples;
    }

    /** Writes it as version {@code version} (atomically). */
    public void write(Path file, int version, Map<String, Object> metrics) throws IOException {
      LearnedContactModel.write(file, net, version, metrics);
    }

    /**
     * A contact model of {@code scene}'s objects over this network (for active learning: it shares
     * the network, so it is valid only while this is open and must not be closed itself).
     */
    public ContactModel model(Scene scene) {
      return new LearnedContactModel(net, scene);
    }

    /** Held-out errors after {@code horizon} steps. */
    public Validation validate(List<PushTrajectory> heldOut, int horizon) {
      return ContactTrainer.validate(net, heldOut, horizon);
    }

    @Override
    public void close() {
      net.close();
    }
  }

  private ContactTrainer() {}

  /**
   * Trains a contact model.
   *
   * @param curve receives the loss of every step (may be null)
   * @param tick called with the step number after every step (may be null)
   * @throws IllegalArgumentException when there is nothing to learn from or the data is not at {@code dtS}
   */
  public static Trained train(NDManager manager, List<PushTrajectory> data, double dtS, Config config,
      List<Double> curve, IntConsumer tick) {
    List<float[]> xs = new ArrayList<>();
    List<float[]> ys = new ArrayList<>();
    for (PushTrajectory t : data) {
      if (Math.abs(t.dtS() - dtS) > 1e-9) {
        throw new IllegalArgumentException("trajectory " + t.id() + " is sampled every " + t.dtS() + " s, not "
            + dtS + " s");
      }
      pairs(t, xs, ys);
    }
    if (xs.isEmpty()) {
      throw new IllegalArgumentException("no step of the " + data.size() + " trajectories has the tool near an object"
          + " or an object moving: nothing to learn a contact model from (record pushes first)");
    }
    int n = xs.size();
    int f = ContactFeatures.FEATURES;
    int o = ContactNet.OUTPUTS;
    float[] scale = new float[o];
    for (int i = 0; i < o; i++) {
      double sq = 0;
      for (float[] y : ys) {
        sq += y[i] * (double) y[i];
      }
      scale[i] = (float) Math.max(1e-3, Math.sqrt(sq / n));
    }
    float[] xAll = new float[n * f];
    float[] yAll = new float[n * o];
    for (int i = 0; i < n; i++) {
      System.arraycopy(xs.get(i), 0, xAll, i * f, f);
      for (int k = 0; k < o; k++) {
        yAll[i * o + k] = ys.get(i)[k] / scale[k];
      }
    }
    ContactNet net = new ContactNet(manager, new ContactNet.Spec(f, config.hidden(), config.members(), dtS),
        config.seed());
    net.set("norm.out", scale);
    int members = config.members();
    int bs = config.batch();
    synchronized (Trainer.TAPE) {
      List<String> names = net.trainableNames();
      List<NDArray> params = new ArrayList<>();
      for (String name : names) {
        NDArray p = net.p(name);
        p.setRequiresGradient(true);
        params.add(p);
      }
      Tracker lr = config.steps() > 1
          ? Tracker.cosine().setBaseValue((float) config.learningRate())
              .optFinalValue((float) (config.learningRate() * 0.02)).setMaxUpdates(config.steps()).build()
          : Tracker.fixed((float) config.learningRate());
      Optimizer adam = Adam.builder().optLearningRateTracker(lr).optClipGrad(1f).build();
      Random rnd = new Random(config.seed());
      float[] bx = new float[members * bs * f];
      float[] by = new float[members * bs * o];
      for (int step = 1; step <= config.steps(); step++) {
        for (int r = 0; r < members * bs; r++) {
          int i = rnd.nextInt(n);
          System.arraycopy(xAll, i * f, bx, r * f, f);
          System.arraycopy(yAll, i * o, by, r * o, o);
        }
        try (NDManager sub = manager.newSubManager()) {
          NDArray x = sub.create(bx, new Shape(members, bs, f));
          NDArray y = sub.create(by, new Shape(members, bs, o));
          float value;
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = net.forward(x).sub(y).abs().mean();
            value = loss.getFloat();
            gc.backward(loss);
          }
          for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            NDArray g = p.getGradient();
            if (Float.isFinite(value)) {
              adam.update(names.get(i), p, g);
            }
            g.muli(0);
          }
          if (curve != null) {
            curve.add((double) value);
          }
        }
        if (tick != null) {
          tick.accept(step);
        }
      }
      for (NDArray p : params) {
        p.setRequiresGradient(false);
      }
    }
    return new Trained(net, n);
  }

  /** The training pairs of one trajectory. */
  static void pairs(PushTrajectory t, List<float[]> xs, List<float[]> ys) {
    int m = t.objects();
    ContactFeatures cf = new ContactFeatures(t.scene(), t.dtS());
    double[] state = new double[m * ContactFeatures.WIDTH];
    double[] before = new double[3];
    double[] after = new double[3];
    double[] frame = new double[2];
    for (int k = 0; k < t.length(); k++) {
      fill(t, k, state);
      System.arraycopy(t.tool()[k], 0, before, 0, 3);
      System.arraycopy(t.tool()[k + 1], 0, after, 0, 3);
      for (int j = 0; j < m; j++) {
        if (!cf.active(state, 0, j, before, after)) {
          continue;
        }
        float[] x = new float[ContactFeatures.FEATURES];
        cf.features(state, 0, j, before, after, x, 0, frame);
        float[] y = new float[ContactNet.OUTPUTS];
        double[] p0 = t.poses()[k][j];
        double[] p1 = t.poses()[k + 1][j];
        ContactFeatures.target(frame, p1[0] - p0[0], p1[1] - p0[1], p1[2] - p0[2], y, 0);
        y[0] -= x[ContactFeatures.PRIOR]; // the network learns the correction to the analytic push
        y[1] -= x[ContactFeatures.PRIOR + 1];
        xs.add(x);
        ys.add(y);
      }
    }
  }

  /** The recorded state of every object at step {@code k}: pose and the velocity of the step before. */
  static void fill(PushTrajectory t, int k, double[] state) {
    int w = ContactFeatures.WIDTH;
    for (int j = 0; j < t.objects(); j++) {
      double[] p = t.poses()[k][j];
      double[] q = k > 0 ? t.poses()[k - 1][j] : p;
      state[j * w] = p[0];
      state[j * w + 1] = p[1];
      state[j * w + 2] = p[2];
      state[j * w + 3] = (p[0] - q[0]) / t.dtS();
      state[j * w + 4] = (p[1] - q[1]) / t.dtS();
      state[j * w + 5] = (p[2] - q[2]) / t.dtS();
    }
  }

  static Validation validate(ContactNet net, List<PushTrajectory> heldOut, int horizon) {
    List<Double> learned = new ArrayList<>();
    List<Double> analytic = new ArrayList<>();
    List<Double> still = new ArrayList<>();
    List<Double> learnedYaw = new ArrayList<>();
    List<Double> analyticYaw = new ArrayList<>();
    List<Double> resting = new ArrayList<>();
    int windows = 0;
    for (PushTrajectory t : heldOut) {
      int m = t.objects();
      int w = ContactFeatures.WIDTH;
      LearnedContactModel model = new LearnedContactModel(net, t.scene());
      QuasiStaticContact quasi = new QuasiStaticContact(t.scene());
      double[] s = new double[m * w];
      double[] s2 = new double[m * w];
      double[] a = new double[2 * m];
      double[] a2 = new double[2 * m];
      double[] before = new double[3];
      double[] after = new double[3];
      for (int k0 = 1; k0 + horizon <= t.length(); k0 += Math.max(1, horizon / 4)) {
        fill(t, k0, s);
        boolean[] relevant = new boolean[m];
        for (int k = k0; k < k0 + horizon; k++) {
          for (int j = 0; j < m; j++) {
            double[] p0 = t.poses()[k][j];
            double[] p1 = t.poses()[k + 1][j];
            double[] tl = t.tool()[k + 1];
            double gap = Math.hypot(p0[0] - tl[0], p0[1] - tl[1]) - t.scene().objects().get(j).radiusM()
                - t.scene().toolRadiusM();
            relevant[j] |= gap < 0.01;
          }
        }
        for (int j = 0; j < m; j++) {
          a[2 * j] = s[j * w];
          a[2 * j + 1] = s[j * w + 1];
        }
        for (int k = k0; k < k0 + horizon; k++) {
          System.arraycopy(t.tool()[k], 0, before, 0, 3);
          System.arraycopy(t.tool()[k + 1], 0, after, 0, 3);
          model.step(before, after, s, 1, s2);
          System.arraycopy(s2, 0, s, 0, s.length);
          quasi.step(before, after, a, 1, a2);
          System.arraycopy(a2, 0, a, 0, a.length);
        }
        for (int j = 0; j < m; j++) {
          double[] truth = t.poses()[k0 + horizon][j];
          double[] start = t.poses()[k0][j];
          boolean moved = Math.hypot(start[0] - truth[0], start[1] - truth[1]) > MOVED_M
              || Math.abs(truth[2] - start[2]) > Math.toRadians(TURNED_DEG);
          if (!moved) {
            if (relevant[j]) {
              resting.add(Math.hypot(s[j * w] - truth[0], s[j * w + 1] - truth[1]));
            }
            continue;
          }
          windows++;
          learned.add(Math.hypot(s[j * w] - truth[0], s[j * w + 1] - truth[1]));
          analytic.add(Math.hypot(a[2 * j] - truth[0], a[2 * j + 1] - truth[1]));
          still.add(Math.hypot(start[0] - truth[0], start[1] - truth[1]));
          learnedYaw.add(Math.abs(LearnedContactModel.wrap(s[j * w + 2] - truth[2])));
          analyticYaw.add(Math.abs(LearnedContactModel.wrap(start[2] - truth[2])));
        }
      }
    }
    return new Validation(windows, horizon, quantile(learned, 0.5), quantile(learned, 0.9), quantile(analytic, 0.5),
        quantile(analytic, 0.9), quantile(still, 0.5), quantile(still, 0.9), quantile(learnedYaw, 0.5),
        quantile(analyticYaw, 0.5), quantile(learnedYaw, 0.9), quantile(analyticYaw, 0.9), resting.size(),
        quantile(resting, 0.9));
  }

  static double quantile(List<Double> v, double q) {
    if (v.isEmpty()) {
      return Double.NaN;
    }
    double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    return a[(int) Math.min(a.length - 1, Math.floor(q * a.length))];
  }
}
