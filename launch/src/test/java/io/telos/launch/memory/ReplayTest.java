package io.telos.launch.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.ObjectPose;
import io.telos.api.Observation;
import io.telos.api.Setpoint;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.api.spi.Planner;
import io.telos.memory.StepRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayTest {
  static final long MS = 1_000_000L;

  /** Plans "observed position + 0.1, then + 0.2 10 ms later" and remembers what it saw. */
  static final class Fake implements Planner {
    final List<Observation> seen = new ArrayList<>();
    int resets;

    @Override
    public String name() {
      return "fake";
    }

    @Override
    public ActionChunk plan(Observation o, Goal goal) {
      seen.add(o);
      long t = o.header().stampNs();
      double q = o.position().get(0);
      return new ActionChunk(Header.of(0, t, "fake"), goal.id(), List.of(
          new Setpoint(t + 5 * MS, Vec.of(q + 0.1, 0), Vec.zeros(2)),
          new Setpoint(t + 15 * MS, Vec.of(q + 0.2, 0), Vec.zeros(2))), 1.0);
    }

    @Override
    public void reset() {
      resets++;
    }
  }

  static StepRecord step(long i, double q, Vec cmd) {
    return new StepRecord(1, i, i * 5 * MS, Vec.of(q, 0, 0.5, 0), Vec.of(0.3, 0, 0.2), null, cmd, null, null,
        Double.NaN, "g", null);
  }

  static final Goal GOAL = new Goal(Header.of(0, 0, "t"), "g", new Target.Joints(Vec.of(1, 0)), 0.01, 1_000 * MS);

  @Test
  void plansAtThePlannerRateAndDiffsTheirSetpointsAgainstTheRecordedCommands() {
    // observations every 5 ms, planner at 50 Hz (20 ms): calls at steps 0, 4, 8
    List<StepRecord> steps = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      int call = i % 4 == 0 && i > 0 ? i - 4 : i / 4 * 4; // the latest plan made before step i
      double q0 = call * 0.01;
      // the setpoint for step i's time: the first at or after it, else the last
      long since = (i - call) * 5L;
      double planned = since <= 5 ? q0 + 0.1 : q0 + 0.2;
      double off = i == 6 ? 0.03 : i == 9 ? 0.01 : 0;
      steps.add(step(i, i * 0.01, Vec.of(planned + off, 0)));
    }
    // the state at a call step must be the one the fake planned from
    Fake fake = new Fake();
    Replay.Result r = Replay.run(steps.iterator(), fake, GOAL, 50);
    assertEquals(3, r.calls());
    assertEquals(List.of(0L, 20 * MS, 40 * MS), fake.seen.stream().map(o -> o.header().stampNs()).toList());
    assertEquals(1, fake.resets, "warm starts forgotten before the replay");
    assertEquals(9, r.compared(), "every step but the first");
    assertEquals(0.03, r.max(), 1e-12);
    assertEquals(0.0, r.median(), 1e-12);
    assertTrue(r.within(0.0301));
    assertFalse(r.within(0.029));
    Observation o = fake.seen.get(1);
    assertEquals(Vec.of(0.04, 0), o.position());
    assertEquals(Vec.of(0.5, 0), o.velocity());
    assertEquals(0.2, o.endEffector().zM());
  }

  @Test
  void stepsWithoutACommandAreNotComparedAndNothingComparedIsNotWithinTolerance() {
    List<StepRecord> steps = List.of(step(0, 0, Vec.empty()), step(1, 0, Vec.empty()));
    Replay.Result r = Replay.run(steps.iterator(), new Fake(), GOAL, 50);
    assertEquals(0, r.compared());
    assertEquals(0, r.withObjects());
    assertEquals(0, r.planFailures());
    assertEquals(null, r.firstFailure());
    assertFalse(r.within(1e9));
    assertTrue(Double.isNaN(r.max()));
  }

  @Test
  void theRecordedObjectsAreInTheRebuiltObservationsThePlannerSees() {
    ObjectPose box = new ObjectPose("box", 0.45, -0.1, 0.025, 0.3, 0);
    ObjectPose cup = new ObjectPose("cup_2", 0.2, 0.3, 0.04, -1.0, 3 * MS);
    List<StepRecord> steps = List.of(step(0, 0, Vec.of(0.1, 0)).withObjects(List.of(box, cup)),
        step(4, 0, Vec.of(0.1, 0)), step(8, 0, Vec.of(0.1, 0)).withObjects(List.of(cup)));
    Fake fake = new Fake();
    Replay.Result r = Replay.run(steps.iterator(), fake, GOAL, 50);
    assertEquals(3, r.calls());
    assertEquals(List.of(box, cup), fake.seen.get(0).objects(), "as recorded, in order, with their stamps");
    assertEquals(box, fake.seen.get(0).object("box"));
    assertEquals(List.of(), fake.seen.get(1).objects(), "a step without objects: none");
    assertEquals(List.of(cup), fake.seen.get(2).objects());
    assertEquals(2, r.withObjects());
    assertEquals(List.of(box), Replay.observation(steps.get(0).withObjects(List.of(box)), 0).objects());
  }

  @Test
  void aPlannerCallThatThrowsHoldsTheObservedPositionAsTheRuntimeDoes() {
    Fake fake = new Fake();
    Planner needsTheBox = new Planner() {
      @Override
      public String name() {
        return "needs-the-box";
      }

      @Override
      public ActionChunk plan(Observation o, Goal goal) {
        if (o.object("box") == null) {
          throw new IllegalArgumentException("push goal: object 'box' is not in the observation");
        }
        return fake.plan(o, goal);
      }
    };
    List<StepRecord> steps = new ArrayList<>();
    steps.add(step(0, 0, Vec.of(0, 0)).withObjects(List.of(new ObjectPose("box", 0.45, -0.1, 0.025, 0, 0))));
    steps.add(step(1, 0.01, Vec.of(0.1, 0)));
    for (int i = 2; i <= 4; i++) {
      steps.add(step(i, i * 0.01, Vec.of(0.2, 0)));
    }
    steps.add(step(5, 0.05, Vec.of(0.04, 0))); // the run held at step 4's position: the box was lost
    Replay.Result r = Replay.run(steps.iterator(), needsTheBox, GOAL, 50);
    assertEquals(2, r.calls());
    assertEquals(1, r.planFailures());
    assertTrue(r.firstFailure().contains("object 'box' is not in the observation"), r.firstFailure());
    assertEquals(5, r.compared());
    assertEquals(0.0, r.max(), 1e-12, "the hold is what the run commanded");
    assertEquals(1, r.withObjects());
  }

  @Test
  void differentLengthsAreAnInfiniteDifference() {
    assertEquals(Double.POSITIVE_INFINITY, Replay.maxAbsDiff(Vec.of(1), Vec.of(1, 2)));
    assertEquals(0.5, Replay.maxAbsDiff(Vec.of(1, 2), Vec.of(1.5, 2)), 1e-12);
  }
}
