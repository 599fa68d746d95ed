package io.telos.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.Setpoint;
import io.telos.api.Target;
import io.telos.model.JointLimits;
import io.telos.model.RobotModel;
import io.telos.planner.FakeWorldModel.Defect;
import io.telos.planner.cost.CostConfig;
import io.telos.planner.cost.GuardrailConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sampling planner over a misbehaving world model: its output stays safe. */
class WorldModelFakeTest {
  private static final RobotModel PLANAR2 = RobotModel.load("builtin:planar2");
  private static final Goal GOAL = ClosedLoop.goal("g", new Target.Position(-0.2, 0.7, 0), 0.01);

  @Test
  void predictionsPastTheLimitsAreClippedAndReported() {
    MppiConfig config = MppiConfig.defaults();
    MppiPlanner planner = new MppiPlanner(PLANAR2, new FakeWorldModel(PLANAR2, config.dtS(), Defect.IGNORES_LIMITS),
        config);
    ActionChunk chunk = planner.plan(MppiPlannerTest.observation(PLANAR2, new double[] {2.7, 2.5}, 0), GOAL);
    assertInside(chunk, PLANAR2.limits());
    assertTrue(planner.lastDiagnostics().clippedValues() > 0);
  }

  @Test
  void aModelThatReturnsNanGivesAFiniteHoldingPlan() {
    MppiConfig config = MppiConfig.defaults();
    MppiPlanner planner = new MppiPlanner(PLANAR2, new FakeWorldModel(PLANAR2, config.dtS(), Defect.NAN), config);
    ActionChunk chunk = planner.plan(MppiPlannerTest.observation(PLANAR2, new double[] {0.4, -0.2}, 0), GOAL);
    assertInside(chunk, PLANAR2.limits());
    for (Setpoint sp : chunk.setpoints()) {
      assertEquals(0.4, sp.position().get(0), 1e-12);
      assertEquals(0.0, sp.velocity().get(0));
    }
    assertTrue(Double.isFinite(chunk.energy()));
  }

  @Test
  void uncertaintyReachesTheEnergyAndTheDiagnostics() {
    CostConfig d = CostConfig.defaults();
    CostConfig weighted = new CostConfig(d.reachWeight(), d.terminalWeight(), d.smoothnessWeight(), d.postureWeight(),
        d.subgoalWeight(), d.subgoalFadeM(), 2.0);
    MppiConfig base = MppiConfig.defaults();
    MppiConfig config = new MppiConfig(base.method(), base.samples(), base.horizon(), base.iterations(), base.dtS(),
        base.noise(), base.noiseMin(), base.annealDistance(), base.annealDistanceRad(), base.noiseSmoothing(), base.temperature(),
        base.eliteFraction(), base.velocityScale(), base.seed(), weighted, GuardrailConfig.defaults());
    var obs = MppiPlannerTest.observation(PLANAR2, new double[] {0.4, -0.2}, 0);
    MppiPlanner sure = new MppiPlanner(PLANAR2, new FakeWorldModel(PLANAR2, config.dtS(), Defect.NONE), config);
    MppiPlanner unsure = new MppiPlanner(PLANAR2, new FakeWorldModel(PLANAR2, config.dtS(), Defect.UNCERTAIN), config);
    double e0 = sure.plan(obs, GOAL).energy();
    double e1 = unsure.plan(obs, GOAL).energy();
    assertEquals(0.5, unsure.lastDiagnostics().uncertainty(), 1e-12);
    assertEquals(0.0, sure.lastDiagnostics().uncertainty());
    assertEquals(e0 + 2.0 * 0.5, e1, 1e-9, "same samples, plus the uncertainty term");
  }

  @Test
  void providersAreFoundByType() {
    assertTrue(Planners.providers().keySet().containsAll(java.util.Set.of("analytic", "fake")));
    InstrumentedPlanner p = Planners.create(PLANAR2, Map.of("type", "mppi", "world_model",
        Map.of("type", "fake", "defect", "uncertain")), 1);
    assertEquals("fake-uncertain", ((MppiPlanner) p).worldModel().name());
  }

  @Test
  void aModelWithAnotherStepIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new MppiPlanner(PLANAR2, new FakeWorldModel(PLANAR2, 0.1, Defect.NONE), MppiConfig.defaults()));
    assertTrue(e.getMessage().startsWith("planner.dt_s"), e.getMessage());
  }

  static void assertInside(ActionChunk chunk, JointLimits lim) {
    long prev = chunk.header().stampNs();
    for (Setpoint sp : chunk.setpoints()) {
      assertTrue(sp.timeNs() > prev, "times increase");
      prev = sp.timeNs();
      assertTrue(sp.position().isFinite() && sp.velocity().isFinite(), "finite " + sp);
      for (int i = 0; i < lim.size(); i++) {
        double q = sp.position().get(i);
        double v = sp.velocity().get(i);
        assertTrue(q >= lim.lower(i) && q <= lim.upper(i), "position " + i + " = " + q);
        assertTrue(Math.abs(v) <= lim.velocity(i), "velocity " + i + " = " + v);
      }
    }
  }
}
