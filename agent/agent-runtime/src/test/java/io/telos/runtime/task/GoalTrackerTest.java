package io.telos.runtime.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Goal;
import io.telos.api.GoalOutcome;
import io.telos.api.Header;
import io.telos.api.Observation;
import io.telos.api.Pose;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.model.RobotModel;
import io.telos.runtime.config.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GoalTrackerTest {
  static Observation at(long tNs, double x) {
    return new Observation(Header.of(0, tNs, "p"), Vec.zeros(2), Vec.zeros(2), new Pose(x, 0, 0, 1, 0, 0, 0), null, 0);
  }

  static Goal goal(String id, double x) {
    return new Goal(Header.of(0, 0, "t"), id, new Target.Position(x, 0, 0), 0.01, 1_000_000_000L);
  }

  @Test
  void reachedAfterSettlingAndTimesOutOtherwise() {
    List<GoalOutcome> out = new ArrayList<>();
    int[] resets = {0};
    GoalTracker t = new GoalTracker("a", 100_000_000L, List.of(goal("g0", 1.0), goal("g1", 2.0)), out::add);
    assertEquals("g0", t.update(at(0, 0), () -> resets[0]++).id());
    t.update(at(200_000_000L, 0.995), () -> resets[0]++); // inside
    assertTrue(out.isEmpty());
    assertEquals("g1", t.update(at(300_000_000L, 0.999), () -> resets[0]++).id());
    assertEquals(1, out.size());
    assertTrue(out.get(0).reached());
    assertEquals(200_000_000L, out.get(0).elapsedNs());
    t.update(at(1_400_000_000L, 0.0), () -> resets[0]++);
    assertEquals(2, out.size());
    assertFalse(out.get(1).reached());
    assertTrue(t.idle());
    assertNull(t.update(at(1_500_000_000L, 0.0), () -> { }));
    assertEquals(2, resets[0]);
  }

  @Test
  void pushGoalIsReachedWhenTheObjectIsThereAndNeverWhileUnseen() {
    TaskSpec spec = new TaskSpec("push", 1, 0.02, 1, 0.1, List.of(new double[] {0.5, 0.1}), List.of(), 0.02, "puck");
    List<Goal> goals = Tasks.goals(spec, RobotModel.load("builtin:telos6"), 1, "arm");
    assertEquals(new Target.Push("puck", 0.5, 0.1), goals.get(0).target());
    List<GoalOutcome> out = new ArrayList<>();
    GoalTracker t = new GoalTracker("a", 100_000_000L, goals, out::add);
    Observation unseen = at(0, 0);
    assertEquals(Double.POSITIVE_INFINITY, GoalTracker.error(goals.get(0), unseen));
    t.update(unseen, () -> { });
    // the end-effector's position does not matter, the object's does
    t.update(at(100_000_000L, 0.5).withObjects(List.of(new io.telos.api.ObjectPose("puck", 0.5, 0.09, 0.03, 0, 0))),
        () -> { });
    t.update(at(250_000_000L, 0.0).withObjects(List.of(new io.telos.api.ObjectPose("puck", 0.505, 0.095, 0.03, 0, 0))),
        () -> { });
    assertEquals(1, out.size());
    assertTrue(out.get(0).reached());
    assertEquals(100_000_000L, out.get(0).elapsedNs());
  }

  @Test
  void randomTargetsAreReachableAndSeeded() {
    RobotModel m = RobotModel.load("builtin:telos6");
    TaskSpec spec = new TaskSpec("reach_random", 20, 0.01, 8, 0.1, List.of());
    List<Goal> a = Tasks.goals(spec, m, 42, "arm");
    List<Goal> b = Tasks.goals(spec, m, 42, "arm");
    assertEquals(20, a.size());
    assertEquals(a.stream().map(Goal::target).toList(), b.stream().map(Goal::target).toList());
    for (Goal g : a) {
      Target.Position p = (Target.Position) g.target();
      assertTrue(p.zM() >= Tasks.MIN_HEIGHT_M);
      assertTrue(Math.hypot(p.xM(), p.yM()) >= Tasks.MIN_RADIUS_M);
      assertTrue(Math.sqrt(p.xM() * p.xM() + p.yM() * p.yM() + Math.pow(p.zM() - 0.1625, 2)) < 1.0, "within reach");
    }
    List<Goal> c = Tasks.goals(spec, m, 43, "arm");
    assertFalse(a.get(0).target().equals(c.get(0).target()));
  }
}
