package io.telos.bridge.sim;

import static io.telos.bridge.sim.SimTesting.MS;
import static io.telos.bridge.sim.SimTesting.PLANAR2;
import static io.telos.bridge.sim.SimTesting.TELOS6;
import static io.telos.bridge.sim.SimTesting.hold;
import static io.telos.bridge.sim.SimTesting.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.ObjectPose;
import io.telos.api.SimulatedClock;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import io.telos.api.spi.HardwareContext;
import io.telos.api.spi.RobotHardware;
import io.telos.model.RobotModel;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Scene objects on the ODE ground plane: resting, pushed by the tool sphere, reported poses. */
class SceneObjectsTest {
  static final double RADIUS = 0.04;
  static final double HEIGHT = 0.05;
  static final double TOOL_RADIUS = 0.02;
  /** Wrist angles of the low pushing pose (the links stay above the table). */
  static final double[] WRIST = {1.5, 1.57, 0};

  static SceneObject puck(String name, double x, double y) {
    return new SceneObject(name, RADIUS, HEIGHT, 0.3, 0.4, x, y);
  }

  static Scene scene(SceneObject... objects) {
    return new Scene(TOOL_RADIUS, List.of(objects));
  }

  static SimulatedArm arm(RobotModel model, SimConfig config, Scene scene, SimulatedClock clock) {
    return new SimulatedArm("arm1", model, config, clock, 1, true, scene);
  }

  /** Steps {@code ms} milliseconds, advancing the clock with the physics. */
  static void run(SimulatedArm arm, SimulatedClock clock, int ms) {
    for (int k = 0; k < ms; k++) {
      clock.advance(MS);
      arm.step(MS);
    }
  }

  @Test
  void aPuckAloneRestsOnTheGroundAndIsReported() {
    SimulatedClock clock = new SimulatedClock(1_000);
    try (SimulatedArm arm = arm(TELOS6, SimConfig.defaults(), scene(puck("puck", -0.5, -0.4)), clock)) {
      List<ObjectPose> first = arm.objects();
      assertEquals(1, first.size());
      assertEquals(new ObjectPose("puck", -0.5, -0.4, HEIGHT / 2, 0, 1_000), first.get(0));
      run(arm, clock, 2000);
      ObjectPose p = arm.objects().get(0);
      assertEquals("puck", p.name());
      assertEquals(HEIGHT / 2, p.zM(), 1e-3, "rests on the plane: " + p);
      assertEquals(0, p.planarDistanceTo(-0.5, -0.4), 1e-3, "does not slide: " + p);
      assertEquals(0, p.yawRad(), 1e-3);
      assertEquals(arm.read().header().stampNs(), p.stampNs(), "stamped like the joint state of the same step");
      assertEquals(clock.nanos(), p.stampNs());
      assertTrue(arm.lastContacts() > 0, "touches the ground");
      assertEquals(RobotHardware.Health.OK, arm.health());
    }
  }

  @Test
  void theToolSphereIsCentredOnTheEndEffector() {
    Scene far = scene(puck("puck", 3, 3));
    SplittableRandom random = new SplittableRandom(5);
    for (RobotModel model : List.of(TELOS6, PLANAR2)) {
      for (int k = 0; k < 6; k++) {
        double[] q0 = new double[model.dof()];
        for (int i = 0; i < q0.length; i++) {
          double lo = Math.max(model.limits().lower(i), -3);
          double hi = Math.min(model.limits().upper(i), 3);
          q0[i] = k == 0 ? Math.min(Math.max(0, lo), hi) : lo + (hi - lo) * random.nextDouble();
        }
        SimConfig config = SimConfig.defaults().withInitialPosition(q0);
        try (SimulatedArm arm = arm(model, config, far, new SimulatedClock())) {
          double[] fk = model.chain().forwardPosition(q0);
          double[] sphere = arm.toolSphereCentre();
          assertTrue(SimTesting.maxAbsError(fk, sphere) < 1e-6,
              model.name() + " q=" + Arrays.toString(q0) + ": sphere " + Arrays.toString(sphere) + " vs FK "
                  + Arrays.toString(fk));
          arm.write(hold(arm, q0)); // hold against gravity, then compare with FK of the engine's q
          SimTesting.run(arm, 300);
          double[] moved = model.chain().forwardPosition(q(arm));
          assertTrue(SimTesting.maxAbsError(moved, arm.toolSphereCentre()) < 1e-6,
              Arrays.toString(moved) + " vs " + Arrays.toString(arm.toolSphereCentre()));
        }
      }
    }
  }

  /**
   * telos6 with the pan joint at 0 and the tool at {@code (0.5, y, z)}: lift and elbow by Newton
   * on the forward kinematics, the wrist fixed ({@link #WRIST}).
   */
  static double[] lowPose(double z) {
    double[] q = {0, 0.7, 1.8, WRIST[0], WRIST[1], WRIST[2]};
    double h = 1e-7;
    for (int it = 0; it < 30; it++) {
      double[] p = TELOS6.chain().forwardPosition(q);
      double[] q1 = q.clone();
      q1[1] += h;
      double[] q2 = q.clone();
      q2[2] += h;
      double[] p1 = TELOS6.chain().forwardPosition(q1);
      double[] p2 = TELOS6.chain().forwardPosition(q2);
      double a11 = (p1[0] - p[0]) / h;
      double a12 = (p2[0] - p[0]) / h;
      double a21 = (p1[2] - p[2]) / h;
      double a22 = (p2[2] - p[2]) / h;
      double det = a11 * a22 - a12 * a21;
      double ex = 0.5 - p[0];
      double ez = z - p[2];
      q[1] += (a22 * ex - a12 * ez) / det;
      q[2] += (-a21 * ex + a11 * ez) / det;
    }
    double[] p = TELOS6.chain().forwardPosition(q);
    assertEquals(0.5, p[0], 1e-9);
    assertEquals(z, p[2], 1e-9);
    assertTrue(TELOS6.limits().contains(q, 0), Arrays.toString(q));
    return q;
  }

  /** The sweep: the puck sits 0.2 rad further along the tool's pan arc, at the tool's height. */
  record Sweep(double[] q0, double puckX, double puckY, double tangentX, double tangentY) {
    static Sweep make() {
      double[] q0 = lowPose(HEIGHT / 2);
      double[] tool = TELOS6.chain().forwardPosition(q0);
      double r = Math.hypot(tool[0], tool[1]);
      double angle = Math.atan2(tool[1], tool[0]) + 0.2;
      return new Sweep(q0, r * Math.cos(angle), r * Math.sin(angle), -Math.sin(angle), Math.cos(angle));
    }

    Scene scene() {
      return SceneObjectsTest.scene(puck("puck", puckX, puckY));
    }

    /** Pans at 0.4 rad/s to 0.6 rad (tool ≈ 0.2 m/s), then holds; returns a hash of every state. */
    long drive(SimulatedArm arm, SimulatedClock clock) {
      long hash = 0;
      for (int k = 0; k < 2500; k++) {
        double[] pos = q0.clone();
        double[] vel = new double[6];
        pos[0] = Math.min(0.4 * k * 1e-3, 0.6);
        vel[0] = pos[0] < 0.6 ? 0.4 : 0;
        arm.write(SimTesting.command(arm.jointNames(), pos, vel));
        clock.advance(MS);
        arm.step(MS);
        hash = hash * 31 + SimTesting.stateHash(arm.groundTruth());
        for (ObjectPose p : arm.objects()) {
          for (double d : new double[] {p.xM(), p.yM(), p.zM(), p.yawRad()}) {
            hash = hash * 1_000_003L + Double.doubleToRawLongBits(d);
          }
        }
      }
      return hash;
    }
  }

  @Test
  void theToolSweepingThroughThePuckPushesIt() {
    Sweep sweep = Sweep.make();
    SimulatedClock clock = new SimulatedClock();
    SimConfig config = SimConfig.defaults().withInitialPosition(sweep.q0());
    try (SimulatedArm arm = arm(TELOS6, config, sweep.scene(), clock)) {
      sweep.drive(arm, clock);
      ObjectPose p = arm.objects().get(0);
      double dx = p.xM() - sweep.puckX();
      double dy = p.yM() - sweep.puckY();
      double moved = Math.hypot(dx, dy);
      double along = (dx * sweep.tangentX() + dy * sweep.tangentY()) / moved;
      System.out.printf("pushed puck: moved %.3f m, cos(angle to the sweep tangent) %.3f, z %.4f m, yaw %.3f rad%n",
          moved, along, p.zM(), p.yawRad());
      assertTrue(moved > 0.02, "pushed: " + p);
      assertTrue(along > Math.cos(Math.toRadians(45)), "roughly along the sweep: cos " + along + ", " + p);
      assertEquals(HEIGHT / 2, p.zM(), 5e-3, "stays upright: " + p);
      assertEquals(RobotHardware.Health.OK, arm.health());
      assertEquals(0.6, q(arm)[0], 1e-3, "the arm got where it was told");
    }
  }

  @Test
  void sameSeedAndCommandsGiveBitIdenticalObjectPoses() {
    Sweep sweep = Sweep.make();
    SimConfig config = SimConfig.defaults().withInitialPosition(sweep.q0());
    long h1;
    long h2;
    List<ObjectPose> end1;
    List<ObjectPose> end2;
    SimulatedClock c1 = new SimulatedClock();
    try (SimulatedArm a = arm(TELOS6, config, sweep.scene(), c1)) {
      h1 = sweep.drive(a, c1);
      end1 = a.objects();
    }
    SimulatedClock c2 = new SimulatedClock();
    try (SimulatedArm b = arm(TELOS6, config, sweep.scene(), c2)) {
      h2 = sweep.drive(b, c2);
      end2 = b.objects();
    }
    assertEquals(end1, end2);
    assertEquals(h1, h2);
    assertNotEquals(sweep.puckX(), end1.get(0).xM(), "the run moved the puck (it compares something)");
  }

  @Test
  void twoOverlappingPucksPushEachOtherApart() {
    double gap = 2 * RADIUS - 1e-3; // 1 mm overlap
    SimulatedClock clock = new SimulatedClock();
    try (SimulatedArm arm = arm(TELOS6, SimConfig.defaults(),
        scene(puck("a", -0.5, 0), puck("b", -0.5 + gap, 0)), clock)) {
      run(arm, clock, 1000);
      ObjectPose a = arm.objects().get(0);
      ObjectPose b = arm.objects().get(1);
      assertEquals(List.of("a", "b"), arm.objects().stream().map(ObjectPose::name).toList());
      double d = Math.hypot(a.xM() - b.xM(), a.yM() - b.yM());
      assertTrue(d > 2 * RADIUS - 2e-4, "separated: " + d);
      assertTrue(a.xM() < -0.5 + 1e-9 && b.xM() > -0.5 + gap - 1e-9, a + " " + b);
      assertEquals(HEIGHT / 2, a.zM(), 2e-3);
      assertEquals(HEIGHT / 2, b.zM(), 2e-3);
    }
  }

  @Test
  void withoutSceneObjectsNothingIsTracked() {
    SimulatedClock clock = new SimulatedClock();
    try (SimulatedArm arm = arm(TELOS6, SimConfig.defaults(), Scene.EMPTY, clock);
        SimulatedArm old = SimTesting.lockStep(TELOS6, SimConfig.defaults(), 1)) {
      assertSame(List.of(), arm.objects());
      run(arm, clock, 100);
      assertTrue(arm.objects().isEmpty());
      assertNull(arm.toolSphereCentre());
      assertEquals(0, arm.lastContacts());
      old.step(MS);
      assertTrue(old.objects().isEmpty());
    }
  }

  @Test
  void theProviderPassesTheContextsScene() {
    Scene scene = scene(puck("puck", 0.6, -0.3));
    HardwareContext context =
        new HardwareContext("arm1", "builtin:telos6", Map.of(), new SimulatedClock(), 3, true, scene);
    try (RobotHardware hw = new SimRobotHardwareProvider().create(context)) {
      assertEquals(List.of("puck"), hw.objects().stream().map(ObjectPose::name).toList());
      assertEquals(0.6, hw.objects().get(0).xM());
    }
    HardwareContext plain = new HardwareContext("arm1", "builtin:telos6", Map.of(), new SimulatedClock(), 3, true);
    try (RobotHardware hw = new SimRobotHardwareProvider().create(plain)) {
      assertTrue(hw.objects().isEmpty());
    }
  }

  /** Printed, not asserted: what a puck (resting, then pushed) adds to one physics step. */
  @Test
  void stepTimeWithAndWithoutAPuck() {
    Sweep sweep = Sweep.make();
    SimConfig config = SimConfig.defaults().withInitialPosition(sweep.q0());
    double none = Double.POSITIVE_INFINITY;
    double puck = Double.POSITIVE_INFINITY;
    for (int round = 0; round < 4; round++) { // alternate; the best round of each is the least disturbed
      none = Math.min(none, timeSweep(sweep, config, Scene.EMPTY));
      puck = Math.min(puck, timeSweep(sweep, config, sweep.scene()));
    }
    System.out.printf("telos6 step(1 ms) mean wall time over the sweep (best of 4): no objects %.1f us, one puck %.1f us%n",
        none, puck);
    assertTrue(none > 0 && puck > 0);
  }

  private static double timeSweep(Sweep sweep, SimConfig config, Scene scene) {
    long total = 0;
    int steps = 2500;
    try (SimulatedArm arm = arm(TELOS6, config, scene, new SimulatedClock())) {
      for (int k = 0; k < steps; k++) {
        double[] pos = sweep.q0().clone();
        pos[0] = Math.min(0.4 * k * 1e-3, 0.6);
        arm.write(hold(arm, pos));
        long t0 = System.nanoTime();
        arm.step(MS);
        total += System.nanoTime() - t0;
      }
    }
    return total / 1e3 / steps;
  }
}
