package io.telos.planner.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The learned world model's network, as plain parameter tensors so that one forward pass serves a
 * whole MPPI batch and every ensemble member at once (batched matrix products over a leading
 * member axis). The latent has two parts:
 *
 * <ul>
 *   <li><b>observed part</b> {@code s = [(q − μ_q) / σ_q, qd / vmax]} (width 2n): the measured
 *       joint state, normalised with statistics of the training data. Its probes are exact
 *       ({@code q = μ_q + σ_q s_q}, {@code qd = vmax s_qd}), so the end-effector for costs is the
 *       forward kinematics of a decoded joint state rather than a fitted head;
 *   <li><b>learned part</b> {@code h = E([sin q, cos q, qd / vmax])} (width {@link Spec#latent()}),
 *       2-layer MLP encoder, trained JEPA-style (stop-gradient target, VICReg).
 * </ul>
 *
 * The <b>predictor ensemble</b> {@code z' = z + D ⊙ (P_m(x) + W_m [z, a/bound])}, m = 1..M, with
 * {@code x = [z, sin q, cos q, a/bound]}, is a residual 3-layer MLP plus a linear path; {@code D}
 * is the per-dimension scale of one step's change in the training data, so every member outputs
 * quantities of order one. The model's next latent is the members' mean and their spread its
 * uncertainty. A small MLP <b>end-effector head</b> reads the latent for arms without a kinematic
 * chain.
 */
public final class LatentModel implements AutoCloseable {
  /** Shape of the network: {@code latent} is the width of the learned part. */
  public record Spec(int dof, int latent, int hidden, int members, double dtS) {
    public Spec {
      if (dof < 1 || latent < 2 || hidden < 4 || members < 1 || !(dtS > 0)) {
        throw new IllegalArgumentException("bad model spec " + dof + "/" + latent + "/" + hidden + "/" + members
            + "/" + dtS);
      }
    }

    int features() {
      return 3 * dof;
    }

    /** Width of the observed part {@code [q, qd]}. */
    int observed() {
      return 2 * dof;
    }

    /** Width of the whole state: observed part plus learned part. */
    public int state() {
      return 2 * dof + latent;
    }
  }

  /** Parameters that hold data statistics; they are saved with the model but not trained. */
  static final String STAT_PREFIX = "norm.";

  private final Spec spec;
  private final NDManager manager;
  private final Map<String, NDArray> params = new LinkedHashMap<>();
  private final double[] velocityScale;
  private final double[] actionScale;
  private final NDArray velocityScaleNd;
  private final NDArray actionScaleNd;
  private NDArray eye;
  private int version;
  private Map<String, Object> metrics = Map.of();

  /** New, randomly initialised parameters (seeded), with neutral statistics. */
  LatentModel(NDManager manager, Spec spec, double[] velocityScale, double[] actionScale, long seed) {
    this.spec = spec;
    this.manager = manager;
    this.velocityScale = velocityScale.clone();
    this.actionScale = actionScale.clone();
    this.velocityScaleNd = manager.create(toFloat(velocityScale));
    this.actionScaleNd = manager.create(toFloat(actionScale));
    Random rnd = new Random(seed);
    int f = spec.features();
    int l = spec.latent();
    int s = spec.state();
    int h = spec.hidden();
    int m = spec.members();
    int n = spec.dof();
    put("norm.q_mean", zeros(new Shape(n)));
    put("norm.q_std", manager.ones(new Shape(n)));
    put("norm.delta", manager.ones(new Shape(s)));
    put("norm.action_max", manager.create(toFloat(actionScale)));
    put("enc.w1", glorot(rnd, new Shape(f, h)));
    put("enc.b1", zeros(new Shape(h)));
    put("enc.w2", glorot(rnd, new Shape(h, l)));
    put("enc.b2", zeros(new Shape(l)));
    put("pred.w1", glorot(rnd, new Shape(m, s + 3 * n, h)));
    put("pred.b1", zeros(new Shape(m, 1, h)));
    put("pred.w2", glorot(rnd, new Shape(m, h, h)));
    put("pred.b2", zeros(new Shape(m, 1, h)));
    put("pred.w3", scaled(rnd, new Shape(m, h, s), 0.1));
    put("pred.b3", zeros(new Shape(m, 1, s)));
    put("pred.lin", scaled(rnd, new Shape(m, s + n, s), 0.01));
    put("ee.w1", glorot(rnd, new Shape(s, 128)));
    put("ee.b1", zeros(new Shape(128)));
    put("ee.w2", glorot(rnd, new Shape(128, 128)));
    put("ee.b2", zeros(new Shape(128)));
    put("ee.w3", glorot(rnd, new Shape(128, 3)));
    put("ee.b3", zeros(new Shape(3)));
  }

  /**
   * The number of values of each parameter tensor of a network of {@code spec}, in {@link #names()}
   * order, computed without allocating: a model file's tensors are checked against these before
   * anything is built, so a header that claims a huge network cannot exhaust memory.
   */
  public static long[] parameterSizes(Spec spec) {
    long f = spec.features();
    long l = spec.latent();
    long s = spec.state();
    long h = spec.hidden();
    long m = spec.members();
    long n = spec.dof();
    return new long[] {n, n, s, n, f * h, h, h * l, l, m * (s + 3 * n) * h, m * h, m * h * h, m * h, m * h * s, m * s,
        m * (s + n) * s, s * 128, 128, 128 * 128, 128, 128 * 3, 3};
  }

  /** Parameters read from a file, in {@link #names()} order. */
  LatentModel(NDManager manager, Spec spec, double[] velocityScale, double[] actionScale, List<float[]> values) {
    this(manager, spec, velocityScale, actionScale, 0L);
    List<String> names = names();
    if (values.size() != names.size()) {
      throw new IllegalArgumentException("expected " + names.size() + " parameter tensors, got " + values.size());
    }
    for (int i = 0; i < names.size(); i++) {
      NDArray old = params.get(names.get(i));
      if (old.size() != values.get(i).length) {
        throw new IllegalArgumentException("parameter " + names.get(i) + " has " + values.get(i).length
            + " values, the network needs " + old.size());
      }
      NDArray fresh = manager.create(values.get(i), old.getShape());
      old.close();
      params.put(names.get(i), fresh);
    }
  }

  private void put(String name, NDArray a) {
    params.put(name, a);
  }

  private NDArray zeros(Shape s) {
    return manager.zeros(s, DataType.FLOAT32);
  }

  private NDArray glorot(Random rnd, Shape s) {
    long fanIn = s.get(s.dimension() - 2);
    long fanOut = s.get(s.dimension() - 1);
    return scaled(rnd, s, Math.sqrt(2.0 / (fanIn + fanOut)));
  }

  private NDArray scaled(Random rnd, Shape s, double std) {
    float[] v = new float[(int) s.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (rnd.nextGaussian() * std);
    }
    return manager.create(v, s);
  }

  /**
   * Sets the data statistics: joint-position mean and spread, per-dimension one-step change scale,
   * largest commanded velocity per joint.
   */
  void setStatistics(float[] qMean, float[] qStd, float[] delta, float[] actionMax) {
    replace("norm.q_mean", qMean);
    replace("norm.q_std", qStd);
    replace("norm.delta", delta);
    replace("norm.action_max", actionMax);
  }

  /**
   * Largest commanded velocity per joint in the training data: the model has not seen faster
   * commands, so the port offers the planner no more than this.
   */
  double[] actionMax() {
    float[] f = p("norm.action_max").toFloatArray();
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private void replace(String name, float[] v) {
    NDArray old = params.get(name);
    if (old.size() != v.length) {
      throw new IllegalArgumentException(name + " needs " + old.size() + " values, got " + v.length);
    }
    NDArray fresh = manager.create(v, old.getShape());
    old.close();
    params.put(name, fresh);
  }

  /** Version number of this model (0 for one never saved). */
  public int version() {
    return version;
  }

  /** Validation metrics stored with this model. */
  public Map<String, Object> metrics() {
    return metrics;
  }

  void setVersion(int version, Map<String, Object> metrics) {
    this.version = version;
    this.metrics = Map.copyOf(metrics);
  }

  /** The network's shape. */
  public Spec spec() {
    return spec;
  }

  double[] velocityScale() {
    return velocityScale.clone();
  }

  double[] actionScale() {
    return actionScale.clone();
  }

  /** Parameter names in file order. */
  List<String> names() {
    return new ArrayList<>(params.keySet());
  }

  /** All parameter tensors in file order (statistics included). */
  List<NDArray> parameters() {
    return new ArrayList<>(params.values());
  }

  /** Names of the trained parameters (everything but the data statistics). */
  List<String> trainableNames() {
    List<String> out = new ArrayList<>();
    for (String k : params.keySet()) {
      if (!k.startsWith(STAT_PREFIX)) {
        out.add(k);
      }
    }
    return out;
  }

  NDArray p(String name) {
    return params.get(name);
  }

  // ------------------------------------------------------------------ forward passes (any batch B)

  /** Encoder features (B, 3n) from joint positions and velocities (B, n) each. */
  NDArray features(NDArray q, NDArray qd) {
    return q.sin().concat(q.cos(), -1).concat(qd.div(velocityScaleNd), -1);
  }

  /** The observed part (B, 2n) of the latent for joint positions and velocities (B, n). */
  NDArray observed(NDArray q, NDArray qd) {
    return q.sub(p("norm.q_mean")).div(p("norm.q_std")).concat(qd.div(velocityScaleNd), -1);
  }

  /** Names of the encoder's parameters (the EMA target copies these). */
  static final List<String> ENCODER = List.of("enc.w1", "enc.b1", "enc.w2", "enc.b2");

  /** Learned part from features with the given encoder weights (w1, b1, w2, b2), e.g. an EMA target. */
  static NDArray encodeWith(NDArray features, List<NDArray> w) {
    NDArray h = Activation.relu(features.matMul(w.get(0)).add(w.get(1)));
    return h.matMul(w.get(2)).add(w.get(3));
  }

  /** The learned part (B, latent) of the latent. */
  NDArray encodeLearned(NDArray q, NDArray qd) {
    NDArray h = Activation.relu(features(q, qd).matMul(p("enc.w1")).add(p("enc.b1")));
    return h.matMul(p("enc.w2")).add(p("enc.b2"));
  }

  /** Latents (B, 2n + latent) from joint positions and velocities (B, n) each. */
  NDArray encode(NDArray q, NDArray qd) {
    return observed(q, qd).concat(encodeLearned(q, qd), -1);
  }

  /**
   * Every member's next latent: (M, B, S) from latents (B, S) — or (M, B, S) when each member
   * continues its own rollout — and raw actions (B, n).
   */
  NDArray predictAll(NDArray z, NDArray actions) {
    NDArray a = actions.div(actionScaleNd);
    int m = spec.members();
    int n = spec.dof();
    // a shared (B, S) latent is not copied per member: its (B, ·) inputs broadcast against the
    // members' (M, ·, ·) weights
    NDArray q = slice(z, 0, n).mul(p("norm.q_std")).add(p("norm.q_mean"));
    boolean shared = z.getShape().dimension() == 2;
    NDArray ax = shared ? a : a.expandDims(0).repeat(0, m);
    NDArray za = z.concat(ax, -1);
    NDArray in = z.concat(q.sin(), -1).concat(q.cos(), -1).concat(ax, -1);
    NDArray h1 = Activation.relu(in.matMul(p("pred.w1")).add(p("pred.b1")));
    NDArray h2 = Activation.relu(h1.batchMatMul(p("pred.w2")).add(p("pred.b2")));
    NDArray d = h2.batchMatMul(p("pred.w3")).add(p("pred.b3")).add(za.matMul(p("pred.lin")));
    return d.mul(p("norm.delta")).add(z);
  }

  /** Joint positions (rad), exact for an encoded state. */
  NDArray probeQ(NDArray z) {
    int n = spec.dof();
    return slice(z, 0, n).mul(p("norm.q_std")).add(p("norm.q_mean"));
  }

  /** Joint velocities in units of the velocity scale. */
  NDArray probeQdNormalised(NDArray z) {
    int n = spec.dof();
    return slice(z, n, 2 * n);
  }

  private static NDArray slice(NDArray z, int from, int to) {
    String lead = ":, ".repeat(z.getShape().dimension() - 1);
    return z.get(lead + from + ":" + to);
  }

  NDArray velocityScaleNd() {
    return velocityScaleNd;
  }

  NDManager manager() {
    return manager;
  }

  /** Identity of the learned part's width (for the covariance term). */
  NDArray eye() {
    if (eye == null) {
      eye = manager.eye(spec.latent());
    }
    return eye;
  }

  /** Joint velocities (rad/s), exact for an encoded state. */
  NDArray probeQd(NDArray z) {
    return probeQdNormalised(z).mul(velocityScaleNd);
  }

  /** End-effector position from the learned head. */
  NDArray probeEe(NDArray z) {
    NDArray h = Activation.relu(z.matMul(p("ee.w1")).add(p("ee.b1")));
    h = Activation.relu(h.matMul(p("ee.w2")).add(p("ee.b2")));
    return h.matMul(p("ee.w3")).add(p("ee.b3"));
  }

  static float[] toFloat(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  @Override
  public void close() {
    for (NDArray a : params.values()) {
      a.close();
    }
    velocityScaleNd.close();
    actionScaleNd.close();
    if (eye != null) {
      eye.close();
    }
  }
}
