package io.telos.planner;

import io.telos.api.spi.Planner;
import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.Observation;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.model.CollisionModel;
import io.telos.model.JointLimits;
import io.telos.model.RobotModel;
import io.telos.planner.MppiConfig.Method;
import io.telos.planner.cost.CostTerm;
import io.telos.planner.cost.Energy;
import io.telos.planner.cost.KeepOutCost;
import io.telos.planner.cost.ObjectCost;
import io.telos.planner.cost.ReachCost;
import io.telos.planner.cost.Rollout;
import io.telos.planner.cost.SelfCollisionCost;
import io.telos.planner.cost.StateGoalCost;
import io.telos.planner.cost.SubgoalCost;
import io.telos.planner.internal.Chunks;
import io.telos.planner.internal.StuckDetector;
import io.telos.planner.spi.WorldModel.Probe;
import io.telos.planner.spi.WorldModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sampling-based model-predictive control over a {@link WorldModel}: MPPI, or CEM as a variant.
 *
 * <p>Each call samples K joint-velocity sequences of H steps around the current mean sequence
 * (Gaussian noise, optionally correlated in time, from a seeded {@link SplittableRandom}), rolls
 * them out through the world model in one batch per step, scores them with the {@link Energy}, and
 * moves the mean toward the good ones; it repeats I times. The noise shrinks with the distance to
 * the target so the arm can settle precisely. Sample 0 of every iteration is the noise-free mean.
 *
 * <p>Subgoal layer: for a position target the planner solves inverse kinematics once per goal
 * (from the current configuration and seeded restarts, keeping the solution quickest to reach) and
 * adds a joint-space {@link SubgoalCost} toward it that fades out near the target. A local sampler
 * alone gets trapped against a joint limit when the target lies "behind" it; the straight
 * joint-space path to the subgoal never crosses a limit. The noise is annealed on the error that
 * can still be removed, so a target outside the reachable workspace does not keep the arm jittering.
 *
 * <p>The plan sent out is the final mean rolled out once more; if that breaks a hard guardrail
 * and some sample did better, the best sample is sent instead. Keep-out volumes are verified once
 * more on the plan to be sent: if it would take any part of the arm into one, the best sample is
 * sent when it stays clear, else a stop (the zero command rolled out, when that stays clear; else
 * every setpoint at the observed position) — a plan entering a keep-out volume is never sent. Its setpoints are the predicted
 * joint positions and velocities at {@code stamp + (k + 1) dt}, clipped into the arm's position and
 * velocity limits. The mean is kept between calls and shifted by the time between observation
 * stamps (warm start); a new goal id or {@link #reset()} forgets it.
 *
 * <p>Objects: over a contact model ({@link PushingWorldModel}, when the launch file has
 * {@code scene.objects}) a {@link Target.Push} is planned in two levels — the {@link PushLayer}
 * picks the tool's subgoal (over and behind the object, then the push itself) and the sampler
 * minimises the predicted object distance ({@link ObjectCost}); objects not being pushed are kept
 * where they are. A {@link Target.Observed} (a recorded observation) is encoded once per goal and
 * pursued in the model's state space ({@link StateGoalCost}).
 *
 * <p>Deterministic: the output depends only on the seed and the sequence of calls (the commands
 * told through {@link #commanded} included), never on timing. {@link #plan} and {@link #reset}
 * must not overlap; {@link #commanded} may be called from another thread meanwhile.
 *
 * <p>This class assembles the energy and runs one call along its seams; the parts live beside it:
 * the sampler and its mean ({@code MppiSampler}), the subgoal layer ({@code SubgoalLayer}), the
 * plan gate ({@code PlanGate}) and the continuity of the plan in flight ({@code PlanContinuation}).
 */
public final class MppiPlanner implements InstrumentedPlanner {
  private static final Logger LOG = LoggerFactory.getLogger(MppiPlanner.class);

  private final MppiConfig config;
  private final WorldModel model;
  private final JointLimits limits;
  private final Energy energy;
  /** The upper level for push goals (null without a contact model, or flat). */
  private final PushLayer pushLayer;
  private final PushingWorldModel pushModel;
  private final StuckDetector stuckDetector;
  private final String name;
  private final int samples;
  private final int horizon;
  private final int n;
  private final long dtNs;

  private final MppiSampler sampler;
  private final SubgoalLayer subgoals;
  private final PlanGate gate;
  private final PlanContinuation continuation;
  private final double[] x0;
  private final double[] ee0 = new double[3];
  /** The observation's own state (x0 may be continued from the previous plan instead). */
  private final double[] measured;
  private String lastGoalId;
  private PushLayer.Phase lastPhase;
  private long sequence;
  private PlanDiagnostics diagnostics;

  /** Names of the cost terms of the planner's energy, in order ({@code self_collision} only when that guardrail is on). */
  public List<String> costTerms() {
    return energy.terms().stream().map(CostTerm::name).toList();
  }

  /** A planner over the analytic model of {@code robot}, with velocities scaled by the config. */
  public MppiPlanner(RobotModel robot, MppiConfig config) {
    this(robot, AnalyticWorldModel.of(plannerRobot(robot, config.velocityScale()), config.dtS()), config,
        Continuity.defaults(robot.response()));
  }

  /**
   * A planner over {@code model}.
   *
   * @param robot the arm: its (unscaled) limits bound the guardrails and the output
   * @param model the world model; its step must equal {@code config.dtS()} and its joints the arm's
   */
  public MppiPlanner(RobotModel robot, WorldModel model, MppiConfig config) {
    this(robot, model, config, Continuity.DEFAULT);
  }

  /**
   * A planner over {@code model} with the given receding-horizon continuity.
   *
   * @param robot the arm: its (unscaled) limits bound the guardrails and the output
   * @param model the world model; its step must equal {@code config.dtS()} and its joints the arm's
   */
  public MppiPlanner(RobotModel robot, WorldModel model, MppiConfig config, Continuity continuity) {
    this.config = Objects.requireNonNull(config, "config");
    Objects.requireNonNull(continuity, "continuity");
    this.model = Objects.requireNonNull(model, "model");
    this.limits = robot.limits();
    this.n = robot.dof();
    if (model.dof() != n) {
      throw new IllegalArgumentException("world model '" + model.name() + "' has " + model.dof() + " joints, the arm "
          + robot.name() + " has " + n);
    }
    if (Math.abs(model.dtS() - config.dtS()) > 1e-12) {
      throw new IllegalArgumentException(MppiConfig.SECTION + ".dt_s: must equal the world model's step "
          + model.dtS() + " s, was " + config.dtS());
    }
    this.name = config.method() == Method.CEM ? "cem" : "mppi";
    SubgoalCost subgoalCost = new SubgoalCost(n, config.costs().subgoalWeight());
    List<CostTerm> terms = new ArrayList<>(
        Energy.standard(limits, config.costs(), config.guardrails()).terms());
    if (config.costs().subgoalWeight() > 0) {
      terms.add(subgoalCost);
    }
    KeepOutCost keepOutCost = config.guardrails().keepOut().isEmpty() ? null
        : new KeepOutCost(robot.chain(), config.guardrails().keepOut(), config.guardrails().linkRadiusM());
    if (keepOutCost != null) {
      terms.add(keepOutCost);
    }
    SelfCollisionCost.checkAllowed(robot, config.guardrails());
    SelfCollisionCost selfCollision = null;
    if (config.guardrails().selfCollision()) {
      CollisionModel collisionModel = SelfCollisionCost.model(robot, config.guardrails());
      terms.add(new SelfCollisionCost(collisionModel));
      selfCollision = new SelfCollisionCost(collisionModel); // its own checker, for the subgoal layer
    }
    this.pushModel = model instanceof PushingWorldModel pm ? pm : null;
    int armState = model.stateSize() - 2 * model.objectCount();
    StateGoalCost stateGoalCost = new StateGoalCost(model.stateSize(), armState, config.costs().reachWeight(),
        config.costs().terminalWeight());
    terms.add(stateGoalCost);
    boolean hierarchical = config.costs().subgoalWeight() > 0;
    this.pushLayer = pushModel != null && hierarchical ? new PushLayer(pushModel.scene()) : null;
    if (pushModel != null) {
      terms.add(new ObjectCost(pushModel.scene(), config.costs().reachWeight(), config.costs().terminalWeight(),
          hierarchical));
    }
    this.stuckDetector = new StuckDetector(config.stuckWindowS(), config.stuckProgress());
    this.energy = new Energy(terms);
    this.subgoals = new SubgoalLayer(name, robot, model, config, subgoalCost, stateGoalCost, keepOutCost,
        selfCollision);
    this.samples = config.samples();
    this.horizon = config.horizon();
    this.dtNs = Math.round(config.dtS() * 1e9);
    boolean withUncertainty = energy.needsUncertainty() && model.hasUncertainty();
    this.x0 = new double[model.stateSize()];
    this.measured = new double[model.stateSize()];
    this.sampler = new MppiSampler(model, energy, config, withUncertainty);
    this.gate = new PlanGate(model, energy, keepOutCost, sampler.bound(), horizon, withUncertainty);
    this.continuation = new PlanContinuation(model, continuity, horizon, dtNs, sampler.bound());
    LOG.info("component=planner/{} event=configured robot={} model={} samples={} horizon={} iterations={} dtS={} "
            + "noise={} seed={}", name, robot.name(), model.name(), samples, horizon, config.iterations(),
        config.dtS(), config.noise(), config.seed());
  }

  /** The arm with velocity limits scaled for planning. */
  static RobotModel plannerRobot(RobotModel robot, double velocityScale) {
    return velocityScale == 1.0 ? robot : robot.withLimits(robot.limits().withVelocityScale(velocityScale));
  }

  @Override
  public String name() {
    return name;
  }

  public MppiConfig config() {
    return config;
  }

  public WorldModel worldModel() {
    return model;
  }

  @Override
  public PlanDiagnostics lastDiagnostics() {
    return diagnostics;
  }

  /** Records the command the servo loop issued, for a model with a separate command part. */
  @Override
  public void commanded(JointCommand command) {
    continuation.commanded(command);
  }

  /**
   * Largest joint difference between the command really in force at the last observation's stamp
   * and the one the planner had meant for it (rad or m); NaN when no command was known.
   */
  public double lastCommandShift() {
    return continuation.lastCommandShift();
  }

  /**
   * Offers a candidate action sequence for the next planning call — what was done next in a
   * similar past situation recalled from episodic memory, a demonstration, a previous solution. It
   * takes the place of one random sample in the first iteration, so it wins only if its predicted
   * energy is low: a bad suggestion costs one sample, never safety. Joint velocity commands,
   * {@code dof} per model step, oldest first; shorter sequences hold their last command, longer
   * ones are cut to the horizon. Call between planning calls (same thread or happens-before).
   *
   * @throws IllegalArgumentException when the length is not a positive multiple of {@code dof}
   *     or a value is not finite
   */
  public void offerWarmStart(double[] actions) {
    sampler.offer(actions);
  }

  /** How many offered warm starts have been used so far. */
  public long warmStartsUsed() {
    return sampler.offersUsed();
  }

  /** Forgets the warm start and restarts the noise generator from the seed. */
  @Override
  public void reset() {
    continuation.reset();
    lastGoalId = null;
    subgoals.reset();
    diagnostics = null;
    lastPhase = null;
    if (pushLayer != null) {
      pushLayer.reset();
    }
    stuckDetector.reset();
    sampler.reset();
    LOG.debug("component=planner/{} event=reset", name);
  }

  @Override
  public ActionChunk plan(Observation observation, Goal goal) {
    long startNs = System.nanoTime(); // diagnostics only
    Target target = goal.target();
    checkGoal(observation, target);
    model.encode(observation, x0);
    System.arraycopy(x0, 0, measured, 0, x0.length);
    String goalKey = goal.id();
    if (target instanceof Target.Push push && pushLayer != null) { // the upper level picks the subgoal
      PushLayer.Decision d = pushDecision(goal, push, observation);
      if (d.phase() != PushLayer.Phase.PUSH) {
        target = d.waypoint();
      }
      goalKey = goal.id() + "#" + d.index();
    }
    long stamp = observation.header().stampNs();
    int continuedFrom = continuation.continueSentPlan(observation, stamp, x0);
    long start = continuation.start(stamp, continuedFrom);
    continuation.correctCommands(stamp, continuedFrom, measured, x0);
    if (!goalKey.equals(lastGoalId)) {
      String push = goal.id() + "#";
      if (lastGoalId == null || !goalKey.startsWith(push) || !lastGoalId.startsWith(push)) {
        sampler.forget(); // a new subgoal of the same push keeps the motion's warm start
      }
      lastGoalId = goalKey;
      stuckDetector.reset();
      subgoals.chooseSubgoal(target, x0, goalKey);
      subgoals.encodeGoal(target, observation);
    }
    sampler.warmStart(start);
    continuation.seedPreviousAction(observation, continuedFrom, sampler.rollout(), gate.rollout());
    double error = taskError(target);
    double scale = anneal(target, error);
    double bestCost = sampler.optimise(target, x0);
    PlanGate.Result gated = gate.decide(target, x0, sampler.mean(), sampler.best(), bestCost);
    boolean infeasible = Energy.breaksHardLimit(bestCost);
    boolean stuck = stuckDetector.update(stamp, error, goal.tolerance());
    sampler.keep(start);

    Rollout sentPlan = gate.rollout();
    int[] clipped = new int[1];
    Header header = new Header(sequence++, stamp, "planner/" + name, observation.header().frame());
    ActionChunk chunk = Chunks.build(header, start, observation, goal.id(), sentPlan, limits, dtNs, gated.energy(),
        clipped);
    continuation.remember(sentPlan, start);
    double uncertainty = 0;
    for (int t = 1; t <= horizon; t++) {
      uncertainty += sentPlan.uncertainty(t)[0] / horizon;
    }
    diagnostics = new PlanDiagnostics(name, goal.id(), stamp, chunk.energy(), bestCost, error,
        predictedError(sentPlan, target), scale, samples, config.iterations(), uncertainty, gated.fallback(),
        clipped[0], System.nanoTime() - startNs, gated.hold(), infeasible, stuck);
    if (LOG.isDebugEnabled()) {
      LOG.debug("component=planner/{} event=plan goal={} stampNs={} energy={} best={} errorM={} noiseScale={} "
              + "fallback={} hold={} infeasible={} stuck={} clipped={} stepUs={}", name, goal.id(), stamp,
          chunk.energy(), bestCost, error, scale, gated.fallback(), gated.hold(), infeasible, stuck, clipped[0],
          diagnostics.stepNs() / 1000);
    }
    return chunk;
  }

  /** Refuses a goal this planner cannot pursue from this observation (wrong size, no contact model, object unseen). */
  private void checkGoal(Observation observation, Target target) {
    if (target instanceof Target.Joints j) {
      ReachCost.checkJoints(j, n);
    }
    if (target instanceof Target.Observed o && o.position().size() != n) {
      throw new IllegalArgumentException("goal observation has " + o.position().size() + " joints, the arm " + n);
    }
    if (target instanceof Target.Push && pushModel == null) {
      throw new IllegalArgumentException("a push goal needs a contact world model: declare the object in scene.objects");
    }
    Chunks.requireFinite(observation);
    if (target instanceof Target.Push push && !PushingWorldModel.sees(observation, push.object())) {
      throw new Planner.NotReady("push goal: object '" + push.object() + "' is not in the observation");
    }
  }

  /** The push layer's phase and waypoint for the measured tool and object (the upper level of a push). */
  private PushLayer.Decision pushDecision(Goal goal, Target.Push push, Observation observation) {
    int o = objectOffset(push.object());
    model.probe(Probe.END_EFFECTOR_POSITION, measured, 1, ee0);
    PushLayer.Decision d = pushLayer.update(goal.id(), push, ee0, measured[o], measured[o + 1]);
    if (d.phase() != lastPhase) {
      LOG.debug("component=planner/{} event=push_phase goal={} phase={} stampNs={} tool=[{}, {}, {}] object=[{}, {}]",
          name, goal.id(), d.phase(), observation.header().stampNs(), ee0[0], ee0[1], ee0[2], measured[o],
          measured[o + 1]);
    }
    lastPhase = d.phase();
    return d;
  }

  /**
   * Sets the sampling noise for the error still to remove (and the subgoal's weight); returns the
   * noise scale. For a target outside the reachable workspace, the distance left at the best
   * configuration inverse kinematics found does not count.
   */
  private double anneal(Target target, double error) {
    double excess = Math.max(0.0, error - subgoals.achievableError());
    double anneal = target instanceof Target.Joints || target instanceof Target.Observed ? config.annealDistanceRad()
        : config.annealDistance();
    double scale = Double.isFinite(excess) ? Math.max(config.noiseMin(), Math.min(1.0, excess / anneal)) : 1.0;
    sampler.setNoise(scale);
    subgoals.fade(excess);
    return scale;
  }

  private double taskError(Target target) {
    return switch (target) {
      case Target.Position p -> {
        model.probe(Probe.END_EFFECTOR_POSITION, measured, 1, ee0);
        double dx = ee0[0] - p.xM();
        double dy = ee0[1] - p.yM();
        double dz = ee0[2] - p.zM();
        yield Math.sqrt(dx * dx + dy * dy + dz * dz);
      }
      case Target.Push p -> {
        int o = objectOffset(p.object());
        yield Math.hypot(measured[o] - p.xM(), measured[o + 1] - p.yM());
      }
      case Target.Joints j -> measuredJointDistance(j.position());
      case Target.Observed o -> measuredJointDistance(o.position());
    };
  }

  static double predictedError(Rollout r, Target target) {
    int h = r.horizon();
    return switch (target) {
      case Target.Position p -> {
        double[] ee = r.endEffector(h);
        double dx = ee[0] - p.xM();
        double dy = ee[1] - p.yM();
        double dz = ee[2] - p.zM();
        yield Math.sqrt(dx * dx + dy * dy + dz * dz);
      }
      case Target.Push p -> {
        int j = r.objectIndex(p.object());
        double[] obj = r.objectPositions(h);
        yield j < 0 ? Double.NaN : Math.hypot(obj[2 * j] - p.xM(), obj[2 * j + 1] - p.yM());
      }
      case Target.Joints j -> jointDistance(r.positions(h), j.position(), r.dof());
      case Target.Observed o -> jointDistance(r.positions(h), o.position(), r.dof());
    };
  }

  /** Where object {@code name}'s planar position sits in a contact model's state. */
  private int objectOffset(String name) {
    int j = pushModel.indexOf(name);
    if (j < 0) {
      throw new IllegalArgumentException("push goal names object '" + name + "', which is not in the scene (has: "
          + String.join(", ", pushModel.objectNames()) + ")");
    }
    return model.stateSize() - pushModel.stateSize() + pushModel.objectOffset(j);
  }

  private double measuredJointDistance(Vec goal) {
    double[] q = sampler.rollout().initialPosition();
    model.probe(Probe.JOINT_POSITION, measured, 1, q);
    return jointDistance(q, goal, n);
  }

  /** Euclidean distance between sample 0 of {@code q} and {@code goal}. */
  private static double jointDistance(double[] q, Vec goal, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      double d = q[i] - goal.get(i);
      s += d * d;
    }
    return Math.sqrt(s);
  }
}
