package io.telos.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.model.RobotModel;
import io.telos.planner.cost.CostConfig;
import io.telos.planner.cost.GuardrailConfig;
import org.junit.jupiter.api.Test;

class DlsIkPlannerTest {
  private static final RobotModel TELOS6 = RobotModel.load("builtin:telos6");
  private static final RobotModel PLANAR2 = RobotModel.load("builtin:planar2");

  @Test
  void telos6ReachesSeededRandomTargets() {
    int reached = Scenarios.reachTargets("dls telos6", TELOS6, new DlsIkPlanner(TELOS6, DlsConfig.defaults()), 20,
        2024, 0.05);
    assertTrue(reached >= 19, "reached " + reached + "/20");
  }

  @Test
  void planar2ReachesSeededRandomTargets() {
    int reached = Scenarios.reachTargets("dls planar2", PLANAR2, new DlsIkPlanner(PLANAR2, DlsConfig.defaults()), 20,
        99, 0.05);
    assertTrue(reached >= 19, "reached " + reached + "/20");
  }

  @Test
  void pureLocalStepsConvergeOnAnEasyTarget() {
    DlsConfig local = new DlsConfig(10, 0.05, 3.0, 0.04, 0.6, 0.3, 0, 0.1, 0.9, CostConfig.defaults(),
        GuardrailConfig.defaults());
    ClosedLoop loop = new ClosedLoop(PLANAR2, 0.05, new double[] {0.2, 0.5});
    Goal goal = ClosedLoop.goal("easy", new Target.Position(0.4, 0.6, 0), 0.01);
    assertTrue(loop.pursue(new DlsIkPlanner(PLANAR2, local), goal, 6, 0.1, null).reached());
  }

  @Test
  void reachesAJointTarget() {
    ClosedLoop loop = new ClosedLoop(TELOS6, 0.05, new double[6]);
    Goal goal = ClosedLoop.goal("joints", new Target.Joints(Vec.of(0.8, -0.6, 1.2, -0.4, 0.9, 0.3)), 0.01);
    assertTrue(loop.pursue(new DlsIkPlanner(TELOS6, DlsConfig.defaults()), goal, 6, 0.1, null).reached());
  }

  @Test
  void chunkShapeMatchesTheSamplingPlanners() {
    DlsIkPlanner planner = new DlsIkPlanner(TELOS6, DlsConfig.defaults());
    long stamp = 3_000_000_000L;
    ActionChunk chunk = planner.plan(MppiPlannerTest.observation(TELOS6, new double[6], stamp),
        ClosedLoop.goal("g1", new Target.Position(0.5, 0.2, 0.5), 0.01));
    assertEquals("g1", chunk.goalId());
    assertEquals(10, chunk.setpoints().size());
    for (int k = 0; k < 10; k++) {
      assertEquals(stamp + (k + 1) * 50_000_000L, chunk.setpoints().get(k).timeNs());
    }
    assertTrue(Double.isFinite(chunk.energy()));
    assertEquals("dls", planner.lastDiagnostics().planner());
    assertEquals(chunk.energy(), planner.lastDiagnostics().energy());
  }
}
