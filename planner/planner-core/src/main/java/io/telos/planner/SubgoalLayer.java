package io.telos.planner;

import io.telos.api.Observation;
import io.telos.api.Target;
import io.telos.model.JointLimits;
import io.telos.model.RobotModel;
import io.telos.planner.cost.KeepOutCost;
import io.telos.planner.cost.SelfCollisionCost;
import io.telos.planner.cost.StateGoalCost;
import io.telos.planner.cost.SubgoalCost;
import io.telos.planner.internal.Ik;
import io.telos.planner.spi.WorldModel.Probe;
import io.telos.planner.spi.WorldModel;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The goal-level layer above {@link MppiPlanner}'s sampler, run once per goal. For a position
 * target it solves inverse kinematics (for the target clamped into the workspace box, from the
 * current configuration and seeded restarts, keeping the solution quickest to reach and, with
 * keep-out volumes or the self-collision guardrail, whose straight joint-space path stays clear)
 * and steers the sampler toward that configuration through the {@link SubgoalCost}, fading it out
 * near the target. A local sampler alone gets trapped against a joint limit when the target lies
 * "behind" it; the straight joint-space path to the subgoal never crosses a limit. For a goal
 * observation it encodes the goal state the {@link StateGoalCost} measures against.
 */
final class SubgoalLayer {
  /** Clearance the subgoal layer asks of its joint-space path around keep-out volumes. */
  private static final double SUBGOAL_CLEARANCE_M = 0.03;
  /** Clearance the subgoal layer asks of its joint-space path from the table and between links (self_collision on). */
  private static final double SUBGOAL_SELF_CLEARANCE_M = 0.01;
  private static final int IK_RESTARTS = 16;
  private static final double IK_TOLERANCE_M = 0.002;
  /** Logs as the planner it serves. */
  private static final Logger LOG = LoggerFactory.getLogger(MppiPlanner.class);

  private final String name;
  private final WorldModel model;
  private final MppiConfig config;
  private final SubgoalCost subgoalCost;
  private final StateGoalCost stateGoalCost;
  private final double[] goalState;
  /** What the path is kept clear of, less the margin asked (≥ 0: clear); null: nothing. */
  private final ToDoubleFunction<double[]> clearance;
  private final Ik ik;
  private final double[] moveWeight;
  private final double[] q;
  private final double[] subgoal;
  private boolean haveSubgoal;
  private double achievableError;

  /**
   * @param name the planner's name, for the log
   * @param subgoalCost the energy's term toward the subgoal (set by {@link #fade})
   * @param stateGoalCost the energy's term toward a goal observation (set by {@link #encodeGoal})
   * @param keepOut the keep-out guardrail, null without keep-out volumes
   * @param selfCollision a self-collision checker of its own, null with that guardrail off
   */
  SubgoalLayer(String name, RobotModel robot, WorldModel model, MppiConfig config, SubgoalCost subgoalCost,
      StateGoalCost stateGoalCost, KeepOutCost keepOut, SelfCollisionCost selfCollision) {
    this.name = name;
    this.model = model;
    this.config = config;
    this.subgoalCost = subgoalCost;
    this.stateGoalCost = stateGoalCost;
    this.goalState = new double[model.stateSize()];
    this.clearance = clearance(keepOut, selfCollision);
    JointLimits limits = robot.limits();
    int n = robot.dof();
    this.ik = new Ik(robot.chain(), limits, 1.5 * config.guardrails().jointLimitMarginRad());
    this.moveWeight = new double[n];
    for (int i = 0; i < n; i++) {
      moveWeight[i] = 1.0 / limits.velocity(i);
    }
    this.q = new double[n];
    this.subgoal = new double[n];
  }

  /**
   * The clearance asked of the path: keep-out volumes (less {@link #SUBGOAL_CLEARANCE_M}) and, with
   * the self-collision guardrail, the table and the arm's own links (less
   * {@link #SUBGOAL_SELF_CLEARANCE_M}); the smaller when both; null when neither is on.
   */
  private static ToDoubleFunction<double[]> clearance(KeepOutCost keepOut, SelfCollisionCost self) {
    ToDoubleFunction<double[]> k = keepOut == null ? null : q -> keepOut.clearance(q) - SUBGOAL_CLEARANCE_M;
    ToDoubleFunction<double[]> c = self == null ? null : q -> self.clearance(q) - SUBGOAL_SELF_CLEARANCE_M;
    if (k == null || c == null) {
      return k == null ? c : k;
    }
    return q -> Math.min(k.applyAsDouble(q), c.applyAsDouble(q));
  }

  /** Forgets the subgoal. */
  void reset() {
    haveSubgoal = false;
    achievableError = 0.0;
  }

  /**
   * Distance from the position target that the subgoal leaves (0 when it reaches it within the IK
   * tolerance, or without a subgoal): error the sampler cannot remove.
   */
  double achievableError() {
    return achievableError;
  }

  /**
   * For a position target, picks the joint configuration to head for from state {@code x0}: inverse
   * kinematics (for the target clamped into the workspace box) from the current configuration and
   * from seeded restarts, keeping the solution quickest to reach. Once per goal ({@code goalId}).
   */
  void chooseSubgoal(Target target, double[] x0, String goalId) {
    haveSubgoal = false;
    achievableError = 0.0;
    if (!(target instanceof Target.Position p) || config.costs().subgoalWeight() <= 0) {
      return;
    }
    model.probe(Probe.JOINT_POSITION, x0, 1, q);
    for (int i = 0; i < q.length; i++) {
      if (!Double.isFinite(q[i])) {
        return;
      }
    }
    double[] lo = config.guardrails().workspaceMin();
    double[] hi = config.guardrails().workspaceMax();
    double[] point = {
      Math.max(lo[0], Math.min(hi[0], p.xM())),
      Math.max(lo[1], Math.min(hi[1], p.yM())),
      Math.max(lo[2], Math.min(hi[2], p.zM()))
    };
    double residual = clearance == null
        ? ik.solve(point, q, moveWeight, IK_RESTARTS, config.seed(), IK_TOLERANCE_M, subgoal)
        : ik.solve(point, q, moveWeight, IK_RESTARTS, config.seed(), IK_TOLERANCE_M, clearance, 0, subgoal);
    haveSubgoal = Double.isFinite(residual);
    if (haveSubgoal) {
      double[] ee = ik.endEffector(subgoal);
      achievableError = Math.sqrt((ee[0] - p.xM()) * (ee[0] - p.xM()) + (ee[1] - p.yM()) * (ee[1] - p.yM())
          + (ee[2] - p.zM()) * (ee[2] - p.zM()));
      achievableError = achievableError > IK_TOLERANCE_M ? achievableError : 0.0;
    }
    LOG.debug("component=planner/{} event=subgoal goal={} residualM={} achievableM={}", name, goalId, residual,
        achievableError);
  }

  /**
   * For a goal observation, encodes it with the world model once per goal: the state the
   * {@link StateGoalCost} measures predicted states against (a contact model's objects are taken
   * as currently observed; they are not part of the goal).
   */
  void encodeGoal(Target target, Observation observation) {
    if (!(target instanceof Target.Observed o)) {
      stateGoalCost.clear();
      return;
    }
    Observation goalObs = new Observation(observation.header(), o.position(), o.velocity(), observation.endEffector(),
        null, 0, observation.objects());
    model.encode(goalObs, goalState);
    stateGoalCost.set(goalState);
  }

  /**
   * Sets the subgoal's weight for the error the sampler can still remove ({@code excess}): full far
   * from the target, fading quadratically within {@code subgoal_fade_m}; off without a subgoal.
   */
  void fade(double excess) {
    if (haveSubgoal && Double.isFinite(excess)) {
      double fade = Math.min(1.0, excess / config.costs().subgoalFadeM());
      subgoalCost.set(subgoal, fade * fade);
    } else {
      subgoalCost.clear();
    }
  }
}
