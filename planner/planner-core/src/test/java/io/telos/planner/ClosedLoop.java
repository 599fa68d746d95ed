package io.telos.planner;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.Observation;
import io.telos.api.Setpoint;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.api.spi.Planner;
import io.telos.model.JointLimits;
import io.telos.model.KinematicChain;
import io.telos.model.RobotModel;
import io.telos.planner.spi.WorldModel.Probe;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A pure-Java closed loop: the analytic world model (with the arm's real limits) is the plant. Each
 * control period the planner plans from the plant's state, and the plant follows the first
 * setpoint as the safety kernel would: the velocity that reaches its position at its time.
 */
final class ClosedLoop {
  /** Outcome of one goal. */
  record Result(boolean reached, double finalError, double timeS, int plans) {}

  private final RobotModel robot;
  private final AnalyticWorldModel plant;
  private final double periodS;
  private final long periodNs;
  private final double[] state;
  private final double[] next;
  private final double[] u;
  private long nowNs;
  private long sequence;

  ClosedLoop(RobotModel robot, double periodS, double[] q0) {
    this.robot = robot;
    this.plant = new AnalyticWorldModel(robot, periodS);
    this.periodS = periodS;
    this.periodNs = Math.round(periodS * 1e9);
    int n = robot.dof();
    this.state = new double[2 * n];
    this.next = new double[2 * n];
    this.u = new double[n];
    System.arraycopy(q0, 0, state, 0, n);
  }

  double[] q() {
    return java.util.Arrays.copyOf(state, robot.dof());
  }

  Observation observe() {
    int n = robot.dof();
    double[] q = java.util.Arrays.copyOf(state, n);
    double[] qd = java.util.Arrays.copyOfRange(state, n, 2 * n);
    return new Observation(Header.of(sequence++, nowNs, "test"), Vec.of(q), Vec.of(qd),
        robot.chain().forwardPose(q), null, 0);
  }

  double error(Target target) {
    return switch (target) {
      case Target.Position p -> {
        double[] ee = new double[3];
        plant.probe(Probe.END_EFFECTOR_POSITION, state, 1, ee);
        yield Math.sqrt(sq(ee[0] - p.xM()) + sq(ee[1] - p.yM()) + sq(ee[2] - p.zM()));
      }
      case Target.Push p -> throw new UnsupportedOperationException("the closed loop has no objects");
      case Target.Observed o -> error(new Target.Joints(o.position()));
      case Target.Joints j -> {
        double s = 0;
        for (int i = 0; i < robot.dof(); i++) {
          s += sq(state[i] - j.position().get(i));
        }
        yield Math.sqrt(s);
      }
    };
  }

  /** Follows {@code planner} toward {@code goal} until within tolerance for {@code settleS}, or the timeout. */
  Result pursue(Planner planner, Goal goal, double timeoutS, double settleS, Consumer<ActionChunk> onChunk) {
    planner.reset();
    int plans = 0;
    double inside = -1;
    long start = nowNs;
    double tol = goal.tolerance();
    while ((nowNs - start) / 1e9 < timeoutS) {
      double err = error(goal.target());
      double t = (nowNs - start) / 1e9;
      if (err <= tol) {
        if (inside < 0) {
          inside = t;
        }
        if (t - inside >= settleS - 1e-9) {
          return new Result(true, err, inside, plans);
        }
      } else {
        inside = -1;
      }
      Observation obs = observe();
      ActionChunk chunk = planner.plan(obs, goal);
      plans++;
      if (onChunk != null) {
        onChunk.accept(chunk);
      }
      apply(chunk);
    }
    return new Result(false, error(goal.target()), timeoutS, plans);
  }

  /** Moves the plant one period toward the chunk's first setpoint. */
  void apply(ActionChunk chunk) {
    int n = robot.dof();
    Setpoint sp = chunk.setpoints().get(0);
    double span = (sp.timeNs() - nowNs) / 1e9;
    for (int i = 0; i < n; i++) {
      u[i] = (sp.position().get(i) - state[i]) / span;
    }
    plant.step(state, u, 1, next);
    System.arraycopy(next, 0, state, 0, 2 * n);
    nowNs += periodNs;
  }

  static Goal goal(String id, Target target, double tolerance) {
    return new Goal(Header.of(0, 0, "test"), id, target, tolerance, 60_000_000_000L);
  }

  /**
   * Seeded reachable targets: FK of joint configurations inside the limits with a margin; for a
   * spatial arm, not below {@code z = 0.05 m} and not within 0.2 m of the base axis.
   */
  static List<double[]> targets(RobotModel robot, int count, long seed) {
    KinematicChain chain = robot.chain();
    JointLimits lim = robot.limits();
    SplittableRandom rnd = new SplittableRandom(seed);
    boolean planar = robot.dof() == 2;
    List<double[]> out = new ArrayList<>();
    double[] q = new double[robot.dof()];
    while (out.size() < count) {
      for (int i = 0; i < q.length; i++) {
        double lo = Math.max(lim.lower(i), -Math.PI);
        double hi = Math.min(lim.upper(i), Math.PI);
        double m = 0.1 * (hi - lo);
        q[i] = lo + m + rnd.nextDouble() * (hi - lo - 2 * m);
      }
      double[] p = chain.forwardPosition(q);
      if (Math.hypot(p[0], p[1]) < 0.2 || (!planar && p[2] < 0.05)) {
        continue;
      }
      out.add(p);
    }
    return out;
  }

  private static double sq(double v) {
    return v * v;
  }
}
