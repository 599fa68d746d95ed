package io.telos.planner;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.Observation;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.model.JointLimits;
import io.telos.model.RobotModel;
import io.telos.planner.MppiConfig.Method;
import io.telos.planner.cost.GuardrailConfig;
import io.telos.planner.cost.KeepOut;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Whatever the state (any joint positions clear of the volumes, any velocity up to 1.5 × the limits)
 * and target (reachable or not, inside a volume or not), no setpoint of any plan puts any part of
 * the arm (link capsules of radius {@code link_radius_m}) inside a keep-out volume.
 */
class KeepOutPropertyTest {
  private static final RobotModel TELOS6 = KeepOutTest.TELOS6;

  private static final AtomicInteger CHECKED = new AtomicInteger();
  private static final AtomicInteger CHUNKS = new AtomicInteger();
  private static final AtomicInteger HOLDS = new AtomicInteger();

  @AfterContainer
  static void report() {
    System.out.printf("[keep-out property] %d cases checked, %d plans, %d holds, 0 setpoints inside a volume%n",
        CHECKED.get(), CHUNKS.get(), HOLDS.get());
  }

  record Case(double[] q, double[] qd, Target target, List<KeepOut> volumes, int calls) {}

  @Property(tries = 100)
  void mppiNeverPlansIntoAVolume(@ForAll("cases") Case c) {
    check(new MppiPlanner(TELOS6, config(MppiConfig.defaults().withBudget(64, 10, 1), c)), c);
  }

  @Property(tries = 25)
  void cemNeverPlansIntoAVolume(@ForAll("cases") Case c) {
    check(new MppiPlanner(TELOS6, config(MppiConfig.defaults(Method.CEM).withBudget(64, 10, 2), c)), c);
  }

  @Property(tries = 12)
  void defaultMppiNeverPlansIntoAVolume(@ForAll("cases") Case c) {
    check(new MppiPlanner(TELOS6, config(MppiConfig.defaults(), c)), c);
  }

  @Property(tries = 60)
  void dlsStopsRatherThanEnterAVolume(@ForAll("cases") Case c) {
    DlsConfig d = DlsConfig.defaults();
    check(new DlsIkPlanner(TELOS6, new DlsConfig(d.horizon(), d.dtS(), d.gain(), d.damping(), d.maxSpeed(),
        d.nullSpaceGain(), d.ikRestarts(), d.blendDistanceM(), d.velocityScale(), d.costs(),
        d.guardrails().withKeepOut(c.volumes(), KeepOutTest.LINK_RADIUS))), c);
  }

  private static MppiConfig config(MppiConfig base, Case c) {
    return base.withGuardrails(base.guardrails().withKeepOut(c.volumes(), KeepOutTest.LINK_RADIUS));
  }

  private static void check(InstrumentedPlanner planner, Case c) {
    Assume.that(!c.volumes().isEmpty());
    CHECKED.incrementAndGet();
    Goal goal = new Goal(Header.of(0, 0, "test"), "p", c.target(), 0.01, 1_000_000_000L);
    double[] q = c.q().clone();
    double[] qd = c.qd().clone();
    for (int call = 0; call < c.calls(); call++) {
      Observation obs = new Observation(Header.of(call, call * 20_000_000L, "test"), Vec.of(q), Vec.of(qd),
          TELOS6.chain().forwardPose(q), null, 0);
      ActionChunk chunk = planner.plan(obs, goal);
      WorldModelFakeTest.assertInside(chunk, TELOS6.limits());
      double clearance = KeepOutTest.chunkClearance(chunk, c.volumes());
      assertTrue(clearance >= 0, "call " + call + ": a setpoint enters a volume by " + (-clearance) + " m; "
          + planner.lastDiagnostics());
      CHUNKS.incrementAndGet();
      HOLDS.addAndGet(planner.lastDiagnostics().hold() ? 1 : 0);
      chunk.setpoints().get(0).position().copyTo(q);
      chunk.setpoints().get(0).velocity().copyTo(qd);
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<double[]> fractions = Arbitraries.doubles().between(0, 1).array(double[].class).ofSize(6);
    Arbitrary<double[]> speeds = Arbitraries.doubles().between(-1.5, 1.5).array(double[].class).ofSize(6);
    Arbitrary<Double> coordinate = Arbitraries.doubles().between(-0.9, 0.9);
    Arbitrary<Target> positions = Combinators.combine(coordinate, coordinate, Arbitraries.doubles().between(-0.2, 1.2))
        .as(Target.Position::new);
    Arbitrary<double[]> centre = Combinators.combine(coordinate, coordinate, Arbitraries.doubles().between(0, 1.1))
        .as((x, y, z) -> new double[] {x, y, z});
    Arbitrary<Double> size = Arbitraries.doubles().between(0.02, 0.25);
    Arbitrary<KeepOut> box = Combinators.combine(centre, size, size, size)
        .as((c0, a, b, h) -> new KeepOut.Box(new double[] {c0[0] - a, c0[1] - b, c0[2] - h},
            new double[] {c0[0] + a, c0[1] + b, c0[2] + h}));
    Arbitrary<KeepOut> sphere = Combinators.combine(centre, size).as(KeepOut.Sphere::new);
    Arbitrary<KeepOut> capsule = Combinators.combine(centre, centre, size)
        .as((a, b, r) -> new KeepOut.Capsule(a, b, 0.5 * r));
    Arbitrary<List<KeepOut>> volumes = Arbitraries.oneOf(box, sphere, capsule).list().ofMinSize(1).ofMaxSize(3);
    Arbitrary<Integer> calls = Arbitraries.integers().between(1, 4);
    // Often also a box or sphere on the way from the end-effector to the target.
    Arbitrary<double[]> onTheWay = Combinators.combine(Arbitraries.of(0, 1, 2), Arbitraries.doubles().between(0.3, 0.8),
        size).as((kind, at, r) -> new double[] {kind, at, r});
    return Combinators.combine(fractions, speeds, positions, volumes, calls, onTheWay).as((f, v, p, vol, k, way) -> {
      JointLimits lim = TELOS6.limits();
      double[] q = new double[6];
      double[] qd = new double[6];
      for (int i = 0; i < 6; i++) {
        q[i] = lim.lower(i) + f[i] * (lim.upper(i) - lim.lower(i));
        qd[i] = v[i] * lim.velocity(i);
      }
      List<KeepOut> all = new java.util.ArrayList<>(vol);
      if (way[0] > 0 && p instanceof Target.Position t) {
        double[] ee = TELOS6.chain().forwardPosition(q);
        double[] c = {ee[0] + way[1] * (t.xM() - ee[0]), ee[1] + way[1] * (t.yM() - ee[1]),
          ee[2] + way[1] * (t.zM() - ee[2])};
        double r = way[2];
        all.add(way[0] == 1 ? new KeepOut.Sphere(c, r)
            : new KeepOut.Box(new double[] {c[0] - r, c[1] - r, c[2] - r}, new double[] {c[0] + r, c[1] + r, c[2] + r}));
      }
      // The arm starts clear of every volume (0.02 m beyond its link radius): volumes it would start in are left out.
      all.removeIf(o -> KeepOutTest.clearance(q, List.of(o), KeepOutTest.LINK_RADIUS) < 0.02);
      return new Case(q, qd, p, List.copyOf(all), k);
    });
  }
}
