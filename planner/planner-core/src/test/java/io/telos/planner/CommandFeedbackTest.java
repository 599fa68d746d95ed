package io.telos.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.Mode;
import io.telos.api.Observation;
import io.telos.api.Setpoint;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.model.ActuatorResponse;
import io.telos.model.RobotModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A lagging arm's planner continues from the commands in flight; told what the servo loop really
 * commanded, it continues from those, not from the ones it had planned.
 */
class CommandFeedbackTest {
  private static final long MS = 1_000_000L;
  private static final RobotModel TELOS6 = RobotModel.load("builtin:telos6")
      .withResponse(ActuatorResponse.uniform(6, 0.2, 0.02, Double.POSITIVE_INFINITY));
  private static final double[] HOME = {0, -0.5, 1.2, -0.7, 1.57, 0};
  private static final Goal GOAL = new Goal(Header.of(0, 0, "test"), "g", new Target.Position(0.4, 0.2, 0.5), 0.01,
      60_000 * MS);

  private static Observation observe(long stampNs, double[] q) {
    return new Observation(Header.of(stampNs / MS, stampNs, "test"), Vec.of(q), Vec.zeros(q.length),
        TELOS6.chain().forwardPose(q), null, 0);
  }

  private static JointCommand command(long stampNs, Setpoint sp, double offset0) {
    double[] p = sp.position().toArray();
    p[0] += offset0;
    return new JointCommand(Header.of(0, stampNs, "test"), TELOS6.jointNames(), Vec.of(p), sp.velocity(),
        Mode.AUTONOMOUS);
  }

  /** Plans twice; before the second plan the servo loop is said to command the first plan's second setpoint, offset. */
  private static double[] secondPlanStart(double offset0, MppiPlanner[] out) {
    MppiPlanner p = new MppiPlanner(TELOS6, MppiConfig.defaults().withSeed(5));
    out[0] = p;
    ActionChunk first = p.plan(observe(0, HOME), GOAL);
    Setpoint sp = first.setpoints().get(1);
    p.commanded(command(sp.timeNs() - MS, first.setpoints().get(0), offset0)); // an older one, superseded
    p.commanded(command(sp.timeNs(), sp, offset0));
    ActionChunk second = p.plan(observe(sp.timeNs(), HOME), GOAL);
    return second.setpoints().get(0).position().toArray();
  }

  @Test
  void theCommandsInFlightAreTheOnesReallyIssued() {
    MppiPlanner[] told = new MppiPlanner[1];
    MppiPlanner[] asPlanned = new MppiPlanner[1];
    double[] shifted = secondPlanStart(0.05, told);
    double[] same = secondPlanStart(0.0, asPlanned);
    assertEquals(0.05, told[0].lastCommandShift(), 1e-9);
    assertEquals(0.0, asPlanned[0].lastCommandShift(), 1e-9);
    assertEquals(0.05, shifted[0] - same[0], 0.02, "the next plan continues from the command really issued");
    for (int i = 1; i < 6; i++) {
      assertEquals(same[i], shifted[i], 0.02, "joint " + i);
    }
  }

  @Test
  void commandsTooOldOrFromAnotherArmAreIgnored() {
    MppiPlanner p = new MppiPlanner(TELOS6, MppiConfig.defaults().withSeed(5));
    ActionChunk first = p.plan(observe(0, HOME), GOAL);
    Setpoint sp = first.setpoints().get(1);
    p.commanded(command(sp.timeNs() - 200 * MS, first.setpoints().get(0), 0.05)); // 200 ms before the stamp
    p.commanded(new JointCommand(Header.of(0, sp.timeNs(), "test"), List.of("a", "b"), Vec.of(1, 2), Vec.of(0, 0),
        Mode.AUTONOMOUS));
    p.plan(observe(sp.timeNs(), HOME), GOAL);
    assertTrue(Double.isNaN(p.lastCommandShift()), "no command known: " + p.lastCommandShift());
  }

  @Test
  void anArmThatFollowsAtOnceIgnoresThem() {
    MppiPlanner p = new MppiPlanner(RobotModel.load("builtin:telos6"), MppiConfig.defaults().withSeed(5));
    ActionChunk first = p.plan(observe(0, HOME), GOAL);
    Setpoint sp = first.setpoints().get(1);
    p.commanded(command(sp.timeNs(), sp, 0.05));
    p.plan(observe(sp.timeNs(), HOME), GOAL);
    assertEquals(0.0, p.lastCommandShift(), 0.0);
  }
}
