package io.telos.planner.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.telos.api.Observation;
import io.telos.model.KinematicChain;
import io.telos.planner.AnalyticWorldModel;
import io.telos.planner.spi.WorldModel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The learned world model behind the {@link WorldModel} port: the state is the latent (observed
 * joint state, normalised, followed by the encoder's learned part),
 * {@link #step} is the ensemble mean of the action-conditioned predictors, {@link #probe} the
 * probe heads and {@link #uncertainty} the ensemble's disagreement (mean variance of the members'
 * next latents). Every call is one batched pass over the whole batch; {@link #uncertainty} after
 * {@link #step} on the same inputs (the planner's order) reuses that pass. Joint probes read the
 * observed part of the state directly and the end-effector probe (with a chain) is its forward
 * kinematics, all without a network pass; the learned end-effector head is cached per state buffer.
 */
public final class DjlWorldModel implements WorldModel, AutoCloseable {
  private final NDManager manager;
  private final LatentModel model;
  private final int n;
  private final int l;
  private final double[] bounds;
  private final String source;
  private final KinematicChain chain;
  private final KinematicChain.Scratch fkScratch;
  private final double[] fkQ;
  private final double[] fkP = new double[3];
  // scratch
  private float[] fs = new float[0];
  private float[] fa = new float[0];
  private double[] lastStates = new double[0];
  private double[] lastActions = new double[0];
  private double[] lastDisagreement = new double[0];
  private int lastBatch = -1;
  private double[] probeKey = new double[0];
  private int probeBatch = -1;
  private float[] pee = new float[0];
  private final double[] qMean;
  private final double[] qStd;
  private final double[] velocityScale;

  DjlWorldModel(NDManager manager, LatentModel model, double[] actionBounds, String source,
      KinematicChain chain) {
    this.chain = chain;
    this.fkScratch = chain == null ? null : chain.newScratch();
    this.fkQ = new double[model.spec().dof()];
    this.manager = manager;
    this.model = model;
    this.n = model.spec().dof();
    this.l = model.spec().state();
    this.qMean = values(model.p("norm.q_mean"));
    this.qStd = values(model.p("norm.q_std"));
    this.velocityScale = model.velocityScale();
    // the arm's bounds, narrowed to the commands the model was trained on
    double[] seen = model.actionMax();
    this.bounds = actionBounds.clone();
    for (int i = 0; i < n; i++) {
      bounds[i] = Math.min(bounds[i], seen[i]);
    }
    this.source = source;
  }

  /**
   * Loads a model file for an arm with {@code actionBounds.length} joints planning at {@code dtS}.
   *
   * @throws ModelFileException when the file is unusable or made for another arm or model step
   */
  public static DjlWorldModel load(Path file, double[] actionBounds, double dtS) {
    return load(file, actionBounds, dtS, null);
  }

  /**
   * Loads a model file; with a {@code chain}, the end-effector probe is the forward kinematics of
   * the joint-position head instead of the learned end-effector head.
   *
   * @throws ModelFileException when the file is unusable or made for another arm or model step
   */
  public static DjlWorldModel load(Path file, double[] actionBounds, double dtS, KinematicChain chain) {
    NDManager m = DjlEngine.get().newBaseManager();
    try {
      LatentModel lm = ModelFile.read(file, m);
      check(file, lm.spec(), actionBounds.length, dtS);
      if (chain != null && chain.dof() != actionBounds.length) {
        throw new ModelFileException("kinematic chain has " + chain.dof() + " joints, the arm " + actionBounds.length);
      }
      return new DjlWorldModel(m, lm, actionBounds, file.toString(), chain);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** Wraps a trained model (takes ownership of its manager). */
  public static DjlWorldModel of(LatentModel model, double[] actionBounds) {
    check(Path.of("<memory>"), model.spec(), actionBounds.length, model.spec().dtS());
    return new DjlWorldModel(model.manager(), model, actionBounds, "<memory>", null);
  }

  private static void check(Path file, LatentModel.Spec spec, int dof, double dtS) {
    if (spec.dof() != dof) {
      throw new ModelFileException("model file " + file + " was trained for " + spec.dof() + " joints, the arm has "
          + dof);
    }
    if (Math.abs(spec.dtS() - dtS) > 1e-9) {
      throw new ModelFileException("model file " + file + " steps " + spec.dtS() + " s, the planner asks for " + dtS
          + " s");
    }
  }

  /** The network. */
  public LatentModel network() {
    return model;
  }

  /** Where it was loaded from. */
  public String source() {
    return source;
  }

  @Override
  public String name() {
    return "learned-v" + model.version();
  }

  @Override
  public int dof() {
    return n;
  }

  @Override
  public int stateSize() {
    return l;
  }

  @Override
  public double dtS() {
    return model.spec().dtS();
  }

  @Override
  public double actionBound(int i) {
    return bounds[i];
  }

  @Override
  public boolean hasUncertainty() {
    return model.spec().members() > 1;
  }

  @Override
  public void encode(Observation observation, double[] stateOut) {
    int nv = AnalyticWorldModel.checkJoints(observation, n);
    float[] q = new float[n];
    float[] qd = new float[n];
    for (int i = 0; i < n; i++) {
      q[i] = (float) observation.position().get(i);
      qd[i] = nv == 0 ? 0f : (float) observation.velocity().get(i);
    }
    try (NDManager sub = manager.newSubManager()) {
      NDArray z = model.encode(sub.create(q, new Shape(1, n)), sub.create(qd, new Shape(1, n)));
      float[] out = z.toFloatArray();
      for (int i = 0; i < l; i++) {
        stateOut[i] = out[i];
      }
    }
  }

  @Override
  public void step(double[] states, double[] actions, int batch, double[] next) {
    fs = fill(fs, states, batch * l);
    fa = fill(fa, actions, batch * n);
    float[] mean;
    float[] var;
    try (NDManager sub = manager.newSubManager()) {
      NDArray all = model.predictAll(sub.create(Arrays.copyOf(fs, batch * l), new Shape(batch, l)),
          sub.create(Arrays.copyOf(fa, batch * n), new Shape(batch, n)));
      NDArray mu = all.mean(new int[] {0});
      NDArray dis = all.sub(mu.expandDims(0)).square().mean(new int[] {0}).mean(new int[] {1});
      mean = mu.toFloatArray();
      var = dis.toFloatArray();
    }
    for (int i = 0; i < batch * l; i++) {
      next[i] = mean[i];
    }
    if (lastDisagreement.length < batch) {
      lastDisagreement = new double[batch];
    }
    for (int b = 0; b < batch; b++) {
      lastDisagreement[b] = var[b];
    }
    lastStates = copy(lastStates, states, batch * l);
    lastActions = copy(lastActions, actions, batch * n);
    lastBatch = batch;
  }

  @Override
  public void uncertainty(double[] states, double[] actions, int batch, double[] out) {
    if (batch != lastBatch || !Arrays.equals(states, 0, batch * l, lastStates, 0, batch * l)
        || !Arrays.equals(actions, 0, batch * n, lastActions, 0, batch * n)) {
      double[] scratch = new double[batch * l];
      step(states, actions, batch, scratch);
    }
    System.arraycopy(lastDisagreement, 0, out, 0, batch);
  }

  @Override
  public void probe(Probe probe, double[] states, int batch, double[] out) {
    // joint positions and velocities are the observed part of the state, de-normalised: no network pass
    if (probe == Probe.JOINT_POSITION || probe == Probe.JOINT_VELOCITY) {
      boolean pos = probe == Probe.JOINT_POSITION;
      for (int b = 0; b < batch; b++) {
        for (int i = 0; i < n; i++) {
          out[b * n + i] = pos ? jointPosition(states, b, i) : states[b * l + n + i] * velocityScale[i];
        }
      }
      return;
    }
    if (chain != null) {
      for (int b = 0; b < batch; b++) {
        for (int i = 0; i < n; i++) {
          fkQ[i] = jointPosition(states, b, i);
        }
        chain.forwardPosition(fkQ, fkP, fkScratch);
        out[3 * b] = fkP[0];
        out[3 * b + 1] = fkP[1];
        out[3 * b + 2] = fkP[2];
      }
      return;
    }
    if (batch != probeBatch || !Arrays.equals(states, 0, batch * l, probeKey, 0, batch * l)) {
      fs = fill(fs, states, batch * l);
      try (NDManager sub = manager.newSubManager()) {
        NDArray z = sub.create(Arrays.copyOf(fs, batch * l), new Shape(batch, l));
        pee = model.probeEe(z).toFloatArray();
      }
      probeKey = copy(probeKey, states, batch * l);
      probeBatch = batch;
    }
    for (int i = 0; i < 3 * batch; i++) {
      out[i] = pee[i];
    }
  }

  private double jointPosition(double[] states, int b, int i) {
    return states[b * l + i] * qStd[i] + qMean[i];
  }

  private static double[] values(NDArray a) {
    float[] f = a.toFloatArray();
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private static float[] fill(float[] buf, double[] src, int len) {
    float[] b = buf.length >= len ? buf : new float[len];
    for (int i = 0; i < len; i++) {
      b[i] = (float) src[i];
    }
    return b;
  }

  private static double[] copy(double[] buf, double[] src, int len) {
    double[] b = buf.length >= len ? buf : new double[len];
    System.arraycopy(src, 0, b, 0, len);
    return b;
  }

  @Override
  public void close() {
    model.close();
    manager.close();
  }
}
