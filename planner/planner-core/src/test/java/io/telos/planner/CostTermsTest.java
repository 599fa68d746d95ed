package io.telos.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.model.RobotModel;
import io.telos.planner.cost.Energy;
import io.telos.planner.cost.JointLimitCost;
import io.telos.planner.cost.PostureCost;
import io.telos.planner.cost.ReachCost;
import io.telos.planner.cost.Rollout;
import io.telos.planner.cost.SmoothnessCost;
import io.telos.planner.cost.SubgoalCost;
import io.telos.planner.cost.VelocityLimitCost;
import io.telos.planner.cost.WorkspaceCost;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Each cost term on hand-made planar2 trajectories (probes written directly into the rollout). */
class CostTermsTest {
  private static final RobotModel PLANAR2 = RobotModel.load("builtin:planar2");
  private static final Target ANY = new Target.Position(0.5, 0, 0);

  /** Two samples of three steps; sample k holds positions q_k and velocities qd_k at every step. */
  private static Rollout rollout(double[] q0, double[] q1, double[] qd0, double[] qd1) {
    AnalyticWorldModel m = new AnalyticWorldModel(PLANAR2, 0.05);
    Rollout r = new Rollout(m, 2, 3);
    r.run(m, new double[4], false);
    for (int t = 1; t <= 3; t++) {
      System.arraycopy(q0, 0, r.positions(t), 0, 2);
      System.arraycopy(q1, 0, r.positions(t), 2, 2);
      System.arraycopy(qd0, 0, r.velocities(t), 0, 2);
      System.arraycopy(qd1, 0, r.velocities(t), 2, 2);
      double[] e0 = PLANAR2.chain().forwardPosition(q0);
      double[] e1 = PLANAR2.chain().forwardPosition(q1);
      System.arraycopy(e0, 0, r.endEffector(t), 0, 3);
      System.arraycopy(e1, 0, r.endEffector(t), 3, 3);
    }
    return r;
  }

  private static double[] eval(io.telos.planner.cost.CostTerm term, Rollout r, Target target) {
    double[] c = new double[2];
    term.accumulate(r, target, c);
    return c;
  }

  @Test
  void reachIsTheDistanceWithAHeavierTerminalTerm() {
    Rollout r = rollout(new double[] {0, 0}, new double[] {0, Math.PI / 2}, new double[2], new double[2]);
    double[] c = eval(new ReachCost(1.0, 4.0), r, new Target.Position(0.9, 0, 0));
    assertEquals(0.0, c[0], 1e-12);
    double d = Math.hypot(0.5 - 0.9, 0.4);
    assertEquals(5.0 * d, c[1], 1e-12);
    double[] j = eval(new ReachCost(1.0, 4.0), r, new Target.Joints(Vec.of(0, 0)));
    assertEquals(0.0, j[0], 1e-12);
    assertEquals(5.0 * Math.PI / 2, j[1], 1e-12);
  }

  @Test
  void jointLimitBarrierRisesNearLimitsAndIsHardOnThem() {
    JointLimitCost cost = new JointLimitCost(PLANAR2.limits(), 0.1, 1.0);
    double[] c = eval(cost, rollout(new double[] {0, 0}, new double[] {2.75, 0}, new double[2], new double[2]), ANY);
    assertEquals(0.0, c[0]);
    assertEquals(3 * 0.25, c[1], 1e-9); // ((0.1 - 0.05) / 0.1)^2 per step
    double[] hard = eval(cost, rollout(new double[] {2.8, 0}, new double[] {0, -2.9}, new double[2], new double[2]), ANY);
    assertTrue(hard[0] >= 3 * Energy.HARD_COST);
    assertTrue(hard[1] > hard[0], "a deeper breach costs more");
  }

  @Test
  void velocityBarrierAndHardLimit() {
    VelocityLimitCost cost = new VelocityLimitCost(PLANAR2.limits(), 0.9, 1.0);
    double[] c = eval(cost, rollout(new double[2], new double[2], new double[] {1.0, -1.0}, new double[] {1.9, 0}), ANY);
    assertEquals(0.0, c[0]);
    assertEquals(3 * 0.25, c[1], 1e-9); // ratio 0.95 -> ((0.95 - 0.9) / 0.1)^2
    double[] hard = eval(cost, rollout(new double[2], new double[2], new double[] {2.1, 0}, new double[] {0, Double.NaN}), ANY);
    assertTrue(Energy.breaksHardLimit(hard[0]));
    assertTrue(Energy.breaksHardLimit(hard[1]));
  }

  @Test
  void workspaceBoxIsHard() {
    WorkspaceCost box = new WorkspaceCost(new double[] {-1, -1, 0}, new double[] {0.7, 1, 1});
    double[] c = eval(box, rollout(new double[] {Math.PI / 2, 0}, new double[] {0, 0}, new double[2], new double[2]), ANY);
    assertEquals(0.0, c[0]);
    assertEquals(3 * Energy.HARD_COST * (1 + 0.2), c[1], 1e-3);
    assertEquals(0.0, box.outside(0, 0, 0));
    assertEquals(Double.POSITIVE_INFINITY, box.outside(Double.NaN, 0, 0));
  }

  @Test
  void smoothnessPenalisesChangesOfTheCommand() {
    AnalyticWorldModel m = new AnalyticWorldModel(PLANAR2, 0.05);
    Rollout r = new Rollout(m, 2, 3);
    Arrays.fill(r.previousAction(), 0.5);
    for (int t = 0; t < 3; t++) {
      r.actions(t)[0] = 0.5;
      r.actions(t)[1] = 0.5;
      r.actions(t)[2] = t % 2 == 0 ? 1.0 : 0.0;
      r.actions(t)[3] = 0.5;
    }
    r.run(m, new double[4], false);
    double[] c = eval(new SmoothnessCost(PLANAR2.limits(), 3.0), r, ANY);
    assertEquals(0.0, c[0], 1e-12);
    assertEquals((0.25 + 1 + 1) / 4.0, c[1], 1e-12); // ((du / 2.0)^2 summed) * 3 / 3 steps
  }

  @Test
  void postureAndSubgoalPull() {
    Rollout r = rollout(new double[] {0, 0}, new double[] {1.4, 0}, new double[2], new double[2]);
    double[] p = eval(new PostureCost(PLANAR2.limits(), 1.0), r, ANY);
    assertEquals(0.0, p[0], 1e-12);
    assertEquals(0.25, p[1], 1e-12);
    SubgoalCost sub = new SubgoalCost(2, 2.0);
    assertEquals(0.0, eval(sub, r, ANY)[1]);
    sub.set(new double[] {1.4, 0}, 0.5);
    double[] s = eval(sub, r, ANY);
    assertEquals(2.0 * 0.5 * 2 * 1.4, s[0], 1e-12);
    assertEquals(0.0, s[1], 1e-12);
  }
}
