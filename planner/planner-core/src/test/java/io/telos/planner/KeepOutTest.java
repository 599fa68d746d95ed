package io.telos.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.Setpoint;
import io.telos.api.Target;
import io.telos.model.RobotModel;
import io.telos.model.Transform;
import io.telos.planner.cost.GuardrailConfig;
import io.telos.planner.cost.KeepOut;
import io.telos.planner.internal.ArmGeometry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keep-out volumes on telos6, closed loop with the analytic model as plant. */
class KeepOutTest {
  static final RobotModel TELOS6 = RobotModel.load("builtin:telos6");
  static final double LINK_RADIUS = 0.05;
  static final double[] START = {-0.6, 0.8, 1.2, 0, 0, 0};
  static final double[] GOAL_Q = {0.6, 0.8, 1.2, 0, 0, 0};
  /** A wall between the start and the target, across the straight path. */
  static final KeepOut WALL = new KeepOut.Box(new double[] {0.35, -0.05, 0.0}, new double[] {0.95, 0.08, 0.45});

  static MppiPlanner planner(List<KeepOut> volumes, long seed) {
    MppiConfig d = MppiConfig.defaults().withSeed(seed);
    return new MppiPlanner(TELOS6, d.withGuardrails(d.guardrails().withKeepOut(volumes, LINK_RADIUS)));
  }

  /**
   * Smallest clearance of the arm (capsules of {@code radius} around the segments between joint
   * origins and to the tool point, sampled every 5 mm) from the volumes at {@code q}; independent
   * of the planner's own geometry code: frames from {@code KinematicChain.linkTransforms}.
   */
  static double clearance(double[] q, List<KeepOut> volumes, double radius) {
    Transform[] frames = TELOS6.chain().linkTransforms(q);
    double[] tip = TELOS6.chain().forwardPosition(q);
    int n = TELOS6.dof();
    double c = Double.POSITIVE_INFINITY;
    for (int s = 1; s <= n; s++) {
      double[] a = frames[s].translation();
      double[] b = s < n ? frames[s + 1].translation() : tip;
      double len = Math.sqrt(sq(b[0] - a[0]) + sq(b[1] - a[1]) + sq(b[2] - a[2]));
      int m = Math.max(1, (int) Math.ceil(len / 0.005));
      for (int j = 0; j <= m; j++) {
        double f = (double) j / m;
        double x = a[0] + f * (b[0] - a[0]);
        double y = a[1] + f * (b[1] - a[1]);
        double z = a[2] + f * (b[2] - a[2]);
        for (KeepOut v : volumes) {
          c = Math.min(c, distance(v, x, y, z) - radius);
        }
      }
    }
    return c;
  }

  /** Independent signed distances (outside > 0). */
  static double distance(KeepOut v, double x, double y, double z) {
    return switch (v) {
      case KeepOut.Box b -> {
        double[] lo = b.min();
        double[] hi = b.max();
        double cx = Math.max(lo[0], Math.min(hi[0], x));
        double cy = Math.max(lo[1], Math.min(hi[1], y));
        double cz = Math.max(lo[2], Math.min(hi[2], z));
        double out = Math.sqrt(sq(x - cx) + sq(y - cy) + sq(z - cz));
        if (out > 0) {
          yield out;
        }
        yield -Math.min(Math.min(Math.min(x - lo[0], hi[0] - x), Math.min(y - lo[1], hi[1] - y)),
            Math.min(z - lo[2], hi[2] - z));
      }
      case KeepOut.Sphere s -> Math.sqrt(sq(x - s.center()[0]) + sq(y - s.center()[1]) + sq(z - s.center()[2]))
          - s.radius();
      case KeepOut.Capsule c -> {
        double[] a = c.a();
        double[] b = c.b();
        double len = Math.sqrt(sq(b[0] - a[0]) + sq(b[1] - a[1]) + sq(b[2] - a[2]));
        double along = len == 0 ? 0
            : ((x - a[0]) * (b[0] - a[0]) + (y - a[1]) * (b[1] - a[1]) + (z - a[2]) * (b[2] - a[2])) / len;
        along = Math.max(0, Math.min(len, along));
        double f = len == 0 ? 0 : along / len;
        yield Math.sqrt(sq(x - a[0] - f * (b[0] - a[0])) + sq(y - a[1] - f * (b[1] - a[1]))
            + sq(z - a[2] - f * (b[2] - a[2]))) - c.radius();
      }
    };
  }

  static double[] fk(double[] q) {
    return TELOS6.chain().forwardPosition(q);
  }

  /** Worst clearance over every setpoint of a chunk. */
  static double chunkClearance(ActionChunk chunk, List<KeepOut> volumes) {
    double c = Double.POSITIVE_INFINITY;
    double[] q = new double[TELOS6.dof()];
    for (Setpoint sp : chunk.setpoints()) {
      sp.position().copyTo(q);
      c = Math.min(c, clearance(q, volumes, LINK_RADIUS));
    }
    return c;
  }

  @Test
  void armGeometryAgreesWithTheChain() {
    ArmGeometry g = new ArmGeometry(TELOS6.chain());
    double[] q = {0.3, -0.7, 1.1, 0.4, -0.9, 2.0};
    double[] pts = new double[3 * g.pointCount()];
    g.points(q, 0, pts);
    Transform[] frames = TELOS6.chain().linkTransforms(q);
    for (int i = 0; i < TELOS6.dof(); i++) {
      for (int a = 0; a < 3; a++) {
        assertEquals(frames[i + 1].translationAt(a), pts[3 * i + a], 1e-12);
      }
    }
    double[] ee = fk(q);
    for (int a = 0; a < 3; a++) {
      assertEquals(ee[a], pts[3 * TELOS6.dof() + a], 1e-12);
    }
  }

  @Test
  void distancesOfEachVolume() {
    KeepOut box = new KeepOut.Box(new double[] {0, 0, 0}, new double[] {1, 2, 3});
    assertEquals(1.0, box.distance(2, 1, 1), 1e-12);
    assertEquals(-0.5, box.distance(0.5, 1, 1.5), 1e-12);
    assertEquals(Math.sqrt(2), box.distance(-1, -1, 1), 1e-12);
    KeepOut sphere = new KeepOut.Sphere(new double[] {1, 0, 0}, 0.5);
    assertEquals(0.5, sphere.distance(2, 0, 0), 1e-12);
    assertEquals(-0.5, sphere.distance(1, 0, 0), 1e-12);
    KeepOut capsule = new KeepOut.Capsule(new double[] {0, 0, 0}, new double[] {0, 0, 1}, 0.1);
    assertEquals(0.9, capsule.distance(1, 0, 0.5), 1e-12);
    assertEquals(0.9, capsule.distance(0, 0, 2), 1e-12);
    assertEquals(Double.NEGATIVE_INFINITY, capsule.distance(Double.NaN, 0, 0));
  }

  @Test
  void reachesAroundAWallWithoutAnyLinkEnteringIt() {
    List<KeepOut> volumes = List.of(WALL);
    assertTrue(clearance(START, volumes, LINK_RADIUS) > 0.02, "start clear");
    assertTrue(clearance(GOAL_Q, volumes, LINK_RADIUS) > 0.02, "goal clear");
    double[] t = fk(GOAL_Q);
    int crossing = 0;
    for (int i = 0; i <= 20; i++) { // the straight joint-space path and EE line both cross the wall
      double[] q = new double[6];
      for (int j = 0; j < 6; j++) {
        q[j] = START[j] + i / 20.0 * (GOAL_Q[j] - START[j]);
      }
      crossing += clearance(q, volumes, LINK_RADIUS) < 0 ? 1 : 0;
    }
    assertTrue(crossing > 0, "the straight path must cross the wall");
    for (long seed : new long[] {1, 2, 3}) {
      MppiPlanner planner = planner(volumes, seed);
      ClosedLoop loop = new ClosedLoop(TELOS6, 0.02, START);
      double[] worst = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
      int[] entries = {0, 0};
      long[] stepNs = {0};
      ClosedLoop.Result r = loop.pursue(planner, ClosedLoop.goal("g", new Target.Position(t[0], t[1], t[2]), 0.01),
          10.0, 0.1, chunk -> {
            double c = clearance(loop.q(), volumes, LINK_RADIUS);
            worst[0] = Math.min(worst[0], c);
            entries[0] += c < 0 ? 1 : 0;
            double s = chunkClearance(chunk, volumes);
            worst[1] = Math.min(worst[1], s);
            entries[1] += s < 0 ? 1 : 0;
            stepNs[0] += planner.lastDiagnostics().stepNs();
            assertFalse(planner.lastDiagnostics().hold() && s < 0);
          });
      double endClearance = clearance(loop.q(), volumes, LINK_RADIUS);
      System.out.printf("[keep-out] wall, seed %d: reached=%s in %.2f s (%d plans, %.2f ms/plan), error %.4f m, "
              + "min clearance: plant %.4f m, setpoints %.4f m%n", seed, r.reached(), r.timeS(), r.plans(),
          stepNs[0] / 1e6 / r.plans(), r.finalError(), Math.min(worst[0], endClearance), worst[1]);
      assertEquals(0, entries[0], "plant states inside the wall");
      assertEquals(0, entries[1], "setpoints inside the wall");
      assertTrue(endClearance >= 0);
      assertTrue(r.reached(), "target reached, error " + r.finalError());
    }
  }

  /** A wall between the arm and the target, too wide and tall to go around: the arm is blocked. */
  @Test
  void becomesStuckWhenAWallBlocksTheTarget() {
    List<KeepOut> volumes =
        List.of(new KeepOut.Box(new double[] {-1.5, 0.3, 0.0}, new double[] {1.5, 0.4, 1.5}));
    MppiPlanner planner = planner(volumes, 4);
    ClosedLoop loop = new ClosedLoop(TELOS6, 0.02, START);
    int[] entries = {0};
    boolean[] stuckEarly = {false};
    int[] plans = {0};
    ClosedLoop.Result r = loop.pursue(planner, ClosedLoop.goal("blocked", new Target.Position(0.3, 0.7, 0.3), 0.01),
        4.0, 0.1, chunk -> {
          entries[0] += clearance(loop.q(), volumes, LINK_RADIUS) < 0 || chunkClearance(chunk, volumes) < 0 ? 1 : 0;
          if (plans[0]++ < 25) { // the first half second: still making progress
            stuckEarly[0] |= planner.lastDiagnostics().stuck();
          }
        });
    PlanDiagnostics d = planner.lastDiagnostics();
    System.out.printf("[keep-out] blocked target: reached=%s error %.3f m, stuck=%s infeasible=%s hold=%s%n",
        r.reached(), r.finalError(), d.stuck(), d.infeasible(), d.hold());
    assertFalse(r.reached());
    assertEquals(0, entries[0]);
    assertFalse(stuckEarly[0], "not stuck while approaching");
    assertTrue(d.stuck(), "stuck against the wall");
    assertTrue(clearance(loop.q(), volumes, LINK_RADIUS) >= 0);
  }

  /** The target itself inside a volume: the arm stops outside it and reports stuck. */
  @Test
  void stopsOutsideAVolumeAroundTheTarget() {
    double[] t = fk(GOAL_Q);
    List<KeepOut> volumes = List.of(new KeepOut.Sphere(t, 0.08));
    MppiPlanner planner = planner(volumes, 5);
    ClosedLoop loop = new ClosedLoop(TELOS6, 0.02, START);
    int[] entries = {0};
    ClosedLoop.Result r = loop.pursue(planner, ClosedLoop.goal("inside", new Target.Position(t[0], t[1], t[2]), 0.01),
        5.0, 0.1, chunk -> entries[0] +=
            clearance(loop.q(), volumes, LINK_RADIUS) < 0 || chunkClearance(chunk, volumes) < 0 ? 1 : 0);
    PlanDiagnostics d = planner.lastDiagnostics();
    double c = clearance(loop.q(), volumes, LINK_RADIUS);
    System.out.printf("[keep-out] target inside a sphere: error %.3f m, clearance %.4f m, stuck=%s infeasible=%s%n",
        r.finalError(), c, d.stuck(), d.infeasible());
    assertFalse(r.reached());
    assertEquals(0, entries[0]);
    assertTrue(c >= 0);
    assertTrue(r.finalError() < 0.08 + LINK_RADIUS + 0.1, "got close: " + r.finalError());
    assertTrue(d.stuck() || d.infeasible());
  }

  /** Already inside a volume: every sample breaks the guardrail, the planner holds and says so. */
  @Test
  void holdsAndReportsInfeasibleWhenStartedInsideAVolume() {
    double[] ee = fk(START);
    List<KeepOut> volumes = List.of(new KeepOut.Sphere(ee, 0.15));
    MppiPlanner planner = planner(volumes, 6);
    ClosedLoop loop = new ClosedLoop(TELOS6, 0.02, START);
    ActionChunk chunk = planner.plan(loop.observe(), ClosedLoop.goal("g", new Target.Position(0.3, 0.3, 0.6), 0.01));
    PlanDiagnostics d = planner.lastDiagnostics();
    assertTrue(d.infeasible());
    assertTrue(d.hold());
    for (Setpoint sp : chunk.setpoints()) {
      for (int i = 0; i < 6; i++) {
        assertEquals(START[i], sp.position().get(i), 1e-12);
        assertEquals(0.0, sp.velocity().get(i));
      }
    }
    MppiPlanner free = planner(List.of(), 6);
    free.plan(loop.observe(), ClosedLoop.goal("g", new Target.Position(0.3, 0.3, 0.6), 0.01));
    assertFalse(free.lastDiagnostics().infeasible());
    assertFalse(free.lastDiagnostics().hold());
    assertFalse(free.lastDiagnostics().stuck());
  }

  static double sq(double v) {
    return v * v;
  }
}
