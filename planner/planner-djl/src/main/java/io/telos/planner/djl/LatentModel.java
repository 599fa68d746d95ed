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
 * member axis):
 *
 * <ul>
 *   <li><b>encoder</b> {@code z = E(φ(o))}: observation features {@code φ = [sin q, cos q,
 *       qd / vmax]} → 2-layer MLP → latent {@code z} (width {@link Spec#latent()});
 *   <li><b>predictor ensemble</b> {@code z' = z + P_m(z, a / bound)}, m = 1..M, residual 3-layer
 *       MLPs; the model's next latent is the members' mean and their spread its uncertainty;
 *   <li><b>probe heads</b> read what the costs need out of a latent: joint positions and
 *       velocities (linear), end-effector position (small MLP).
 * </ul>
 *
 * Trained JEPA-style ({@link Trainer}): the predictor is fitted in latent space to the encoder's
 * latent of the observed next state (stop-gradient target), with VICReg variance and covariance
 * terms keeping the latent from collapsing, and the probes fitted on encoded and predicted latents.
 */
public final class LatentModel implements AutoCloseable {
  /** Shape of the network. */
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
  }

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

  /** New, randomly initialised parameters (seeded). */
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
    int h = spec.hidden();
    int m = spec.members();
    int n = spec.dof();
    put("enc.w1", glorot(rnd, new Shape(f, h)));
    put("enc.b1", zeros(new Shape(h)));
    put("enc.w2", glorot(rnd, new Shape(h, l)));
    put("enc.b2", zeros(new Shape(l)));
    put("pred.w1", glorot(rnd, new Shape(m, l + n, h)));
    put("pred.b1", zeros(new Shape(m, 1, h)));
    put("pred.w2", glorot(rnd, new Shape(m, h, h)));
    put("pred.b2", zeros(new Shape(m, 1, h)));
    put("pred.w3", scaled(rnd, new Shape(m, h, l), 0.1));
    put("pred.b3", zeros(new Shape(m, 1, l)));
    put("q.w", glorot(rnd, new Shape(l, n)));
    put("q.b", zeros(new Shape(n)));
    put("qd.w", glorot(rnd, new Shape(l, n)));
    put("qd.b", zeros(new Shape(n)));
    put("ee.w1", glorot(rnd, new Shape(l, 64)));
    put("ee.b1", zeros(new Shape(64)));
    put("ee.w2", glorot(rnd, new Shape(64, 3)));
    put("ee.b2", zeros(new Shape(3)));
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

  /** The parameter tensors (live: training updates them in place). */
  List<NDArray> parameters() {
    return new ArrayList<>(params.values());
  }

  NDArray p(String name) {
    return params.get(name);
  }

  // ------------------------------------------------------------------ forward passes (any batch B)

  /** Features (B, 3n) from joint positions and velocities (B, n) each. */
  NDArray features(NDArray q, NDArray qd) {
    return q.sin().concat(q.cos(), -1).concat(qd.div(velocityScaleNd), -1);
  }

  /** Names of the encoder's parameters (the EMA target copies these). */
  static final List<String> ENCODER = List.of("enc.w1", "enc.b1", "enc.w2", "enc.b2");

  /** Latents from features with the given encoder weights (w1, b1, w2, b2), e.g. an EMA target. */
  static NDArray encodeWith(NDArray features, List<NDArray> w) {
    NDArray h = Activation.relu(features.matMul(w.get(0)).add(w.get(1)));
    return h.matMul(w.get(2)).add(w.get(3));
  }

  /** Latents (B, L) from features (B, 3n). */
  NDArray encode(NDArray features) {
    NDArray h = Activation.relu(features.matMul(p("enc.w1")).add(p("enc.b1")));
    return h.matMul(p("enc.w2")).add(p("enc.b2"));
  }

  /**
   * Every member's next latent: (M, B, L) from latents (B, L) — or (M, B, L) when each member
   * continues its own rollout — and raw actions (B, n).
   */
  NDArray predictAll(NDArray z, NDArray actions) {
    NDArray a = actions.div(actionScaleNd);
    int m = spec.members();
    NDArray zm = z.getShape().dimension() == 2 ? z.expandDims(0).repeat(0, m) : z;
    NDArray am = a.expandDims(0).repeat(0, m);
    NDArray in = zm.concat(am, 2);
    NDArray h1 = Activation.relu(in.batchMatMul(p("pred.w1")).add(p("pred.b1")));
    NDArray h2 = Activation.relu(h1.batchMatMul(p("pred.w2")).add(p("pred.b2")));
    return zm.add(h2.batchMatMul(p("pred.w3")).add(p("pred.b3")));
  }

  NDArray probeQ(NDArray z) {
    return z.matMul(p("q.w")).add(p("q.b"));
  }

  /** Joint velocities in units of the velocity scale (what training fits). */
  NDArray probeQdNormalised(NDArray z) {
    return z.matMul(p("qd.w")).add(p("qd.b"));
  }

  NDArray velocityScaleNd() {
    return velocityScaleNd;
  }

  NDManager manager() {
    return manager;
  }

  /** Identity of the latent width (for the covariance term). */
  NDArray eye() {
    if (eye == null) {
      eye = manager.eye(spec.latent());
    }
    return eye;
  }

  /** Joint velocities (rad/s): the head predicts them in units of the velocity scale. */
  NDArray probeQd(NDArray z) {
    return z.matMul(p("qd.w")).add(p("qd.b")).mul(velocityScaleNd);
  }

  NDArray probeEe(NDArray z) {
    NDArray h = Activation.relu(z.matMul(p("ee.w1")).add(p("ee.b1")));
    return h.matMul(p("ee.w2")).add(p("ee.b2"));
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
