package io.telos.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.Observation;
import io.telos.api.Setpoint;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.model.RobotModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContinuityTest {
  private static final RobotModel TELOS6 = RobotModel.load("builtin:telos6");
  private static final long MS = 1_000_000L;
  private static final Goal GOAL = new Goal(Header.of(0, 0, "test"), "g", new Target.Position(0.4, 0.2, 0.5), 0.01,
      60_000 * MS);

  private static MppiPlanner planner(Continuity c) {
    return new MppiPlanner(TELOS6, new AnalyticWorldModel(MppiPlanner.plannerRobot(TELOS6, 0.9), 0.05),
        MppiConfig.defaults().withSeed(7), c);
  }

  private static Observation observe(long stampNs, double[] q, double[] qd) {
    return new Observation(Header.of(stampNs / MS, stampNs, "test"), Vec.of(q), Vec.of(qd),
        TELOS6.chain().forwardPose(q), null, 0);
  }

  /** Where a chunk puts the arm at {@code t}: linear between setpoints, from {@code q0} at {@code t0}. */
  private static double[] at(ActionChunk c, long t0, double[] q0, long t) {
    List<Setpoint> sps = c.setpoints();
    long prevT = t0;
    double[] prev = q0;
    for (Setpoint sp : sps) {
      if (t <= sp.timeNs()) {
        double f = (double) (t - prevT) / (sp.timeNs() - prevT);
        double[] q = new double[prev.length];
        for (int i = 0; i < q.length; i++) {
          q[i] = prev[i] + f * (sp.position().get(i) - prev[i]);
        }
        return q;
      }
      prevT = sp.timeNs();
      prev = sp.position().toArray();
    }
    return prev;
  }

  @Test
  void plansStartAtTheMomentTheyApplyWhileTheArmFollows() {
    MppiPlanner p = planner(new Continuity(0.01, 0.05));
    double[] q0 = new double[6];
    ActionChunk first = p.plan(observe(0, q0, new double[6]), GOAL);
    assertEquals(50 * MS, first.setpoints().get(0).timeNs(), "the first plan starts at its observation");

    double[] q20 = at(first, 0, q0, 20 * MS); // the arm followed the plan exactly
    ActionChunk second = p.plan(observe(20 * MS, q20, first.setpoints().get(0).velocity().toArray()), GOAL);
    assertEquals((20 + 10 + 50) * MS, second.setpoints().get(0).timeNs(), "starts latency_s after its observation");

    double[] pushed = q20.clone();
    pushed[0] += 0.2; // someone pushed the arm: the plan in flight says nothing any more
    ActionChunk third = p.plan(observe(40 * MS, pushed, new double[6]), GOAL);
    assertEquals((40 + 50) * MS, third.setpoints().get(0).timeNs(), "re-synchronised on the measurement");
  }

  @Test
  void compensatedPlanBeginsAheadOfTheMeasurementAlongTheMotion() {
    // The same observation, planned with and without compensation: with it, the first setpoint lies
    // further along the direction the arm is moving (it starts where the arm will be).
    double[] q0 = new double[6];
    MppiPlanner on = planner(new Continuity(0.02, 0.05));
    MppiPlanner off = planner(Continuity.OFF);
    ActionChunk a = on.plan(observe(0, q0, new double[6]), GOAL);
    ActionChunk b = off.plan(observe(0, q0, new double[6]), GOAL);
    assertEquals(a.setpoints(), b.setpoints(), "identical until there is a plan in flight");
    double[] q20 = at(a, 0, q0, 20 * MS);
    double[] v = a.setpoints().get(0).velocity().toArray();
    Observation o = observe(20 * MS, q20, v);
    ActionChunk withC = on.plan(o, GOAL);
    ActionChunk without = off.plan(o, GOAL);
    double along = 0;
    double norm = 0;
    for (int i = 0; i < 6; i++) {
      double moved = q20[i] - q0[i];
      along += moved * (withC.setpoints().get(0).position().get(i) - without.setpoints().get(0).position().get(i));
      norm += moved * moved;
    }
    assertTrue(norm > 1e-8, "the arm was moving");
    assertTrue(along > 0, "the compensated plan starts ahead along the motion, got " + along);
  }

  @Test
  void settingsAreReadAndCheckedWithTheirKeys() {
    assertFalse(Continuity.from(Settings.empty("planner")).enabled(), "off unless asked for");
    Continuity c = Continuity.from(new Settings("planner", Map.of("latency_s", 0.02, "resync_rad", 0.1)));
    assertEquals(new Continuity(0.02, 0.1), c);
    assertTrue(c.enabled());
    ConfigException e = assertThrows(ConfigException.class,
        () -> Continuity.from(new Settings("planner", Map.of("latency_s", -1))));
    assertTrue(e.getMessage().contains("planner.latency_s"), e.getMessage());
    // accepted by the planner factory, not refused as unknown keys
    Planners.create(TELOS6, Map.of("type", "mppi", "latency_s", 0.01, "resync_rad", 0.05), 1);
  }
}
