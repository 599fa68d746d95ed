package io.telos.runtime.task;

import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.model.JointLimits;
import io.telos.model.KinematicChain;
import io.telos.model.RobotModel;
import io.telos.runtime.config.TaskSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/** Turns a {@link TaskSpec} into the goals the planner will pursue. */
public final class Tasks {
  /** Random targets stay this far (fraction of the range) inside every joint limit. */
  static final double MARGIN = 0.15;
  static final double MIN_HEIGHT_M = 0.10;
  static final double MIN_RADIUS_M = 0.25;

  private Tasks() {}

  public static List<Goal> goals(TaskSpec task, RobotModel model, long seed, String robotId) {
    return goals(task, model, seed, robotId, q -> true);
  }

  /**
   * As {@link #goals(TaskSpec, RobotModel, long, String)}, with random targets drawn only from joint
   * configurations {@code admissible} accepts (e.g. clear of the table and of the arm's own links
   * when the planner keeps them apart): a target no admissible configuration reaches is not a fair
   * goal. Targets of the other task types are as written.
   */
  public static List<Goal> goals(TaskSpec task, RobotModel model, long seed, String robotId,
      Predicate<double[]> admissible) {
    long timeoutNs = (long) (task.timeoutS() * 1e9);
    String source = "task/" + robotId;
    List<Goal> out = new ArrayList<>();
    switch (task.type()) {
      case "idle" -> { }
      case "reach_sequence" -> {
        int i = 0;
        for (double[] p : task.points()) {
          out.add(new Goal(new Header(i, 0, source, model.chain().baseLink()), "target-" + i,
              new Target.Position(p[0], p[1], p[2]), task.toleranceM(), timeoutNs));
          i++;
        }
      }
      case "reach_random" -> {
        List<double[]> targets = randomReachable(model, task.count(), seed, admissible);
        for (int i = 0; i < targets.size(); i++) {
          double[] p = targets.get(i);
          out.add(new Goal(new Header(i, 0, source, model.chain().baseLink()), "target-" + i,
              new Target.Position(p[0], p[1], p[2]), task.toleranceM(), timeoutNs));
        }
      }
      case "push" -> {
        int i = 0;
        for (double[] p : task.points()) {
          out.add(new Goal(new Header(i, 0, source, model.chain().baseLink()), "push-" + i,
              new Target.Push(task.object(), p[0], p[1]), task.toleranceM(), timeoutNs));
          i++;
        }
      }
      case "reach_recalled" -> throw new IllegalArgumentException(
          "task.type: reach_recalled takes its goals from the episodic memory; use recalledGoals");
      default -> throw new IllegalArgumentException("task.type: unknown '" + task.type() + "'");
    }
    return out;
  }

  /**
   * Goals that bring the arm back to observed states: each {@code state} (joint positions, then
   * joint velocities when recorded, chain order) is one goal, id {@code recalled-<episode>},
   * checked against the limits. With {@code task.goal_space: latent} the goal is the recorded
   * observation ({@link Target.Observed}, compared in the world model's state space), otherwise
   * its joint configuration.
   */
  public static List<Goal> recalledGoals(TaskSpec task, RobotModel model, String robotId,
      Map<Long, double[]> states) {
    long timeoutNs = (long) (task.timeoutS() * 1e9);
    int n = model.dof();
    List<Goal> out = new ArrayList<>();
    int i = 0;
    for (var e : states.entrySet()) {
      double[] s = e.getValue();
      if (s.length != n && s.length != 2 * n) {
        throw new IllegalArgumentException("task.episodes: episode " + e.getKey() + " recorded " + s.length
            + " state values, the robot has " + n + " joints");
      }
      double[] q = Arrays.copyOf(s, n);
      for (int j = 0; j < n; j++) {
        if (!Double.isFinite(q[j]) || q[j] < model.limits().lower(j) || q[j] > model.limits().upper(j)) {
          throw new IllegalArgumentException("task.episodes: episode " + e.getKey() + " ends outside joint "
              + model.jointNames().get(j) + "'s limits");
        }
      }
      Vec qd = s.length == 2 * n ? Vec.of(Arrays.copyOfRange(s, n, 2 * n))
          : Vec.zeros(n);
      Target target = task.goalSpace().equals("latent") ? new Target.Observed(Vec.of(q), qd)
          : new Target.Joints(Vec.of(q));
      out.add(new Goal(new Header(i++, 0, "task/" + robotId, model.chain().baseLink()), "recalled-" + e.getKey(),
          target, task.toleranceRad(), timeoutNs));
    }
    return out;
  }

  /**
   * Seeded random end-effector positions that the arm can reach: forward kinematics of joint
   * configurations drawn inside the limits (with a margin), kept above the table and away from
   * the base column when the arm moves in 3-D.
   */
  public static List<double[]> randomReachable(RobotModel model, int count, long seed) {
    return randomReachable(model, count, seed, q -> true);
  }

  /**
   * As {@link #randomReachable(RobotModel, int, long)}, drawing only from configurations
   * {@code admissible} accepts; with an always-true predicate the targets are the same.
   */
  public static List<double[]> randomReachable(RobotModel model, int count, long seed,
      Predicate<double[]> admissible) {
    KinematicChain chain = model.chain();
    JointLimits lim = model.limits();
    SplittableRandom rnd = new SplittableRandom(seed);
    int n = chain.dof();
    boolean planar = isPlanar(chain);
    List<double[]> out = new ArrayList<>();
    double[] q = new double[n];
    int attempts = 0;
    while (out.size() < count) {
      if (++attempts > 1_000_000) {
        throw new IllegalStateException("could not find " + count + " reachable targets for " + model.name());
      }
      for (int i = 0; i < n; i++) {
        double lo = Math.max(lim.lower(i), -Math.PI);
        double hi = Math.min(lim.upper(i), Math.PI);
        double m = MARGIN * (hi - lo);
        q[i] = lo + m + rnd.nextDouble() * (hi - lo - 2 * m);
      }
      double[] p = chain.forwardPosition(q);
      if (!planar) {
        double r = Math.hypot(p[0], p[1]);
        if (p[2] < MIN_HEIGHT_M || r < MIN_RADIUS_M) {
          continue;
        }
      } else if (Math.hypot(p[0], p[1]) < 0.2) {
        continue;
      }
      if (!admissible.test(q)) {
        continue;
      }
      out.add(p);
    }
    return out;
  }

  private static boolean isPlanar(KinematicChain chain) {
    double[] zero = new double[chain.dof()];
    double[] a = chain.forwardPosition(zero);
    double[] q = new double[chain.dof()];
    Arrays.fill(q, 0.7);
    double[] b = chain.forwardPosition(q);
    return Math.abs(a[2] - b[2]) < 1e-9 && chain.dof() <= 3;
  }
}
