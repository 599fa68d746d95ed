package io.telos.planner;

import io.telos.api.ObjectPose;
import io.telos.api.Observation;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import io.telos.planner.spi.ContactModel;
import io.telos.planner.spi.WorldModel;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A world model of the arm and the movable objects of its scene: any model of the arm (analytic
 * or learned) paired with a {@link ContactModel} of what the tool does to the objects — by default
 * the quasi-static analytic one ({@link QuasiStaticContact}), or one learned from experience.
 *
 * <p>State: {@code [arm state (inner.stateSize()), o_1, …, o_m]} — the arm's own state followed by
 * every scene object's state ({@code contact.width()} values, its planar centre first). Each step
 * the arm model moves the arm, the end-effector before and after the step is read by forward
 * kinematics (or the arm model's probe), and the contact model moves the objects along that tool
 * motion. The planner replans from the observed object poses at its rate, which absorbs what a
 * model leaves out.
 *
 * <p>{@link Probe#OBJECT_POSITION} reads the objects' planar centres; every other probe is the
 * inner model's; the uncertainty is the inner model's plus the contact model's ensemble spread. Not thread-safe (scratch buffers); deterministic.
 */
public final class PushingWorldModel implements WorldModel {
  /** Where an object the observation does not have is put (m, both planar axes): out of reach. */
  static final double UNSEEN_M = 1e3;
  private final WorldModel inner;
  private final ContactModel contact;
  private final int innerSize;
  private final int m;
  private final int w;
  private final List<String> names;
  private final Scene scene;
  private double[] packed = new double[0];
  private double[] packedNext = new double[0];
  private double[] eeBefore = new double[0];
  private double[] ee = new double[0];
  private double[] objects = new double[0];
  private double[] objectsNext = new double[0];
  private double[] spread = new double[0];
  private double[] lastStepStates = new double[0];
  private double[] lastStepActions = new double[0];
  private int lastStepBatch = -1;

  /**
   * The arm among {@code scene}'s objects under the analytic contact model.
   *
   * @param inner the arm's model
   * @param scene the objects (at least one) and the tool's contact radius
   */
  public PushingWorldModel(WorldModel inner, Scene scene) {
    this(inner, scene, new QuasiStaticContact(scene));
  }

  /**
   * @param inner the arm's model
   * @param scene the objects (at least one) and the tool's contact radius
   * @param contact the objects' model, built for {@code scene} (its objects in scene order)
   */
  public PushingWorldModel(WorldModel inner, Scene scene, ContactModel contact) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.contact = Objects.requireNonNull(contact, "contact");
    if (scene.isEmpty()) {
      throw new IllegalArgumentException("a pushing world model needs at least one scene object");
    }
    this.innerSize = inner.stateSize();
    this.m = scene.objects().size();
    this.names = scene.objects().stream().map(SceneObject::name).toList();
    if (!contact.objectNames().equals(names)) {
      throw new IllegalArgumentException("contact model " + contact.name() + " has objects " + contact.objectNames()
          + ", the scene " + names);
    }
    if (contact.width() < 2) {
      throw new IllegalArgumentException("contact model " + contact.name() + " has object width " + contact.width());
    }
    this.w = contact.width();
    this.scene = scene;
  }

  /** The scene this model was built from; its objects are in the state's order. */
  public Scene scene() {
    return scene;
  }

  /** The arm's model this one extends. */
  public WorldModel inner() {
    return inner;
  }

  /** The objects' model. */
  public ContactModel contact() {
    return contact;
  }

  /** Index of object {@code name} in the state and the object probe, or -1. */
  public int indexOf(String name) {
    return names.indexOf(name);
  }

  /** Where object {@code j}'s state (its planar position first) starts in a state row. */
  public int objectOffset(int j) {
    return innerSize + w * j;
  }

  @Override
  public String name() {
    return inner.name() + "+" + (contact instanceof QuasiStaticContact ? "push" : contact.name());
  }

  @Override
  public int dof() {
    return inner.dof();
  }

  @Override
  public int stateSize() {
    return innerSize + w * m;
  }

  @Override
  public double dtS() {
    return inner.dtS();
  }

  @Override
  public double actionBound(int i) {
    return inner.actionBound(i);
  }

  @Override
  public int objectCount() {
    return m;
  }

  @Override
  public List<String> objectNames() {
    return names;
  }

  /**
   * The arm's state from the inner model, then each object's state from its observed pose. An
   * object the observation does not have (occluded, not tracked) is put {@value #UNSEEN_M} m away
   * (the rest of its state 0): it is neither pushed nor counted as disturbed; a goal that needs it
   * must check that it is seen ({@link #sees}).
   */
  @Override
  public void encode(Observation observation, double[] stateOut) {
    inner.encode(observation, stateOut);
    for (int j = 0; j < m; j++) {
      ObjectPose o = observation.object(names.get(j));
      int off = innerSize + w * j;
      if (o != null && o.isFinite()) {
        contact.encode(j, o, stateOut, off);
      } else {
        Arrays.fill(stateOut, off, off + w, 0.0);
        stateOut[off] = UNSEEN_M;
        stateOut[off + 1] = UNSEEN_M;
      }
    }
  }

  /** True when {@code observation} has a finite pose of object {@code name}. */
  public static boolean sees(Observation observation, String name) {
    ObjectPose o = observation.object(name);
    return o != null && o.isFinite();
  }

  @Override
  public void step(double[] states, double[] actions, int batch, double[] next) {
    ensure(batch);
    int s = stateSize();
    int ow = w * m;
    pack(states, batch, packed);
    inner.step(packed, actions, batch, packedNext);
    inner.probe(Probe.END_EFFECTOR_POSITION, packed, batch, eeBefore);
    inner.probe(Probe.END_EFFECTOR_POSITION, packedNext, batch, ee);
    for (int b = 0; b < batch; b++) {
      System.arraycopy(states, b * s + innerSize, objects, b * ow, ow);
    }
    contact.step(eeBefore, ee, objects, batch, objectsNext);
    if (contact.hasUncertainty()) { // remembered so that uncertainty() for the same step need not step again
      lastStepStates = copy(lastStepStates, states, batch * s);
      lastStepActions = copy(lastStepActions, actions, batch * dof());
      lastStepBatch = batch;
    }
    for (int b = 0; b < batch; b++) {
      System.arraycopy(packedNext, b * innerSize, next, b * s, innerSize);
      System.arraycopy(objectsNext, b * ow, next, b * s + innerSize, ow);
    }
  }

  @Override
  public void probe(Probe probe, double[] states, int batch, double[] out) {
    int s = stateSize();
    if (probe == Probe.OBJECT_POSITION) {
      for (int b = 0; b < batch; b++) {
        for (int j = 0; j < m; j++) {
          int o = b * s + innerSize + w * j;
          out[b * 2 * m + 2 * j] = states[o];
          out[b * 2 * m + 2 * j + 1] = states[o + 1];
        }
      }
      return;
    }
    ensure(batch);
    pack(states, batch, packed);
    inner.probe(probe, packed, batch, out);
  }
  /** The arm settled as the inner model settles it; the objects where they are. */
  @Override
  public void settle(double[] states, int batch, double[] out) {
    ensure(batch);
    pack(states, batch, packed);
    inner.settle(packed, batch, packedNext);
    int s = stateSize();
    for (int b = 0; b < batch; b++) {
      System.arraycopy(packedNext, b * innerSize, out, b * s, innerSize);
      System.arraycopy(states, b * s + innerSize, out, b * s + innerSize, w * m);
    }
  }

  @Override
  public boolean separatesCommand() {
    return inner.separatesCommand();
  }

  @Override
  public void commands(double[] states, int batch, double[] positionOut, double[] velocityOut) {
    ensure(batch);
    pack(states, batch, packed);
    inner.commands(packed, batch, positionOut, velocityOut);
  }

  /** The arm's part as the inner model assimilates it; the objects from the observation, advanced by the prediction. */
  @Override
  public void assimilate(Observation observation, double[] predictedAtStamp, double[] predictedLater,
      double[] stateOut) {
    encode(observation, stateOut);
    for (int j = innerSize; j < stateSize(); j++) {
      stateOut[j] += predictedLater[j] - predictedAtStamp[j];
    }
    double[] at = Arrays.copyOf(predictedAtStamp, innerSize);
    double[] later = Arrays.copyOf(predictedLater, innerSize);
    double[] arm = new double[innerSize];
    inner.assimilate(observation, at, later, arm);
    System.arraycopy(arm, 0, stateOut, 0, innerSize);
  }

  /** The arm's command part, as the inner model corrects it (the arm's state comes first). */
  @Override
  public void assimilateCommand(double[] commandedPosition, double[] commandedVelocity, double[] reference,
      double[] stateOut) {
    inner.assimilateCommand(commandedPosition, commandedVelocity, reference, stateOut);
  }

  @Override
  public boolean hasUncertainty() {
    return inner.hasUncertainty() || contact.hasUncertainty();
  }

  /**
   * The arm model's uncertainty plus the contact model's ensemble spread for the step
   * {@link #step} made from these states and actions, in units of {@value #SPREAD_UNIT_M} m (a
   * spread of 2 cm in one step counts 1). Steps again when asked about other inputs.
   */
  @Override
  public void uncertainty(double[] states, double[] actions, int batch, double[] out) {
    ensure(batch);
    pack(states, batch, packed);
    inner.uncertainty(packed, actions, batch, out);
    if (!contact.hasUncertainty()) {
      return;
    }
    int s = stateSize();
    if (batch != lastStepBatch || !Arrays.equals(states, 0, batch * s, lastStepStates, 0, batch * s)
        || !Arrays.equals(actions, 0, batch * dof(), lastStepActions, 0, batch * dof())) {
      step(states, actions, batch, new double[batch * s]);
    }
    if (spread.length < batch) {
      spread = new double[batch];
    }
    contact.lastSpread(batch, spread);
    for (int b = 0; b < batch; b++) {
      out[b] += spread[b] / SPREAD_UNIT_M;
    }
  }

  /** The contact spread that counts as one unit of uncertainty, m. */
  static final double SPREAD_UNIT_M = 0.02;

  private static double[] copy(double[] buf, double[] src, int len) {
    double[] b = buf.length >= len ? buf : new double[len];
    System.arraycopy(src, 0, b, 0, len);
    return b;
  }

  private void pack(double[] states, int batch, double[] out) {
    int s = stateSize();
    for (int b = 0; b < batch; b++) {
      System.arraycopy(states, b * s, out, b * innerSize, innerSize);
    }
  }

  private void ensure(int batch) {
    if (packed.length < batch * innerSize || ee.length < batch * 3) {
      packed = new double[batch * innerSize];
      packedNext = new double[batch * innerSize];
      eeBefore = new double[batch * 3];
      ee = new double[batch * 3];
      objects = new double[batch * w * m];
      objectsNext = new double[batch * w * m];
    }
  }
}
