package io.telos.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Target;
import io.telos.model.RobotModel;
import io.telos.planner.cost.Energy;
import io.telos.planner.cost.Rollout;
import io.telos.planner.cost.SelfCollisionCost;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The self-collision and table guardrail on the UR5e-like test arm: home clear, folded and under-table poses hard. */
class SelfCollisionCostTest {
  private static final RobotModel UR5E = RobotModel.load(
      Path.of("../../agent/robot-model/src/test/resources/io/telos/model/arms/ur5e.urdf").toString());
  private static final double[] HOME = {0, -1.57, 1.57, -1.57, -1.57, 0};
  private static final double[] FOLDED = {1.29, -1.34, 0.43, 2.28, 2.0, -0.56}; // wrist folded onto the forearm
  private static final double[] UNDER = {0, 0.6, 0, 0, 0, 0}; // upper arm into the table

  /** Three samples of two steps, each holding one configuration. */
  private static Rollout rollout(double[]... q) {
    AnalyticWorldModel m = new AnalyticWorldModel(UR5E, 0.05);
    Rollout r = new Rollout(m, q.length, 2);
    r.run(m, new double[12], false);
    for (int t = 1; t <= 2; t++) {
      for (int k = 0; k < q.length; k++) {
        System.arraycopy(q[k], 0, r.positions(t), 6 * k, 6);
      }
    }
    return r;
  }

  @Test
  void homeIsFreeFoldedAndUnderTheTableAreHard() {
    SelfCollisionCost cost = SelfCollisionCost.of(UR5E);
    double[] c = new double[3];
    cost.accumulate(rollout(HOME, FOLDED, UNDER), new Target.Position(0.4, 0, 0.4), c);
    assertEquals(0.0, c[0]);
    assertTrue(Energy.breaksHardLimit(c[1]), "folded: " + c[1]);
    assertTrue(Energy.breaksHardLimit(c[2]), "under the table: " + c[2]);
    assertTrue(c[2] > c[1], "deeper costs more: the upper arm is ~0.4 m under, the wrist ~0.1 m into the forearm");
    assertEquals(Double.POSITIVE_INFINITY, cost.penetration(new double[] {Double.NaN, 0, 0, 0, 0, 0}, 0));
  }

  @Test
  void perConfigurationCostIsSmall() {
    SelfCollisionCost cost = SelfCollisionCost.of(UR5E);
    double[] q = HOME.clone();
    double sink = 0;
    for (int warm = 0; warm < 200_000; warm++) {
      q[1] = -1.57 + 1e-6 * (warm % 100);
      sink += cost.penetration(q, 0);
    }
    long t0 = System.nanoTime();
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      q[3] = -1.57 + 1e-6 * (i % 100);
      sink += cost.penetration(q, 0);
    }
    double ns = (System.nanoTime() - t0) / (double) n;
    System.out.printf("self-collision check: %.0f ns per configuration (%d capsule pairs)%n", ns,
        cost.model().pairCount());
    assertEquals(0.0, sink);
    assertTrue(ns < 20_000, "per configuration " + ns + " ns");
  }
}
