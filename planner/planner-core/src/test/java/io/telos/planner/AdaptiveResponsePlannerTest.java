package io.telos.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.Observation;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.api.config.Settings;
import io.telos.model.ActuatorResponse;
import io.telos.model.RobotModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The planner rebuilt for each adopted response, between plans. */
class AdaptiveResponsePlannerTest {
  private static final RobotModel ARM = RobotModel.load("builtin:telos6");
  private static final long MS = 1_000_000L;

  private static Observation at(long stampNs) {
    double[] q = new double[6];
    return new Observation(Header.of(stampNs / MS, stampNs, "test"), Vec.of(q), Vec.of(new double[6]),
        ARM.chain().forwardPose(q), null, 0);
  }

  @Test
  void anAdoptedResponseIsPlannedForFromTheNextPlan() {
    List<ActuatorResponse> built = new ArrayList<>();
    var planner = new AdaptiveResponsePlanner(r -> {
      built.add(r);
      return Planners.create(ARM.withResponse(r), new Settings("planner", Map.of("type", "mppi", "samples", 64)), 7);
    }, ARM.response());
    Goal goal = new Goal(Header.of(0, 0, "test"), "g", new Target.Position(0.4, 0.2, 0.5), 0.01, 60_000 * MS);
    ActionChunk first = planner.plan(at(0), goal);
    assertTrue(first.setpoints().size() > 1);
    assertEquals(1, built.size());
    ActuatorResponse slow = ActuatorResponse.uniform(6, 0.2, 0.04, Double.POSITIVE_INFINITY);
    planner.adopt(slow);
    assertEquals(ARM.response(), planner.response(), "taken up at the next plan, not before");
    ActionChunk second = planner.plan(at(20 * MS), goal);
    assertEquals(List.of(ARM.response(), slow), built);
    assertEquals(slow, planner.response());
    assertEquals(1, planner.adoptions());
    assertInstanceOf(PlanDiagnostics.class, planner.lastDiagnostics());
    assertNotEquals(first.setpoints().get(0).position(), second.setpoints().get(0).position(),
        "the same observation, planned for another arm");
    planner.plan(at(40 * MS), goal);
    assertEquals(2, built.size(), "rebuilt once per adoption");
  }

  @Test
  void aResponseForAnotherArmIsRefused() {
    var planner = new AdaptiveResponsePlanner(
        r -> Planners.create(ARM.withResponse(r), new Settings("planner", Map.of("type", "mppi")), 7), ARM.response());
    assertThrows(IllegalArgumentException.class, () -> planner.adopt(ActuatorResponse.ideal(3)));
  }
}
