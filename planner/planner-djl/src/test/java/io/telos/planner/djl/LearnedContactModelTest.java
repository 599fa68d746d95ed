package io.telos.planner.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.telos.api.ObjectPose;
import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import io.telos.planner.Planners;
import io.telos.planner.spi.ContactModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learned contact model on pushes whose physics the analytic model leaves out: a puck that is
 * pushed quasi-statically while touched and then slides on, decelerating by Coulomb friction,
 * after the tool stops (generated here by a small kinematic simulation, 1 ms substeps).
 */
class LearnedContactModelTest {
  private static final double DT = 0.05;
  private static final SceneObject PUCK = new SceneObject("puck", 0.04, 0.06, 0.3, 0.15, 0.5, 0.0);
  private static final Scene SCENE = new Scene(0.02, List.of(PUCK));

  @TempDir
  Path dir;

  /** One push from a random side at a random speed, the tool stopping dead; the puck slides on. */
  static PushTrajectory slidingPush(Random rnd, String id) {
    double a = rnd.nextDouble() * 2 * Math.PI;
    double ux = Math.cos(a);
    double uy = Math.sin(a);
    double speed = 0.1 + 0.3 * rnd.nextDouble();
    double length = 0.04 + 0.08 * rnd.nextDouble();
    double reach = PUCK.radiusM() + SCENE.toolRadiusM();
    double px = PUCK.xM();
    double py = PUCK.yM();
    double tx = px - (reach + 0.02) * ux;
    double ty = py - (reach + 0.02) * uy;
    double vx = 0;
    double vy = 0;
    int steps = 40;
    double[][] tool = new double[steps + 1][];
    double[][][] poses = new double[steps + 1][1][];
    double travelled = 0;
    double decel = PUCK.friction() * 9.81;
    for (int k = 0; k <= steps; k++) {
      tool[k] = new double[] {tx, ty, 0.03};
      poses[k][0] = new double[] {px, py, 0};
      for (int sub = 0; k < steps && sub < 50; sub++) {
        double h = 0.001;
        boolean moving = travelled < length + 0.02;
        if (moving) {
          tx += speed * ux * h;
          ty += speed * uy * h;
          travelled += speed * h;
        }
        double v = Math.hypot(vx, vy);
        if (v > 0) {
          double nv = Math.max(0, v - decel * h);
          vx *= nv / v;
          vy *= nv / v;
        }
        px += vx * h;
        py += vy * h;
        double dx = px - tx;
        double dy = py - ty;
        double d = Math.hypot(dx, dy);
        if (d < reach) {
          px = tx + dx * reach / d;
          py = ty + dy * reach / d;
          if (moving) {
            double along = (speed * ux * dx + speed * uy * dy) / d;
            vx = Math.max(along, 0) * dx / d;
            vy = Math.max(along, 0) * dy / d;
          }
        }
      }
    }
    return new PushTrajectory(id, SCENE, DT, tool, poses);
  }

  static List<PushTrajectory> pushes(long seed, int count) {
    Random rnd = new Random(seed);
    List<PushTrajectory> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(slidingPush(rnd, "p" + i));
    }
    return out;
  }

  @Test
  void learnsTheSlideTheAnalyticModelLeavesOut() throws Exception {
    try (NDManager m = DjlEngine.get().newBaseManager();
        ContactTrainer.Trained t = ContactTrainer.train(m, pushes(1, 60), DT,
            ContactTrainer.Config.defaults().withSteps(1500), null, null)) {
      ContactTrainer.Validation v = t.validate(pushes(2, 15), 16);
      assertTrue(v.windows() > 20, "windows with a moving puck: " + v.windows());
      assertTrue(v.learnedMedianM() < 0.5 * v.analyticMedianM(),
          "learned " + v.learnedMedianM() + " vs analytic " + v.analyticMedianM());
      assertTrue(v.learnedP90M() < v.analyticP90M(), "p90 learned " + v.learnedP90M() + " vs " + v.analyticP90M());
      assertTrue(v.analyticMedianM() > 0.003, "the slide is there to be learned: " + v.analyticMedianM());
    }
  }

  @Test
  void sameDataAndSeedGiveTheSameModel() {
    List<Double> a = new ArrayList<>();
    List<Double> b = new ArrayList<>();
    ContactTrainer.Validation va;
    ContactTrainer.Validation vb;
    try (NDManager m = DjlEngine.get().newBaseManager();
        ContactTrainer.Trained t1 = ContactTrainer.train(m, pushes(3, 10), DT,
            ContactTrainer.Config.defaults().withSteps(60), a, null);
        ContactTrainer.Trained t2 = ContactTrainer.train(m, pushes(3, 10), DT,
            ContactTrainer.Config.defaults().withSteps(60), b, null)) {
      va = t1.validate(pushes(4, 3), 16);
      vb = t2.validate(pushes(4, 3), 16);
    }
    assertEquals(a, b, "loss curves");
    assertEquals(va, vb);
  }

  @Test
  void refusesNonFiniteDataAndDataWithoutContact() {
    double[][] tool = {{0.5, 0, 0.03}, {Double.NaN, 0, 0.03}};
    double[][][] poses = {{{0.5, 0, 0}}, {{0.5, 0, 0}}};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PushTrajectory("bad", SCENE, DT, tool, poses));
    assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
    double[][] far = {{0.0, 0.3, 0.2}, {0.0, 0.31, 0.2}, {0.0, 0.32, 0.2}};
    double[][][] rest = {{{0.5, 0, 0}}, {{0.5, 0, 0}}, {{0.5, 0, 0}}};
    try (NDManager m = DjlEngine.get().newBaseManager()) {
      IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> ContactTrainer.train(m,
          List.of(new PushTrajectory("far", SCENE, DT, far, rest)), DT, ContactTrainer.Config.defaults(), null,
          null));
      assertTrue(none.getMessage().contains("nothing to learn"), none.getMessage());
    }
  }

  @Test
  void savedModelPlansThroughTheLaunchFileAndLeavesUntouchedObjectsExactlyAlone() throws Exception {
    Path file = dir.resolve("contact.tcm");
    try (NDManager m = DjlEngine.get().newBaseManager();
        ContactTrainer.Trained t = ContactTrainer.train(m, pushes(5, 10), DT,
            ContactTrainer.Config.defaults().withSteps(100), null, null)) {
      t.write(file, 3, Map.of("note", "test"));
    }
    Scene two = new Scene(0.02, List.of(PUCK, new SceneObject("box", 0.05, 0.05, 0.5, 0.5, 0.3, 0.2)));
    ContactModel c = Planners.contactModel(two, DT, new Settings("planner",
        Map.of("contact_model", Map.of("type", "learned", "path", file.toString()))));
    LearnedContactModel learned = assertInstanceOf(LearnedContactModel.class, c);
    assertEquals(3, learned.version());
    assertEquals(List.of("puck", "box"), c.objectNames());
    double[] state = new double[12];
    c.encode(0, new ObjectPose("puck", 0.5, 0.0, 0.03, 0.2, 1_000_000_000L), state, 0);
    c.encode(1, new ObjectPose("box", 0.3, 0.2, 0.025, 0.0, 1_000_000_000L), state, 6);
    c.encode(0, new ObjectPose("puck", 0.501, 0.0, 0.03, 0.2, 1_050_000_000L), state, 0);
    assertEquals(0.02, state[3], 1e-9, "velocity from the pose one step earlier");
    // sample 0: tool far from both; sample 1: tool pushes into the puck
    double[] before = {0.0, -0.4, 0.3, 0.44, 0.0, 0.03};
    double[] after = {0.0, -0.41, 0.3, 0.46, 0.0, 0.03};
    double[] objects = new double[24];
    System.arraycopy(state, 0, objects, 0, 12);
    System.arraycopy(state, 0, objects, 12, 12);
    objects[3] = 0; // sample 0: the puck at rest
    double[] next = new double[24];
    c.step(before, after, objects, 2, next);
    assertArrayEquals(new double[] {0.501, 0.0, 0.2, 0, 0, 0}, Arrays.copyOfRange(next, 0, 6), 0.0,
        "untouched and at rest: exactly where it was");
    assertArrayEquals(new double[] {0.3, 0.2, 0.0, 0, 0, 0}, Arrays.copyOfRange(next, 18, 24), 0.0,
        "the box is nowhere near the tool");
    assertTrue(next[12] > 0.501, "pushed along +x: " + next[12]);
    assertTrue(c.hasUncertainty(), "an ensemble of 3");
    double[] spread = new double[2];
    c.lastSpread(2, spread);
    assertEquals(0.0, spread[0], 0.0, "nothing touched: nothing to disagree about");
    assertTrue(spread[1] > 0 && spread[1] < 0.05, "members disagree a little about the push: " + spread[1]);

    Files.write(file, new byte[] {'T', 'E', 'L', 'O', 'S', 'C', 'M', '1', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    ConfigException bad = assertThrows(ConfigException.class, () -> Planners.contactModel(two, DT,
        new Settings("planner", Map.of("contact_model", Map.of("type", "learned", "path", file.toString())))));
    assertTrue(bad.getMessage().startsWith("planner.contact_model.path: "), bad.getMessage());
    ConfigException missing = assertThrows(ConfigException.class, () -> Planners.contactModel(two, DT,
        new Settings("planner", Map.of("contact_model", Map.of("type", "learned", "path", dir.resolve("no").toString())))));
    assertTrue(missing.getMessage().contains("telos learn-contact"), missing.getMessage());
  }

  @Test
  void refusesAModelTrainedForAnotherStep() throws Exception {
    Path file = dir.resolve("c.tcm");
    try (NDManager m = DjlEngine.get().newBaseManager();
        ContactTrainer.Trained t = ContactTrainer.train(m, pushes(6, 4), DT,
            ContactTrainer.Config.defaults().withSteps(5), null, null)) {
      t.write(file, 1, Map.of());
    }
    ModelFileException e = assertThrows(ModelFileException.class, () -> LearnedContactModel.load(file, SCENE, 0.02));
    assertTrue(e.getMessage().contains("retrain with --dt 0.02"), e.getMessage());
  }
}
