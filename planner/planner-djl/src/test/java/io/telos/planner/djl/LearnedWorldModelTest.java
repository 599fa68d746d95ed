package io.telos.planner.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.telos.planner.spi.WorldModel.Probe;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The learned model on the PyTorch engine, trained briefly on a 2-joint arm.
 *
 * <p>Opt-in ({@code mvn -pl planner/planner-djl test -Dgroups=learning -Dtelos.excluded.groups=}): short training runs
 * are not bit-reproducible on the PyTorch CPU engine and about one in four diverges or ends with an
 * ensemble that does not spread out of distribution, so this class is kept out of the default
 * build until training is stable. File handling and hot swap ({@code ModelFileAndSwapTest}) and the
 * whole learning loop ({@code LearningLoopTest} in launch) run in every build.
 */
@org.junit.jupiter.api.Tag("learning")
class LearnedWorldModelTest {
  static final Trainer.Config SMALL = new Trainer.Config(16, 64, 3, 4, 128, 1500, 3e-3, 7L);
  static List<Trainer.Progress> curve = new ArrayList<>();
  static DjlWorldModel model;
  static List<Trajectory> heldOut;
  static double[] bounds;
  static final int S = 2 * 2 + 16;

  @BeforeAll
  static void train() {
    List<Trajectory> data = Synthetic.trajectories(Synthetic.PLANAR2, 24, 60, 0.6, 1);
    heldOut = Synthetic.trajectories(Synthetic.PLANAR2, 4, 40, 0.6, 99);
    bounds = Synthetic.PLANAR2.limits().velocity();
    NDManager m = DjlEngine.get().newBaseManager();
    LatentModel net = Trainer.train(m, data, Synthetic.DT, bounds, bounds, SMALL, curve, null);
    model = DjlWorldModel.of(net, bounds);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void trainingReducesTheLoss() {
    double first = curve.subList(0, 20).stream().mapToDouble(Trainer.Progress::loss).average().orElseThrow();
    double last = curve.subList(curve.size() - 20, curve.size()).stream().mapToDouble(Trainer.Progress::loss)
        .average().orElseThrow();
    System.out.println("[learned] loss " + first + " -> " + last);
    assertTrue(last < 0.3 * first, "loss " + first + " -> " + last);
  }

  @Test
  void predictsTheEndEffectorOnHeldOutEpisodes() {
    Trainer.Validation v = Trainer.validate(model.network(), heldOut, 4, null);
    assertTrue(v.windows() > 100);
    // the arm reaches ~0.6 m; an untrained probe is off by tens of centimetres
    assertTrue(v.ee1Median() < 0.05, "1-step median " + v.ee1Median());
  }

  @Test
  void implementsThePortContract() {
    assertEquals(2, model.dof());
    // observed part [q, qd] (2 × 2) followed by the learned part (16)
    assertEquals(S, model.stateSize());
    assertEquals(Synthetic.DT, model.dtS());
    assertTrue(model.hasUncertainty());
    double[] s0 = new double[S];
    model.encode(Synthetic.observation(new double[] {0.1, -0.2}, new double[] {0, 0}), s0);
    int batch = 5;
    double[] states = new double[batch * S];
    double[] actions = new double[batch * 2];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(s0, 0, states, b * S, S);
      actions[2 * b] = 0.1 * b;
      actions[2 * b + 1] = -0.1 * b;
    }
    double[] next1 = new double[batch * S];
    double[] next2 = new double[batch * S];
    model.step(states, actions, batch, next1);
    model.step(states, actions, batch, next2);
    assertArrayEquals(next1, next2, 0.0, "deterministic");
    double[] u = new double[batch];
    model.uncertainty(states, actions, batch, u);
    for (double x : u) {
      assertTrue(x >= 0 && Double.isFinite(x));
    }
    double[] q = new double[batch * 2];
    double[] ee = new double[batch * 3];
    model.probe(Probe.JOINT_POSITION, states, batch, q);
    model.probe(Probe.END_EFFECTOR_POSITION, states, batch, ee);
    // the joint probe of an encoded state is exact (the observed part is the normalised joint state)
    assertEquals(0.1, q[0], 1e-5);
    assertEquals(-0.2, q[1], 1e-5);
    // a positive command on joint 0 moves joint 0 up
    double[] qn = new double[batch * 2];
    model.probe(Probe.JOINT_POSITION, next1, batch, qn);
    assertTrue(qn[2 * 4] > qn[0], "action moves the prediction " + qn[0] + " -> " + qn[8]);
    assertThrows(IllegalArgumentException.class,
        () -> model.encode(Synthetic.observation(new double[] {0.1, 0.2, 0.3}, new double[0]), s0));
  }

  @Test
  void isLessSureFarFromTheTrainingData() {
    double near = meanUncertainty(0.6, 11);
    double far = meanUncertainty(2.8, 12);
    assertTrue(far > 1.5 * near, "near " + near + " far " + far);
  }

  private static double meanUncertainty(double around, long seed) {
    java.util.Random rnd = new java.util.Random(seed);
    int batch = 64;
    double[] states = new double[batch * S];
    double[] actions = new double[batch * 2];
    double[] s = new double[S];
    for (int b = 0; b < batch; b++) {
      double sign = rnd.nextBoolean() ? 1 : -1;
      double[] q = {sign * (around - 0.2 * rnd.nextDouble()), (rnd.nextDouble() * 2 - 1) * Math.min(around, 0.6)};
      model.encode(Synthetic.observation(q, new double[] {0, 0}), s);
      System.arraycopy(s, 0, states, b * S, S);
      actions[2 * b] = (rnd.nextDouble() * 2 - 1) * 0.3 * bounds[0];
      actions[2 * b + 1] = (rnd.nextDouble() * 2 - 1) * 0.3 * bounds[1];
    }
    double[] u = new double[batch];
    model.uncertainty(states, actions, batch, u);
    return java.util.Arrays.stream(u).average().orElseThrow();
  }
}
