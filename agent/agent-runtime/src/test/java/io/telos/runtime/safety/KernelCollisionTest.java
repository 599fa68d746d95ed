package io.telos.runtime.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.ActionChunk;
import io.telos.api.Header;
import io.telos.api.Mode;
import io.telos.api.Setpoint;
import io.telos.api.Vec;
import io.telos.model.CollisionModel;
import io.telos.model.RobotModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernel's plan check against the arm's collision geometry, on the UR5e-like test arm. */
class KernelCollisionTest {
  private static final double[] HOME = {0, -1.57, 1.57, -1.57, -1.57, 0};

  @Test
  void planIntoTheTableIsRejectedAndAClearOneAccepted() {
    RobotModel arm = RobotModel.load("../robot-model/src/test/resources/io/telos/model/arms/ur5e.urdf");
    List<String> faults = new ArrayList<>();
    SafetyConfig cfg = SafetyConfig.defaults();
    ModeArbiter arbiter = new ModeArbiter("t", new io.telos.api.SimulatedClock(), Mode.AUTONOMOUS, m -> { });
    SafetyKernel k = new SafetyKernel(arm.limits(), cfg, arbiter, (s, code, m) -> faults.add(code + ": " + m));
    k.setCollisionModel(CollisionModel.of(arm, null));
    long now = 0;
    k.tick(now, HOME.clone(), now);
    k.offer(chunk(now, new double[] {0, -1.0, 1.0, -1.57, -1.57, 0}, new double[] {0, 0.6, 0, 0, 0, 0}));
    now += cfg.periodNs();
    k.tick(now, HOME.clone(), now);
    assertEquals(1, k.collidingPlans(), faults.toString());
    // the path is checked on the way: the wrist meets the table before the setpoint itself
    assertTrue(faults.get(0).contains("the path to setpoint 1 collides (link wrist_2_link below the table"), faults.toString());
    k.offer(chunk(now, new double[] {0.1, -1.5, 1.5, -1.5, -1.57, 0}, new double[] {0.2, -1.5, 1.5, -1.5, -1.57, 0}));
    now += cfg.periodNs();
    k.tick(now, HOME.clone(), now);
    assertEquals(1, k.collidingPlans(), faults.toString());
    assertEquals(1, k.badPlans());
  }

  @Test
  void aPlanWhosePathBetweenClearSetpointsCrossesTheTableIsRejected() {
    RobotModel arm = RobotModel.load("../robot-model/src/test/resources/io/telos/model/arms/ur5e.urdf");
    CollisionModel model = CollisionModel.of(arm, null);
    CollisionModel.Checker c = model.newChecker();
    // a seeded target configuration clear of everything whose straight path from HOME is not
    double[] far = search(arm, 4, q -> {
      if (clearance(c, q) < 0.02) {
        return false;
      }
      double worst = Double.POSITIVE_INFINITY;
      for (int s = 1; s < 100; s++) {
        worst = Math.min(worst, clearance(c, lerp(HOME, q, s / 100.0)));
      }
      return worst < -0.03;
    });
    assertTrue(far != null, "a path through the table exists");
    List<String> faults = new ArrayList<>();
    SafetyConfig cfg = SafetyConfig.defaults();
    ModeArbiter arbiter = new ModeArbiter("t", new io.telos.api.SimulatedClock(), Mode.AUTONOMOUS, m -> { });
    SafetyKernel k = new SafetyKernel(arm.limits(), cfg, arbiter, (s, code, m) -> faults.add(code + ": " + m));
    k.setCollisionModel(model);
    long now = 0;
    k.tick(now, HOME.clone(), now);
    k.offer(chunk(now, HOME.clone(), far)); // both setpoints clear
    now += cfg.periodNs();
    k.tick(now, HOME.clone(), now);
    assertEquals(1, k.collidingPlans(), faults.toString());
    assertTrue(faults.get(0).contains("the path to setpoint 1 collides"), faults.toString());
  }

  @Test
  void anOperatorJoggingIntoTheTableIsBrakedBeforeIt() {
    RobotModel arm = RobotModel.load("../robot-model/src/test/resources/io/telos/model/arms/ur5e.urdf");
    CollisionModel model = CollisionModel.of(arm, null);
    CollisionModel.Checker c = model.newChecker();
    // a seeded direction from HOME whose straight line runs into the table
    double[] deep = search(arm, 9, q -> clearance(c, q) < -0.05);
    assertTrue(deep != null);
    double[] jog = new double[6]; // 0.5 rad/s on the joint that moves most
    double scale = 0.5 / Math.max(Math.abs(deep[1] - HOME[1]), Math.abs(deep[2] - HOME[2]));
    for (int i = 0; i < 6; i++) {
      jog[i] = (deep[i] - HOME[i]) * scale;
    }
    double with = deepestJog(arm, model, jog, c);
    double without = deepestJog(arm, null, jog, c);
    System.out.printf("deepest command: %.4f m with the guard, %.4f m without (operator jog into the table)%n",
        with, without);
    assertTrue(without > 0.01, "unguarded, the jog goes into the table: " + without);
    assertTrue(with <= 1e-9, "the guard brakes every command short of the table: " + with);
  }

  /** An operator jogging at {@code jog} (rad/s) for 4 s from HOME; the deepest command, m. */
  private static double deepestJog(RobotModel arm, CollisionModel model, double[] jog, CollisionModel.Checker c) {
    List<String> faults = new ArrayList<>();
    SafetyConfig cfg = SafetyConfig.defaults();
    ModeArbiter arbiter = new ModeArbiter("t", new io.telos.api.SimulatedClock(), Mode.TELEOP, m -> { });
    SafetyKernel k = new SafetyKernel(arm.limits(), cfg, arbiter, (s, code, m) -> faults.add(code + ": " + m));
    k.setCollisionModel(model);
    SafetyKernelTeleopTest.Input operator = new SafetyKernelTeleopTest.Input();
    operator.jog = jog;
    k.setOperatorInput(operator);
    long now = 0;
    double deepest = 0;
    for (int t = 0; t < 4000; t++) {
      double[] q = t == 0 ? HOME.clone() : k.commandPosition();
      k.tick(now, q.clone(), now); // the arm follows its command exactly
      deepest = Math.max(deepest, -clearance(c, k.commandPosition()));
      now += cfg.periodNs();
    }
    if (model != null) {
      assertTrue(k.collisionBrakes() > 0, "braked: " + faults);
      assertEquals(1, faults.stream().filter(x -> x.startsWith("COLLISION_BRAKE")).count(), "reported once: " + faults);
    }
    return deepest;
  }

  /**
   * The first of seeded configurations (HOME with shoulder and elbow moved by up to 2.5 rad), within
   * the limits, that {@code wanted} accepts; null when none of 100,000 is.
   */
  private static double[] search(RobotModel arm, long seed, java.util.function.Predicate<double[]> wanted) {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
    for (int attempt = 0; attempt < 100_000; attempt++) {
      double[] q = HOME.clone();
      q[1] += rnd.nextDouble(-2.5, 2.5);
      q[2] += rnd.nextDouble(-2.5, 2.5);
      if (arm.limits().contains(q, 0) && wanted.test(q)) {
        return q;
      }
    }
    return null;
  }

  private static double[] lerp(double[] a, double[] b, double f) {
    double[] p = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      p[i] = a[i] + f * (b[i] - a[i]);
    }
    return p;
  }

  private static double clearance(CollisionModel.Checker c, double[] q) {
    c.update(q);
    return Math.min(c.selfClearance(), c.tableClearance());
  }

  private static ActionChunk chunk(long now, double[] a, double[] b) {
    return new ActionChunk(Header.of(0, now, "p"), "g", List.of(
        new Setpoint(now + 50_000_000L, Vec.of(a), Vec.zeros(a.length)),
        new Setpoint(now + 100_000_000L, Vec.of(b), Vec.zeros(b.length))), 0);
  }
}
