package io.telos.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Target;
import io.telos.model.ActuatorResponse;
import io.telos.model.RobotModel;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The analytic planner on an arm that lags its commands: with the response declared it plans in
 * command space and reaches its targets; with the arm taken to follow at once, the same planner
 * restarts every plan behind the command and misses.
 */
class LaggedArmTest {
  private static final RobotModel TELOS6 = RobotModel.load("builtin:telos6");
  private static final double[] HOME = {0, -0.5, 1.2, -0.7, 1.57, 0};
  private static final int TARGETS = 6;

  static int reached(RobotModel declared, ActuatorResponse plant, List<double[]> targets,
      boolean tellCommands) {
    MppiPlanner planner = new MppiPlanner(declared, MppiConfig.defaults().withSeed(3));
    LaggedArm arm = new LaggedArm(TELOS6, plant, HOME, 20, 10);
    if (tellCommands) {
      arm.tellingCommandsTo(planner);
    }
    int ok = 0;
    for (double[] p : targets) {
      if (arm.pursue(planner, new Target.Position(p[0], p[1], p[2]), 0.01, 8, 0.1).reached()) {
        ok++;
      }
    }
    return ok;
  }

  @ParameterizedTest(name = "lag {0} s, dead time {1} ms, speed cap {2} rad/s")
  @CsvSource({"0.2, 0, 1.0", "0.3, 50, 1.0", "0.05, 20, Infinity", "0.1, 50, Infinity"})
  void aDeclaredResponseReachesEveryTarget(double lagS, double deadMs, double cap) {
    ActuatorResponse r = ActuatorResponse.uniform(6, lagS, deadMs / 1e3, cap);
    List<double[]> targets = ClosedLoop.targets(TELOS6, TARGETS, 11);
    assertEquals(TARGETS, reached(TELOS6.withResponse(r), r, targets, true));
  }

  @ParameterizedTest(name = "lag {0} s, speed cap {1} rad/s")
  @CsvSource({"0.2, 1.0"})
  void withoutItTheSamePlannerCreeps(double lagS, double cap) {
    ActuatorResponse r = ActuatorResponse.uniform(6, lagS, 0, cap);
    List<double[]> targets = ClosedLoop.targets(TELOS6, TARGETS, 11);
    int ideal = reached(TELOS6, r, targets, true);
    assertTrue(ideal < TARGETS / 2, "the ideal model reached " + ideal + " of " + TARGETS);
  }
}
