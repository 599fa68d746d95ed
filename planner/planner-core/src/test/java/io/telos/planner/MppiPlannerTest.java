package io.telos.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.Observation;
import io.telos.api.Setpoint;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.model.RobotModel;
import io.telos.planner.MppiConfig.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MppiPlannerTest {
  private static final RobotModel TELOS6 = RobotModel.load("builtin:telos6");
  private static final RobotModel PLANAR2 = RobotModel.load("builtin:planar2");

  @Test
  void telos6ReachesSeededRandomTargets() {
    MppiPlanner planner = new MppiPlanner(TELOS6, MppiConfig.defaults().withSeed(42));
    int reached = Scenarios.reachTargets("mppi telos6", TELOS6, planner, 20, 2024, 0.05);
    assertTrue(reached >= 19, "reached " + reached + "/20");
  }

  @Test
  void telos6ReachesWhenReplanningFasterThanTheModelStep() {
    MppiPlanner planner = new MppiPlanner(TELOS6, MppiConfig.defaults().withSeed(7));
    int reached = Scenarios.reachTargets("mppi telos6 @50Hz", TELOS6, planner, 10, 77, 0.02);
    assertTrue(reached >= 9, "reached " + reached + "/10");
  }

  @Test
  void planar2ReachesSeededRandomTargets() {
    MppiPlanner planner = new MppiPlanner(PLANAR2, MppiConfig.defaults().withSeed(3));
    int reached = Scenarios.reachTargets("mppi planar2", PLANAR2, planner, 20, 99, 0.05);
    assertTrue(reached >= 19, "reached " + reached + "/20");
  }

  @Test
  void cemVariantReachesToo() {
    MppiPlanner planner = new MppiPlanner(TELOS6, MppiConfig.defaults(Method.CEM).withSeed(5));
    assertEquals("cem", planner.name());
    int reached = Scenarios.reachTargets("cem telos6", TELOS6, planner, 10, 31, 0.05);
    assertTrue(reached >= 9, "reached " + reached + "/10");
  }

  @Test
  void reachesAJointTarget() {
    MppiPlanner planner = new MppiPlanner(TELOS6, MppiConfig.defaults());
    ClosedLoop loop = new ClosedLoop(TELOS6, 0.05, new double[6]);
    Target target = new Target.Joints(Vec.of(0.8, -0.6, 1.2, -0.4, 0.9, 0.3));
    ClosedLoop.Result r = loop.pursue(planner, ClosedLoop.goal("joints", target, 0.02), 6, 0.1, null);
    assertTrue(r.reached(), "joint-space error " + r.finalError());
  }

  @Test
  void reachesAGoalObservationComparedInTheModelsStateSpace() {
    MppiPlanner planner = new MppiPlanner(TELOS6, MppiConfig.defaults());
    ClosedLoop loop = new ClosedLoop(TELOS6, 0.05, new double[6]);
    Vec q = Vec.of(0.8, -0.6, 1.2, -0.4, 0.9, 0.3);
    ClosedLoop.Result r = loop.pursue(planner, ClosedLoop.goal("observed", new Target.Observed(q, null), 0.02), 6, 0.1,
        null);
    assertTrue(r.reached(), "joint-space error " + r.finalError());
    // the classical baseline has no model to encode with and pursues the observation's joints
    ClosedLoop dls = new ClosedLoop(TELOS6, 0.05, new double[6]);
    assertTrue(dls.pursue(new DlsIkPlanner(TELOS6, DlsConfig.defaults()),
        ClosedLoop.goal("observed", new Target.Observed(q, null), 0.02), 6, 0.1, null).reached());
  }

  @Test
  void goalObservationOfTheWrongSizeIsRefused() {
    MppiPlanner planner = new MppiPlanner(TELOS6, MppiConfig.defaults());
    ClosedLoop loop = new ClosedLoop(TELOS6, 0.05, new double[6]);
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> planner.plan(loop.observe(), ClosedLoop.goal("x", new Target.Observed(Vec.of(1, 2), null), 0.02)));
    assertTrue(e.getMessage().contains("2 joints"), e.getMessage());
  }

  @Test
  void sameSeedGivesIdenticalChunks() {
    List<ActionChunk> a = run(new MppiPlanner(TELOS6, MppiConfig.defaults().withSeed(11)));
    List<ActionChunk> b = run(new MppiPlanner(TELOS6, MppiConfig.defaults().withSeed(11)));
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).setpoints(), b.get(i).setpoints(), "chunk " + i);
      assertEquals(Double.doubleToLongBits(a.get(i).energy()), Double.doubleToLongBits(b.get(i).energy()));
      assertEquals(a.get(i).header(), b.get(i).header());
    }
    List<ActionChunk> c = run(new MppiPlanner(TELOS6, MppiConfig.defaults().withSeed(12)));
    assertNotEquals(a.get(5).setpoints(), c.get(5).setpoints(), "another seed explores differently");
  }

  @Test
  void resetForgetsTheWarmStart() {
    MppiPlanner used = new MppiPlanner(PLANAR2, MppiConfig.defaults());
    run(used);
    used.reset();
    assertNull(used.lastDiagnostics());
    MppiPlanner fresh = new MppiPlanner(PLANAR2, MppiConfig.defaults());
    Observation obs = observation(PLANAR2, new double[] {0.3, -0.4}, 1_000_000_000L);
    Goal goal = ClosedLoop.goal("g", new Target.Position(0.2, 0.6, 0), 0.01);
    assertEquals(fresh.plan(obs, goal).setpoints(), used.plan(obs, goal).setpoints());
  }

  @Test
  void chunkHasTimedSetpointsForTheWholeHorizonAndDiagnostics() {
    MppiConfig config = MppiConfig.defaults();
    MppiPlanner planner = new MppiPlanner(TELOS6, config);
    long stamp = 5_000_000_000L;
    Observation obs = observation(TELOS6, new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, stamp);
    Goal goal = ClosedLoop.goal("goal-7", new Target.Position(0.4, 0.3, 0.5), 0.01);
    ActionChunk chunk = planner.plan(obs, goal);
    assertEquals("goal-7", chunk.goalId());
    assertEquals(stamp, chunk.header().stampNs());
    assertEquals(config.horizon(), chunk.setpoints().size());
    long dtNs = Math.round(config.dtS() * 1e9);
    for (int k = 0; k < chunk.setpoints().size(); k++) {
      assertEquals(stamp + (k + 1) * dtNs, chunk.setpoints().get(k).timeNs());
    }
    assertTrue(Double.isFinite(chunk.energy()) && chunk.energy() > 0);
    PlanDiagnostics d = planner.lastDiagnostics();
    assertNotNull(d);
    assertEquals("mppi", d.planner());
    assertEquals(chunk.energy(), d.energy());
    assertEquals(config.iterations(), d.iterations());
    assertEquals(config.samples(), d.samples());
    assertTrue(d.noiseScale() > 0 && d.noiseScale() <= 1);
    assertTrue(d.taskError() > 0.1);
    assertTrue(d.stepNs() > 0);
    assertTrue(d.bestSampleEnergy() <= d.energy() * 1.5 + 1);
    assertEquals(0.0, d.uncertainty());
  }

  @Test
  void aTargetBelowTheFloorNeverTakesTheEndEffectorOutOfTheWorkspace() {
    MppiPlanner planner = new MppiPlanner(TELOS6, MppiConfig.defaults());
    double[] q0 = {0.3, 1.0, 0.8, 0.2, 0.1, 0};
    ClosedLoop loop = new ClosedLoop(TELOS6, 0.05, q0);
    Goal goal = ClosedLoop.goal("floor", new Target.Position(0.6, 0.1, -0.3), 0.01);
    List<Double> lowest = new ArrayList<>();
    loop.pursue(planner, goal, 4.0, 0.1, chunk -> {
      for (Setpoint sp : chunk.setpoints()) {
        double z = TELOS6.chain().forwardPosition(sp.position().toArray())[2];
        lowest.add(z);
      }
    });
    double min = lowest.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    assertTrue(min >= -1e-6, "planned end-effector height " + min);
    double[] ee = TELOS6.chain().forwardPosition(loop.q());
    assertTrue(ee[2] < 0.03, "it still gets as close as the floor allows: z=" + ee[2]);
    assertTrue(Math.hypot(ee[0] - 0.6, ee[1] - 0.1) < 0.03, "right above the target: " + java.util.Arrays.toString(ee));
  }

  @Test
  void refusesAJointTargetOfTheWrongSize() {
    MppiPlanner planner = new MppiPlanner(PLANAR2, MppiConfig.defaults());
    Goal goal = ClosedLoop.goal("bad", new Target.Joints(Vec.of(1, 2, 3)), 0.01);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> planner.plan(observation(PLANAR2, new double[2], 0), goal));
    assertTrue(e.getMessage().contains("3 values for 2 joints"), e.getMessage());
  }

  private static List<ActionChunk> run(MppiPlanner planner) {
    ClosedLoop loop = new ClosedLoop(planner.worldModel().dof() == 6 ? TELOS6 : PLANAR2, 0.05,
        new double[planner.worldModel().dof()]);
    List<ActionChunk> out = new ArrayList<>();
    Target t = planner.worldModel().dof() == 6 ? new Target.Position(0.5, -0.3, 0.4) : new Target.Position(0.3, 0.5, 0);
    Goal goal = ClosedLoop.goal("det", t, 0.001);
    loop.pursue(planner, goal, 1.0, 0.1, out::add);
    return out;
  }

  static Observation observation(RobotModel robot, double[] q, long stampNs) {
    return new Observation(Header.of(0, stampNs, "test"), Vec.of(q), Vec.zeros(q.length),
        robot.chain().forwardPose(q), null, 0);
  }
}
