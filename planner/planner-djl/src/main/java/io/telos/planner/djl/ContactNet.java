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
 * The learned contact model's network: an ensemble of {@code members} 3-layer MLPs over one
 * object's contact features ({@link ContactFeatures}), run for every member at once by batched
 * matrix products over a leading member axis. Each member maps the features of one object at one
 * step to its displacement in the contact frame and its yaw change, in units of {@code norm.out}
 * (the spread of each output in the training data). The members' mean is the prediction, their
 * spread its uncertainty.
 */
final class ContactNet implements AutoCloseable {
  /** Shape of the network. */
  record Spec(int features, int hidden, int members, double dtS) {
    Spec {
      if (features < 1 || hidden < 4 || hidden > 4096 || members < 1 || members > 64 || !(dtS > 0)) {
        throw new IllegalArgumentException("bad contact network spec " + features + "/" + hidden + "/" + members + "/"
            + dtS);
      }
    }
  }

  /** Outputs per object and step: displacement along and across the contact frame, yaw change. */
  static final int OUTPUTS = 3;

  private final Spec spec;
  private final NDManager manager;
  private final Map<String, NDArray> params = new LinkedHashMap<>();
  private int version;

  /** New, randomly initialised (seeded) parameters with unit output scales. */
  ContactNet(NDManager manager, Spec spec, long seed) {
    this.spec = spec;
    this.manager = manager;
    Random rnd = new Random(seed);
    int f = spec.features();
    int h = spec.hidden();
    int m = spec.members();
    params.put("norm.out", manager.ones(new Shape(OUTPUTS)));
    params.put("w1", gaussian(rnd, new Shape(m, f, h), Math.sqrt(2.0 / f)));
    params.put("b1", manager.zeros(new Shape(m, 1, h), DataType.FLOAT32));
    params.put("w2", gaussian(rnd, new Shape(m, h, h), Math.sqrt(2.0 / h)));
    params.put("b2", manager.zeros(new Shape(m, 1, h), DataType.FLOAT32));
    params.put("w3", gaussian(rnd, new Shape(m, h, OUTPUTS), 0.1 / Math.sqrt(h)));
    params.put("b3", manager.zeros(new Shape(m, 1, OUTPUTS), DataType.FLOAT32));
  }

  /** Values in each parameter tensor of a network of {@code spec}, in {@link #names()} order. */
  static long[] parameterSizes(Spec spec) {
    long f = spec.features();
    long h = spec.hidden();
    long m = spec.members();
    return new long[] {OUTPUTS, m * f * h, m * h, m * h * h, m * h, m * h * OUTPUTS, m * OUTPUTS};
  }

  private NDArray gaussian(Random rnd, Shape s, double std) {
    float[] v = new float[(int) s.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (rnd.nextGaussian() * std);
    }
    return manager.create(v, s);
  }

  Spec spec() {
    return spec;
  }

  NDManager manager() {
    return manager;
  }

  /** Parameter names in file order. */
  List<String> names() {
    return new ArrayList<>(params.keySet());
  }

  /** The trainable parameters' names (all but the output scale). */
  List<String> trainableNames() {
    return names().stream().filter(n -> !n.startsWith("norm.")).toList();
  }

  NDArray p(String name) {
    return params.get(name);
  }

  /** Replaces parameter {@code name} with {@code values} (same size). */
  void set(String name, float[] values) {
    NDArray old = params.get(name);
    if (old == null || old.size() != values.length) {
      throw new IllegalArgumentException("parameter " + name + " has " + values.length + " values, the network needs "
          + (old == null ? "none" : old.size()));
    }
    params.put(name, manager.create(values, old.getShape()));
    old.close();
  }

  /** The output scale ({@code norm.out}). */
  float[] outScale() {
    return params.get("norm.out").toFloatArray();
  }

  int version() {
    return version;
  }

  void setVersion(int v) {
    this.version = v;
  }

  /**
   * Every member's output for a batch of feature rows: {@code x} is {@code (B, F)}, the result
   * {@code (M, B, 3)} in output-scale units.
   */
  NDArray forward(NDArray x) {
    NDArray h1 = Activation.relu(x.matMul(params.get("w1")).add(params.get("b1")));
    NDArray h2 = Activation.relu(h1.matMul(params.get("w2")).add(params.get("b2")));
    return h2.matMul(params.get("w3")).add(params.get("b3"));
  }

  @Override
  public void close() {
    for (NDArray a : params.values()) {
      a.close();
    }
    params.clear();
  }
}
