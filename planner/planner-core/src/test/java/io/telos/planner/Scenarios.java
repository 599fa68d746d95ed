package io.telos.planner;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Target;
import io.telos.api.spi.Planner;
import io.telos.model.RobotModel;
import java.util.List;

/** Shared closed-loop scenarios: a sequence of seeded reachable targets from the zero pose. */
final class Scenarios {
  static final double TOLERANCE_M = 0.01;
  static final double TIMEOUT_S = 6.0;
  static final double SETTLE_S = 0.1;

  private Scenarios() {}

  /** Pursues {@code count} seeded targets one after the other; returns how many were reached. */
  static int reachTargets(String label, RobotModel robot, Planner planner, int count, long seed, double periodS) {
    ClosedLoop loop = new ClosedLoop(robot, periodS, new double[robot.dof()]);
    List<double[]> targets = ClosedLoop.targets(robot, count, seed);
    int reached = 0;
    double totalS = 0;
    double worst = 0;
    int plans = 0;
    for (int i = 0; i < targets.size(); i++) {
      double[] p = targets.get(i);
      ClosedLoop.Result r = loop.pursue(planner,
          ClosedLoop.goal("target-" + i, new Target.Position(p[0], p[1], p[2]), TOLERANCE_M), TIMEOUT_S, SETTLE_S,
          chunk -> assertTrue(chunk.setpoints().size() > 0));
      plans += r.plans();
      if (r.reached()) {
        reached++;
        totalS += r.timeS();
        worst = Math.max(worst, r.timeS());
      } else {
        System.out.printf("[%s] missed target %d %s: error %.4f m%n", label, i, java.util.Arrays.toString(p),
            r.finalError());
      }
    }
    System.out.printf("[%s] reached %d/%d targets within %.0f mm (mean %.2f s, worst %.2f s, %d plans)%n", label,
        reached, count, TOLERANCE_M * 1000, totalS / Math.max(1, reached), worst, plans);
    return reached;
  }
}
