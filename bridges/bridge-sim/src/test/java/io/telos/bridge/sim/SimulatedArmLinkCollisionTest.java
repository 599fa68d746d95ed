package io.telos.bridge.sim;

import static io.telos.bridge.sim.SimTesting.TELOS6;
import static io.telos.bridge.sim.SimTesting.command;
import static io.telos.bridge.sim.SimTesting.q;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.spi.RobotHardware;
import io.telos.model.CollisionModel;
import io.telos.model.RobotModel;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * {@code link_collisions: true}: the arm's links (the capsules of its {@link CollisionModel}) meet
 * the table and each other in the engine. Each case drives the arm, through position commands the
 * arm cannot obey, into a configuration the collision model says is in collision, and measures the
 * clearance of every configuration the engine reports with the model's own checker: with link
 * collisions the arm stops at the contact, without them it passes through (so the test can fail).
 */
class SimulatedArmLinkCollisionTest {
  /** Deepest penetration accepted at a contact (the contact is soft: a few µm at these forces). */
  private static final double PENETRATION_M = 0.005;
  /** The vendor-layout arms the launch examples drive (the tests run in the module folder). */
  private static final String VENDOR_ARMS = "../../launch/examples/robots/";

  @Test
  void theTableStopsALinkThatWouldGoUnderIt() {
    CollisionModel model = CollisionModel.of(TELOS6, null);
    CollisionModel.Checker checker = model.newChecker();
    double[] home = SimulatedArm.defaultInitialPosition(TELOS6);
    double[] into = find(model, home, 1, 0.08, c -> c.tableClearance(), c -> c.selfClearance());
    Run with = drive(true, home, into, c -> c.tableClearance(), checker);
    Run without = drive(false, home, into, c -> c.tableClearance(), checker);
    System.out.printf("table: min clearance %.4f m with link collisions (%d contact points), %.4f m without%n",
        with.minClearance, with.contacts, without.minClearance);
    assertTrue(with.minClearance > -PENETRATION_M, "stopped at the table: " + with.minClearance + " m");
    assertTrue(with.contacts > 0, "the table touched a link");
    assertEquals(RobotHardware.Health.OK, with.health, "a blocked arm is not a fault of the simulator");
    assertTrue(without.minClearance < -0.05, "without link collisions the arm passes through: " + without.minClearance);
    assertEquals(0, without.contacts);
  }

  @Test
  void twoLinksThatMayNotTouchStopEachOther() {
    CollisionModel model = CollisionModel.of(TELOS6, null);
    CollisionModel.Checker checker = model.newChecker();
    // telos6's links meet only with the elbow folded near its limit: search folded configurations and
    // start each ramp from the same one with the elbow opened
    SplittableRandom rnd = new SplittableRandom(2);
    for (int attempt = 0; attempt < 200_000; attempt++) {
      double[] into = new double[6];
      for (int i = 0; i < 6; i++) {
        into[i] = rnd.nextDouble(Math.max(TELOS6.limits().lower(i), -3), Math.min(TELOS6.limits().upper(i), 3));
      }
      double[] from = into.clone();
      from[2] *= 0.4;
      if (!ramp(checker, from, into, 0.015, c -> c.selfClearance(), c -> c.tableClearance())) {
        continue;
      }
      Run with = drive(true, from, into, c -> c.selfClearance(), checker);
      Run without = drive(false, from, into, c -> c.selfClearance(), checker);
      System.out.printf("self: min clearance %.4f m with link collisions (%d contact points), %.4f m without%n",
          with.minClearance, with.contacts, without.minClearance);
      assertTrue(with.minClearance > -PENETRATION_M, "the links stopped each other: " + with.minClearance + " m");
      assertTrue(with.contacts > 0);
      assertTrue(without.minClearance < -0.01, "without link collisions they pass through: " + without.minClearance);
      return;
    }
    throw new AssertionError("no folded configuration found");
  }

  @Test
  void aMotionThatTouchesNothingIsBitIdenticalWithAndWithoutLinkCollisions() {
    SimConfig on = SimConfig.defaults().withLinkCollisions(true);
    try (SimulatedArm a = SimTesting.lockStep(TELOS6, on, 3);
        SimulatedArm b = SimTesting.lockStep(TELOS6, SimConfig.defaults(), 3)) {
      long[] hash = SimTesting.runScript(new SimulatedArm[] {a, b});
      assertEquals(0, a.linkContacts(), "the scripted motion touches nothing");
      assertEquals(hash[1], hash[0], "geometry that touches nothing changes no state");
    }
  }

  @Test
  void everyBundledVendorArmHoldsItsHomeWithoutAContact() {
    String[][] arms = {
      {"ur5e", null, null}, {"panda", null, "panda_hand_tcp"}, {"gen3", null, "tool_frame"},
      {"iiwa14", "iiwa_link_0", "iiwa_link_ee"}};
    for (String[] a : arms) {
      String urdf = a[0];
      RobotModel arm = RobotModel.load(VENDOR_ARMS + urdf + ".urdf", a[1], a[2]);
      double[] home = SimulatedArm.defaultInitialPosition(arm);
      try (SimulatedArm sim = SimTesting.lockStep(arm, SimConfig.defaults().withLinkCollisions(true), 1)) {
        sim.write(SimTesting.hold(sim, home));
        SimTesting.run(sim, 300);
        assertEquals(0, sim.linkContacts(), urdf + ": the home pose touches nothing");
        assertArrayEquals(home, q(sim), 1e-3, urdf);
      }
    }
  }

  /** What the engine did along one drive. */
  private record Run(double minClearance, long contacts, RobotHardware.Health health) {}

  /**
   * Commands a straight joint-space ramp from {@code from} to {@code to} over 1.5 s and holds 0.5 s,
   * measuring {@code clearance} on every configuration the engine reports.
   */
  private static Run drive(boolean collisions, double[] from, double[] to, ToDoubleFunction<CollisionModel.Checker> clearance,
      CollisionModel.Checker checker) {
    SimConfig config = SimConfig.defaults().withInitialPosition(from).withLinkCollisions(collisions);
    try (SimulatedArm arm = SimTesting.lockStep(TELOS6, config, 1)) {
      double min = Double.POSITIVE_INFINITY;
      int n = from.length;
      for (int k = 0; k < 2000; k++) {
        double s = Math.min(1, k / 1500.0);
        double[] pos = new double[n];
        for (int i = 0; i < n; i++) {
          pos[i] = from[i] + s * (to[i] - from[i]);
        }
        arm.write(command(arm.jointNames(), pos, new double[n]));
        arm.step(SimTesting.MS);
        checker.update(q(arm));
        min = Math.min(min, clearance.applyAsDouble(checker));
      }
      return new Run(min, arm.linkContacts(), arm.health());
    }
  }

  /**
   * A seeded configuration whose straight ramp from {@code from} ends {@code depth} deep in the
   * kind of collision {@code target} measures, while every point of the ramp stays clear of the
   * other kind ({@code other}) and the ramp starts clear of both (5 mm).
   */
  private static double[] find(CollisionModel model, double[] from, long seed, double depth,
      ToDoubleFunction<CollisionModel.Checker> target, ToDoubleFunction<CollisionModel.Checker> other) {
    CollisionModel.Checker c = model.newChecker();
    SplittableRandom rnd = new SplittableRandom(seed);
    int n = from.length;
    for (int attempt = 0; attempt < 200_000; attempt++) {
      double[] q = new double[n];
      for (int i = 0; i < n; i++) {
        double lo = Math.max(TELOS6.limits().lower(i), from[i] - 2.0);
        double hi = Math.min(TELOS6.limits().upper(i), from[i] + 2.0);
        q[i] = rnd.nextDouble(lo, hi);
      }
      if (ramp(c, from, q, depth, target, other)) {
        return q;
      }
    }
    throw new AssertionError("no configuration found from " + Arrays.toString(from));
  }

  /**
   * True when {@code to} is {@code depth} deep in the collision {@code target} measures, {@code from}
   * is 5 mm clear of it, and every point of the straight ramp between them is 5 mm clear of {@code other}.
   */
  private static boolean ramp(CollisionModel.Checker c, double[] from, double[] to, double depth,
      ToDoubleFunction<CollisionModel.Checker> target, ToDoubleFunction<CollisionModel.Checker> other) {
    c.update(to);
    if (target.applyAsDouble(c) > -depth) {
      return false;
    }
    int n = from.length;
    double[] p = new double[n];
    for (int k = 0; k <= 50; k++) {
      for (int i = 0; i < n; i++) {
        p[i] = from[i] + k / 50.0 * (to[i] - from[i]);
      }
      c.update(p);
      if (other.applyAsDouble(c) <= 0.005 || (k == 0 && target.applyAsDouble(c) <= 0.005)) {
        return false;
      }
    }
    return true;
  }
}
