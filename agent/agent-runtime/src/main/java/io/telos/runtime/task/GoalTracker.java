package io.telos.runtime.task;

import io.telos.api.Goal;
import io.telos.api.GoalOutcome;
import io.telos.api.Header;
import io.telos.api.ObjectPose;
import io.telos.api.Observation;
import io.telos.api.Pose;
import io.telos.api.Target;
import io.telos.api.Vec;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * The top of the hierarchy for now: keeps the queue of goals, decides from observations when the
 * current one is reached (inside tolerance for the settle time) or has timed out, and reports a
 * {@link GoalOutcome}. Runs on the planner's thread; deterministic in simulated time.
 */
public final class GoalTracker {
  private final String source;
  private final long settleNs;
  private final Consumer<GoalOutcome> outcomes;
  private final Deque<Goal> queue = new ArrayDeque<>();
  private Goal current;
  private long startNs;
  private long withinSinceNs = -1;
  private long sequence;
  private int finished;

  public GoalTracker(String robotId, long settleNs, Collection<Goal> goals, Consumer<GoalOutcome> outcomes) {
    this.source = "task/" + robotId;
    this.settleNs = settleNs;
    this.outcomes = outcomes;
    this.queue.addAll(goals);
  }

  public void add(Goal goal) {
    queue.addLast(goal);
  }

  /**
   * Folds in an observation; returns the goal to pursue now (null when idle).
   * {@code onNewGoal} runs when a goal becomes current (e.g. to reset warm starts).
   */
  public Goal update(Observation obs, Runnable onNewGoal) {
    long now = obs.header().stampNs();
    if (current != null) {
      double err = error(current, obs);
      if (err <= current.tolerance()) {
        if (withinSinceNs < 0) {
          withinSinceNs = now;
        }
        if (now - withinSinceNs >= settleNs) {
          finish(true, withinSinceNs - startNs, err, now);
        }
      } else {
        withinSinceNs = -1;
        if (now - startNs > current.timeoutNs()) {
          finish(false, now - startNs, err, now);
        }
      }
    }
    if (current == null && !queue.isEmpty()) {
      current = queue.pollFirst();
      startNs = now;
      withinSinceNs = -1;
      onNewGoal.run();
    }
    return current;
  }

  private void finish(boolean reached, long elapsedNs, double err, long now) {
    outcomes.accept(new GoalOutcome(new Header(sequence++, now, source, ""), current.id(), reached, elapsedNs, err));
    current = null;
    finished++;
  }

  /**
   * Distance to the goal: metres for a position target, largest joint error for a joint target,
   * the object's planar distance to its target for a push (infinite while the object is not seen).
   */
  public static double error(Goal goal, Observation obs) {
    return switch (goal.target()) {
      case Target.Position p -> {
        Pose ee = obs.endEffector();
        yield ee.distanceTo(p.xM(), p.yM(), p.zM());
      }
      case Target.Push p -> {
        ObjectPose o = obs.object(p.object());
        yield o == null ? Double.POSITIVE_INFINITY : o.planarDistanceTo(p.xM(), p.yM());
      }
      case Target.Joints j -> worstJoint(j.position(), obs);
      case Target.Observed o -> worstJoint(o.position(), obs);
    };
  }

  private static double worstJoint(Vec goal, Observation obs) {
    double worst = 0;
    for (int i = 0; i < goal.size(); i++) {
      worst = Math.max(worst, Math.abs(goal.get(i) - obs.position().get(i)));
    }
    return worst;
  }

  public Goal current() {
    return current;
  }

  public int finished() {
    return finished;
  }

  public boolean idle() {
    return current == null && queue.isEmpty();
  }
}
