package io.telos.planner;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.Observation;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.model.JointLimits;
import io.telos.model.RobotModel;
import io.telos.planner.MppiConfig.Method;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever the state (at or near the limits, too fast) and whatever the target (unreachable, below
 * the floor, far outside the workspace, joint targets past the limits), every setpoint of every
 * planner is finite, inside the position and velocity limits, and later than the observation.
 */
class PlannerSafetyTest {
  private static final RobotModel TELOS6 = RobotModel.load("builtin:telos6");
  private static final RobotModel PLANAR2 = RobotModel.load("builtin:planar2");

  record Case(boolean sixAxis, double[] q, double[] qd, Target target, long stampNs, int calls) {}

  @Property(tries = 40)
  void mppiSetpointsStayInsideLimits(@ForAll("cases") Case c) {
    RobotModel robot = c.sixAxis() ? TELOS6 : PLANAR2;
    check(robot, new MppiPlanner(robot, MppiConfig.defaults().withBudget(64, 10, 1)), c);
  }

  @Property(tries = 25)
  void cemSetpointsStayInsideLimits(@ForAll("cases") Case c) {
    RobotModel robot = c.sixAxis() ? TELOS6 : PLANAR2;
    check(robot, new MppiPlanner(robot, MppiConfig.defaults(Method.CEM).withBudget(64, 10, 2)), c);
  }

  @Property(tries = 60)
  void dlsSetpointsStayInsideLimits(@ForAll("cases") Case c) {
    RobotModel robot = c.sixAxis() ? TELOS6 : PLANAR2;
    check(robot, new DlsIkPlanner(robot, DlsConfig.defaults()), c);
  }

  @Property(tries = 10)
  void defaultMppiSetpointsStayInsideLimits(@ForAll("cases") Case c) {
    RobotModel robot = c.sixAxis() ? TELOS6 : PLANAR2;
    check(robot, new MppiPlanner(robot, MppiConfig.defaults()), c);
  }

  @net.jqwik.api.Example
  void nonFiniteObservationsAreRefusedNotPlannedFrom() {
    for (InstrumentedPlanner p : java.util.List.of(new MppiPlanner(PLANAR2, MppiConfig.defaults()),
        new DlsIkPlanner(PLANAR2, DlsConfig.defaults()))) {
      Goal goal = new Goal(Header.of(0, 0, "test"), "p", new Target.Position(0.3, 0.3, 0), 0.01, 1_000_000_000L);
      Observation bad = new Observation(Header.of(3, 0, "test"), Vec.of(0.1, Double.NaN), Vec.zeros(2),
          io.telos.api.Pose.IDENTITY, null, 0);
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> p.plan(bad, goal));
      org.junit.jupiter.api.Assertions.assertEquals("observation 3 has non-finite joint values", e.getMessage());
    }
  }

  private static void check(RobotModel robot, InstrumentedPlanner planner, Case c) {
    int n = robot.dof();
    Goal goal = new Goal(Header.of(0, 0, "test"), "p", c.target(), 0.01, 1_000_000_000L);
    double[] q = java.util.Arrays.copyOf(c.q(), n);
    double[] qd = java.util.Arrays.copyOf(c.qd(), n);
    for (int call = 0; call < c.calls(); call++) {
      long stamp = c.stampNs() + call * 20_000_000L;
      Observation obs = new Observation(Header.of(call, stamp, "test"), Vec.of(q), Vec.of(qd),
          robot.chain().forwardPose(q), null, 0);
      ActionChunk chunk = planner.plan(obs, goal);
      WorldModelFakeTest.assertInside(chunk, robot.limits());
      chunk.setpoints().get(0).position().copyTo(q);
      chunk.setpoints().get(0).velocity().copyTo(qd);
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<Boolean> six = Arbitraries.of(true, false);
    Arbitrary<double[]> fractions = Arbitraries.doubles().between(-0.05, 1.05).array(double[].class).ofSize(6);
    Arbitrary<double[]> speeds = Arbitraries.doubles().between(-1.5, 1.5).array(double[].class).ofSize(6);
    Arbitrary<Target> positions = Combinators.combine(
        Arbitraries.doubles().between(-3, 3), Arbitraries.doubles().between(-3, 3), Arbitraries.doubles().between(-2, 3))
        .as(Target.Position::new);
    Arbitrary<double[]> jointFractions = Arbitraries.doubles().between(-0.5, 1.5).array(double[].class).ofSize(6);
    Arbitrary<Boolean> jointTarget = Arbitraries.of(false, false, false, true);
    Arbitrary<Long> stamps = Arbitraries.longs().between(0, 1_000_000_000_000L);
    Arbitrary<Integer> calls = Arbitraries.integers().between(1, 4);
    return Combinators.combine(six, fractions, speeds, positions, jointFractions, jointTarget, stamps, calls)
        .as((s, f, v, p, jf, jt, stamp, k) -> {
          RobotModel robot = s ? TELOS6 : PLANAR2;
          JointLimits lim = robot.limits();
          int n = robot.dof();
          double[] q = new double[n];
          double[] qd = new double[n];
          double[] qt = new double[n];
          for (int i = 0; i < n; i++) {
            q[i] = clamp(lim.lower(i) + f[i] * (lim.upper(i) - lim.lower(i)), lim.lower(i), lim.upper(i));
            qd[i] = v[i] * lim.velocity(i);
            qt[i] = lim.lower(i) + jf[i] * (lim.upper(i) - lim.lower(i));
          }
          Target target = jt ? new Target.Joints(Vec.of(qt)) : p;
          return new Case(s, q, qd, target, stamp, k);
        });
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
