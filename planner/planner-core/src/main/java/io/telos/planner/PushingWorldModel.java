package io.telos.planner;

import io.telos.api.ObjectPose;
import io.telos.api.Observation;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import io.telos.planner.spi.WorldModel;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A world model of the arm and the movable objects of its scene: any model of the arm (analytic
 * or learned) plus a quasi-static contact model of the tool pushing upright cylinders across the
 * support plane.
 *
 * <p>State: {@code [arm state (inner.stateSize()), x_1, y_1, …, x_m, y_m]} — the arm's own state
 * followed by the planar centre of every scene object. After each arm step the tool's contact
 * sphere (radius {@code r_t}, centred at the end-effector) is compared with each object: where the
 * sphere reaches below the object's top and overlaps its footprint, the object is moved along the
 * line from the tool's centre through its own centre until they just touch
 * ({@link SceneObject#pushedBy}). This is the sticking-
 * free, quasi-static limit of pushing — objects move only while touched and where they are pushed,
 * with no sliding after release and no rotation — the usual first-order model of planar pushing;
 * the planner replans from the observed object pose at its rate, which absorbs what it leaves out
 * (friction at the contact, the object sliding on after the tool stops). Objects do not push each
 * other in the model.
 *
 * <p>{@link Probe#OBJECT_POSITION} reads the objects; every other probe and the uncertainty are the
 * inner model's. Not thread-safe (scratch buffers); deterministic.
 */
public final class PushingWorldModel implements WorldModel {
  /** Where an object the observation does not have is put (m, both planar axes): out of reach. */
  static final double UNSEEN_M = 1e3;
  private final WorldModel inner;
  private final int innerSize;
  private final int m;
  private final List<String> names;
  private final double toolRadius;
  private final Scene scene;
  private double[] packed = new double[0];
  private double[] packedNext = new double[0];
  private double[] ee = new double[0];
  private final double[] pushed = new double[2];
  private final List<SceneObject> objects;

  /**
   * @param inner the arm's model
   * @param scene the objects (at least one) and the tool's contact radius
   */
  public PushingWorldModel(WorldModel inner, Scene scene) {
    this.inner = Objects.requireNonNull(inner, "inner");
    if (scene.isEmpty()) {
      throw new IllegalArgumentException("a pushing world model needs at least one scene object");
    }
    this.innerSize = inner.stateSize();
    this.m = scene.objects().size();
    this.names = scene.objects().stream().map(SceneObject::name).toList();
    this.toolRadius = scene.toolRadiusM();
    this.scene = scene;
    this.objects = scene.objects();
  }

  /** The scene this model was built from; its objects are in the state's order. */
  public Scene scene() {
    return scene;
  }

  /** The arm's model this one extends. */
  public WorldModel inner() {
    return inner;
  }

  /** Index of object {@code name} in the state and the object probe, or -1. */
  public int indexOf(String name) {
    return names.indexOf(name);
  }

  @Override
  public String name() {
    return inner.name() + "+push";
  }

  @Override
  public int dof() {
    return inner.dof();
  }

  @Override
  public int stateSize() {
    return innerSize + 2 * m;
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
   * The arm's state from the inner model, then each object's observed planar position. An object
   * the observation does not have (occluded, not tracked) is put {@value #UNSEEN_M} m away: it
   * is neither pushed nor counted as disturbed; a goal that needs it must check that it is seen
   * ({@link #sees}).
   */
  @Override
  public void encode(Observation observation, double[] stateOut) {
    inner.encode(observation, stateOut);
    for (int j = 0; j < m; j++) {
      ObjectPose o = observation.object(names.get(j));
      boolean seen = o != null && o.isFinite();
      stateOut[innerSize + 2 * j] = seen ? o.xM() : UNSEEN_M;
      stateOut[innerSize + 2 * j + 1] = seen ? o.yM() : UNSEEN_M;
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
    pack(states, batch, packed);
    inner.step(packed, actions, batch, packedNext);
    inner.probe(Probe.END_EFFECTOR_POSITION, packedNext, batch, ee);
    for (int b = 0; b < batch; b++) {
      System.arraycopy(packedNext, b * innerSize, next, b * s, innerSize);
      double tx = ee[3 * b];
      double ty = ee[3 * b + 1];
      double tz = ee[3 * b + 2];
      for (int j = 0; j < m; j++) {
        int o = b * s + innerSize + 2 * j;
        objects.get(j).pushedBy(tx, ty, tz, toolRadius, states[o], states[o + 1], pushed);
        next[o] = pushed[0];
        next[o + 1] = pushed[1];
      }
    }
  }

  /**
   * Planar distance between the tool's centre and object {@code j}'s axis below which they touch,
   * for the tool's centre at height {@code tz}; 0 when the sphere passes above the object.
   */
  double contactRadius(int j, double tz) {
    return objects.get(j).contactRadius(tz, toolRadius);
  }

  @Override
  public void probe(Probe probe, double[] states, int batch, double[] out) {
    int s = stateSize();
    if (probe == Probe.OBJECT_POSITION) {
      for (int b = 0; b < batch; b++) {
        System.arraycopy(states, b * s + innerSize, out, b * 2 * m, 2 * m);
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
      System.arraycopy(states, b * s + innerSize, out, b * s + innerSize, 2 * m);
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
    return inner.hasUncertainty();
  }

  @Override
  public void uncertainty(double[] states, double[] actions, int batch, double[] out) {
    ensure(batch);
    pack(states, batch, packed);
    inner.uncertainty(packed, actions, batch, out);
  }

  private void pack(double[] states, int batch, double[] out) {
    int s = stateSize();
    for (int b = 0; b < batch; b++) {
      System.arraycopy(states, b * s, out, b * innerSize, innerSize);
    }
  }

  private void ensure(int batch) {
    if (packed.length < batch * innerSize) {
      packed = new double[batch * innerSize];
      packedNext = new double[batch * innerSize];
      ee = new double[batch * 3];
    }
  }
}
