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
import io.telos.planner.internal.Ik;
import io.telos.planner.internal.StuckDetector;
import io.telos.planner.spi.WorldModel.Probe;
import io.telos.planner.spi.WorldModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
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
 */
public final class MppiPlanner implements InstrumentedPlanner {
  /** Commands kept for correcting the ones in flight (a second at 1 kHz). */
  private static final int ISSUED_CAPACITY = 1024;
  /** The newest command older than this before an observation's stamp says nothing about it. */
  private static final long ISSUED_MAX_AGE_NS = 100_000_000L;
  /** Clearance the subgoal layer asks of its joint-space path around keep-out volumes. */
  private static final double SUBGOAL_CLEARANCE_M = 0.03;
  /** Clearance the subgoal layer asks of its joint-space path from the table and between links (self_collision on). */
  private static final double SUBGOAL_SELF_CLEARANCE_M = 0.01;
  private static final Logger LOG = LoggerFactory.getLogger(MppiPlanner.class);
  private static final int IK_RESTARTS = 16;
  private static final double IK_TOLERANCE_M = 0.002;

  private final MppiConfig config;
  private final WorldModel model;
  private final JointLimits limits;
  private final Energy energy;
  private final SubgoalCost subgoalCost;
  private final StateGoalCost stateGoalCost;
  private final double[] goalState;
  private final KeepOutCost keepOutCost;
  /** What the subgoal layer keeps its path clear of, less the margin it asks (≥ 0: clear); null: nothing. */
  private final ToDoubleFunction<double[]> subgoalClearance;
  /** The upper level for push goals (null without a contact model, or flat). */
  private final PushLayer pushLayer;
  private final PushingWorldModel pushModel;
  private final StuckDetector stuckDetector;
  private final Ik ik;
  private final double[] moveWeight;
  private final double[] subgoal;
  private final String name;
  private final int samples;
  private final int horizon;
  private final int n;
  private final long dtNs;
  private final boolean withUncertainty;
  private final int elites;

  private final Rollout rollout;
  private final Rollout planRollout;
  private final double[] x0;
  private final double[] ee0 = new double[3];
  private final double[] mean;
  private final double[] shifted;
  private final double[] sigma;
  private final double[] baseSigma;
  private final double[] bound;
  private final double[] costs;
  private final double[] weights;
  private final double[] sorted;
  private final double[] noisePrev;
  private final double[] best;
  private SplittableRandom random;

  private boolean haveSubgoal;
  private double achievableError;
  private boolean warm;
  private long lastStartNs;
  private final Continuity continuity;
  private final long latencyNs;
  /** The sent plan: its states (H + 1 rows), joint positions (H + 1 rows) and actions (H rows). */
  private final double[] sentStates;
  private final double[] sentPositions;
  private final double[] sentActions;
  private final double[] sentAtStamp;
  private final double[] sentLater;
  private final double[] measuredQ;
  /** The observation's own state (x0 may be continued from the previous plan instead). */
  private final double[] measured;
  private long sentStartNs;
  private boolean haveSent;
  /** What the servo loop really commanded (a lagging arm's model corrects its commands in flight with it). */
  private final CommandHistory issued;
  private final double[] issuedPosition;
  private final double[] issuedVelocity;
  private final double[] commandBefore;
  private final double[] commandVelocityBefore;
  private double lastCommandShift;
  /** A candidate action sequence offered from outside (e.g. recalled from memory), used once. */
  private final double[] offered;
  private boolean haveOffered;
  private long offeredUsed;
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
    this.continuity = Objects.requireNonNull(continuity, "continuity");
    this.latencyNs = Math.round(continuity.latencyS() * 1e9);
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
    this.subgoalCost = new SubgoalCost(n, config.costs().subgoalWeight());
    List<CostTerm> terms = new ArrayList<>(
        Energy.standard(limits, config.costs(), config.guardrails()).terms());
    if (config.costs().subgoalWeight() > 0) {
      terms.add(subgoalCost);
    }
    this.keepOutCost = config.guardrails().keepOut().isEmpty() ? null
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
    this.subgoalClearance = subgoalClearance(keepOutCost, selfCollision);
    this.pushModel = model instanceof PushingWorldModel pm ? pm : null;
    int armState = model.stateSize() - 2 * model.objectCount();
    this.stateGoalCost = new StateGoalCost(model.stateSize(), armState, config.costs().reachWeight(),
        config.costs().terminalWeight());
    terms.add(stateGoalCost);
    this.goalState = new double[model.stateSize()];
    boolean hierarchical = config.costs().subgoalWeight() > 0;
    this.pushLayer = pushModel != null && hierarchical ? new PushLayer(pushModel.scene()) : null;
    if (pushModel != null) {
      terms.add(new ObjectCost(pushModel.scene(), config.costs().reachWeight(), config.costs().terminalWeight(),
          hierarchical));
    }
    this.stuckDetector = new StuckDetector(config.stuckWindowS(), config.stuckProgress());
    this.energy = new Energy(terms);
    this.ik = new Ik(robot.chain(), limits, 1.5 * config.guardrails().jointLimitMarginRad());
    this.moveWeight = new double[n];
    for (int i = 0; i < n; i++) {
      moveWeight[i] = 1.0 / limits.velocity(i);
    }
    this.samples = config.samples();
    this.horizon = config.horizon();
    this.dtNs = Math.round(config.dtS() * 1e9);
    this.withUncertainty = energy.needsUncertainty() && model.hasUncertainty();
    this.elites = (int) Math.max(2, Math.round(config.eliteFraction() * samples));
    this.rollout = new Rollout(model, samples, horizon);
    this.planRollout = new Rollout(model, 1, horizon);
    this.x0 = new double[model.stateSize()];
    this.sentStates = new double[(horizon + 1) * model.stateSize()];
    this.sentPositions = new double[(horizon + 1) * n];
    this.issued = new CommandHistory(n, ISSUED_CAPACITY);
    this.issuedPosition = new double[n];
    this.issuedVelocity = new double[n];
    this.commandBefore = new double[n];
    this.commandVelocityBefore = new double[n];
    this.sentActions = new double[horizon * n];
    this.sentAtStamp = new double[model.stateSize()];
    this.sentLater = new double[model.stateSize()];
    this.measuredQ = new double[n];
    this.offered = new double[horizon * n];
    this.measured = new double[model.stateSize()];
    this.mean = new double[horizon * n];
    this.shifted = new double[horizon * n];
    this.sigma = new double[horizon * n];
    this.baseSigma = new double[n];
    this.bound = new double[n];
    for (int i = 0; i < n; i++) {
      bound[i] = model.actionBound(i);
      if (!(bound[i] > 0) || !Double.isFinite(bound[i])) {
        throw new IllegalArgumentException("world model '" + model.name() + "' gives action bound " + bound[i]
            + " for joint " + i + "; it must be finite and > 0");
      }
    }
    this.costs = new double[samples];
    this.weights = new double[samples];
    this.sorted = new double[samples];
    this.noisePrev = new double[n];
    this.best = new double[horizon * n];
    this.subgoal = new double[n];
    this.random = new SplittableRandom(config.seed());
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
    if (model.separatesCommand()) {
      issued.record(command);
    }
  }

  /**
   * The commands in flight in x0 as they really were at the observation's stamp: the kernel
   * bounds and blends them, and a plan takes over when it arrives, so they drift from the plan
   * that was sent unless corrected.
   */
  private void correctCommands(long stampNs, double[] reference) {
    int got = issued.at(stampNs, ISSUED_MAX_AGE_NS, issuedPosition, issuedVelocity);
    if (got == 0) {
      lastCommandShift = Double.NaN;
      return;
    }
    model.commands(reference, 1, commandBefore, commandVelocityBefore);
    double shift = 0;
    for (int i = 0; i < n; i++) {
      shift = Math.max(shift, Math.abs(issuedPosition[i] - commandBefore[i]));
    }
    lastCommandShift = shift;
    model.assimilateCommand(issuedPosition, got == 2 ? issuedVelocity : null, reference, x0);
  }

  /**
   * Largest joint difference between the command really in force at the last observation's stamp
   * and the one the planner had meant for it (rad or m); NaN when no command was known.
   */
  public double lastCommandShift() {
    return lastCommandShift;
  }

  /** Forgets the warm start and restarts the noise generator from the seed. */
  @Override
  public void reset() {
    warm = false;
    haveSent = false;
    lastGoalId = null;
    haveSubgoal = false;
    achievableError = 0.0;
    diagnostics = null;
    lastPhase = null;
    if (pushLayer != null) {
      pushLayer.reset();
    }
    stuckDetector.reset();
    random = new SplittableRandom(config.seed());
    Arrays.fill(mean, 0.0);
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
    int continuedFrom = continueSentPlan(observation, stamp);
    long start = continuedFrom >= 0 ? stamp + latencyNs : stamp;
    if (model.separatesCommand()) {
      correctCommands(stamp, continuedFrom >= 0 ? sentAtStamp : measured);
    }
    if (!goalKey.equals(lastGoalId)) {
      String push = goal.id() + "#";
      if (lastGoalId == null || !goalKey.startsWith(push) || !lastGoalId.startsWith(push)) {
        warm = false; // a new subgoal of the same push keeps the motion's warm start
      }
      lastGoalId = goalKey;
      stuckDetector.reset();
      chooseSubgoal(target);
      encodeGoal(target, observation);
    }
    warmStart(start);
    seedPreviousAction(observation, continuedFrom);
    double error = taskError(target);
    double scale = anneal(target, error);
    double bestCost = optimise(target);
    Gate gate = gate(target, bestCost);
    boolean infeasible = Energy.breaksHardLimit(bestCost);
    boolean stuck = stuckDetector.update(stamp, error, goal.tolerance());
    warm = true;
    lastStartNs = start;

    int[] clipped = new int[1];
    Header header = new Header(sequence++, stamp, "planner/" + name, observation.header().frame());
    ActionChunk chunk = Chunks.build(header, start, observation, goal.id(), planRollout, limits, dtNs, gate.energy(),
        clipped);
    remember(start);
    double uncertainty = 0;
    for (int t = 1; t <= horizon; t++) {
      uncertainty += planRollout.uncertainty(t)[0] / horizon;
    }
    diagnostics = new PlanDiagnostics(name, goal.id(), stamp, chunk.energy(), bestCost, error,
        predictedError(planRollout, target), scale, samples, config.iterations(), uncertainty, gate.fallback(),
        clipped[0], System.nanoTime() - startNs, gate.hold(), infeasible, stuck);
    if (LOG.isDebugEnabled()) {
      LOG.debug("component=planner/{} event=plan goal={} stampNs={} energy={} best={} errorM={} noiseScale={} "
              + "fallback={} hold={} infeasible={} stuck={} clipped={} stepUs={}", name, goal.id(), stamp,
          chunk.energy(), bestCost, error, scale, gate.fallback(), gate.hold(), infeasible, stuck, clipped[0],
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
   * Latency compensation ({@link Continuity}): when the plan in flight still covers the moment this
   * plan will apply and the arm is where it said, starts from its state there ({@link #x0}, with the
   * measurement assimilated) and returns the step of the sent plan at that seam; -1 to start from
   * the measurement.
   */
  private int continueSentPlan(Observation observation, long stamp) {
    if (!continuity.enabled() || !haveSent) {
      return -1;
    }
    double f = (double) (stamp - sentStartNs) / dtNs; // where the observation falls in the sent plan
    double g = f + (double) latencyNs / dtNs; // where the new plan will be applied
    if (f < 0 || g > horizon) {
      return -1;
    }
    model.probe(Probe.JOINT_POSITION, x0, 1, measuredQ);
    double seamDeviation = 0;
    for (int i = 0; i < n; i++) {
      double predicted = interpolate(sentPositions, n, i, f);
      seamDeviation = Math.max(seamDeviation, Math.abs(predicted - measuredQ[i]));
    }
    if (seamDeviation > continuity.resyncRad()) {
      return -1;
    }
    int size = model.stateSize();
    for (int j = 0; j < size; j++) {
      sentAtStamp[j] = interpolate(sentStates, size, j, f);
      sentLater[j] = interpolate(sentStates, size, j, g);
    }
    // the measurement, advanced by what the plan in flight does meanwhile (for a lagging arm:
    // the commands in flight as sent, the arm's part corrected by the measurement)
    model.assimilate(observation, sentAtStamp, sentLater, x0);
    return Math.min(horizon - 1, (int) Math.floor(g));
  }

  /** The action before the first one planned: the command at the seam, else the measured velocity (bounded), else rest. */
  private void seedPreviousAction(Observation observation, int continuedFrom) {
    double[] previous = rollout.previousAction();
    if (continuedFrom >= 0) { // the command being executed at the seam
      System.arraycopy(sentActions, continuedFrom * n, previous, 0, n);
    } else if (observation.velocity().size() == n) {
      observation.velocity().copyTo(previous);
      for (int i = 0; i < n; i++) {
        previous[i] = Double.isFinite(previous[i]) ? Math.max(-bound[i], Math.min(bound[i], previous[i])) : 0.0;
      }
    } else {
      Arrays.fill(previous, 0.0);
    }
    System.arraycopy(previous, 0, planRollout.previousAction(), 0, n);
  }

  /**
   * Sets the sampling noise for the error still to remove (and the subgoal's weight); returns the
   * noise scale. For a target outside the reachable workspace, the distance left at the best
   * configuration inverse kinematics found does not count.
   */
  private double anneal(Target target, double error) {
    double excess = Math.max(0.0, error - achievableError);
    double anneal = target instanceof Target.Joints || target instanceof Target.Observed ? config.annealDistanceRad()
        : config.annealDistance();
    double scale = Double.isFinite(excess) ? Math.max(config.noiseMin(), Math.min(1.0, excess / anneal)) : 1.0;
    for (int i = 0; i < n; i++) {
      baseSigma[i] = config.noise() * bound[i] * scale;
    }
    if (haveSubgoal && Double.isFinite(excess)) {
      double fade = Math.min(1.0, excess / config.costs().subgoalFadeM());
      subgoalCost.set(subgoal, fade * fade);
    } else {
      subgoalCost.clear();
    }
    for (int t = 0; t < horizon; t++) {
      System.arraycopy(baseSigma, 0, sigma, t * n, n);
    }
    return scale;
  }

  /** The sampling iterations (MPPI update or CEM refit); keeps the best sample seen in {@link #best}, returns its cost. */
  private double optimise(Target target) {
    double bestCost = Double.POSITIVE_INFINITY;
    for (int it = 0; it < config.iterations(); it++) {
      sample();
      if (it == 0 && haveOffered) { // the offered sequence competes as one more candidate
        for (int t = 0; t < horizon; t++) {
          double[] u = rollout.actions(t);
          for (int i = 0; i < n; i++) {
            u[n + i] = clamp(offered[t * n + i], bound[i]);
          }
        }
        haveOffered = false;
        offeredUsed++;
      }
      rollout.run(model, x0, withUncertainty);
      energy.evaluate(rollout, target, costs);
      int kBest = argmin(costs);
      if (costs[kBest] < bestCost || it == 0) {
        bestCost = costs[kBest];
        copyActions(rollout, kBest, best);
      }
      if (config.method() == Method.CEM) {
        refitCem();
      } else {
        updateMppi();
      }
    }
    return bestCost;
  }

  /** What the plan gate let through: its energy, whether the best sample replaced the mean, whether it holds. */
  private record Gate(double energy, boolean fallback, boolean hold) {}

  /**
   * The plan gate: the mean sequence, unless it breaks a hard limit the best sample keeps (fallback),
   * or enters a keep-out volume — then the best sample if it stays clear, else hold in place.
   */
  private Gate gate(Target target, double bestCost) {
    double planEnergy = evaluatePlan(mean, target);
    boolean fallback = false;
    if (Energy.breaksHardLimit(planEnergy) && bestCost < planEnergy) {
      System.arraycopy(best, 0, mean, 0, mean.length);
      planEnergy = evaluatePlan(mean, target);
      fallback = true;
    }
    boolean hold = false;
    if (keepOutCost != null && keepOutCost.trajectoryCost(planRollout, 0) > 0) {
      boolean clear = false;
      if (!fallback) { // the best sample may stay clear where the average does not
        planEnergy = evaluatePlan(best, target);
        clear = keepOutCost.trajectoryCost(planRollout, 0) == 0;
        if (clear) {
          System.arraycopy(best, 0, mean, 0, mean.length);
          fallback = true;
        }
      }
      if (!clear) {
        hold = true;
        fallback = false;
        Arrays.fill(mean, 0.0);
        planEnergy = evaluatePlan(mean, target);
        if (keepOutCost.trajectoryCost(planRollout, 0) > 0) {
          planEnergy = holdInPlace(target);
        }
      }
    }
    return new Gate(planEnergy, fallback, hold);
  }

  /**
   * The subgoal layer's clearance: keep-out volumes (less {@link #SUBGOAL_CLEARANCE_M}) and, with the
   * self-collision guardrail, the table and the arm's own links (less {@link #SUBGOAL_SELF_CLEARANCE_M});
   * the smaller when both; null when neither is on.
   */
  private static ToDoubleFunction<double[]> subgoalClearance(KeepOutCost keepOut, SelfCollisionCost self) {
    ToDoubleFunction<double[]> k = keepOut == null ? null : q -> keepOut.clearance(q) - SUBGOAL_CLEARANCE_M;
    ToDoubleFunction<double[]> c = self == null ? null : q -> self.clearance(q) - SUBGOAL_SELF_CLEARANCE_M;
    if (k == null || c == null) {
      return k == null ? c : k;
    }
    return q -> Math.min(k.applyAsDouble(q), c.applyAsDouble(q));
  }

  /**
   * For a position target, picks the joint configuration to head for: inverse kinematics (for the
   * target clamped into the workspace box) from the current configuration and from seeded
   * restarts, keeping the solution quickest to reach. Once per goal. This is the subgoal layer: the
   * straight joint-space path to it stays inside the joint limits, so the sampler is not trapped
   * against a limit when the target lies "behind" it.
   */
  private void chooseSubgoal(Target target) {
    haveSubgoal = false;
    achievableError = 0.0;
    if (!(target instanceof Target.Position p) || config.costs().subgoalWeight() <= 0) {
      return;
    }
    double[] q = rollout.initialPosition();
    model.probe(Probe.JOINT_POSITION, x0, 1, q);
    for (int i = 0; i < n; i++) {
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
    double residual = subgoalClearance == null
        ? ik.solve(point, q, moveWeight, IK_RESTARTS, config.seed(), IK_TOLERANCE_M, subgoal)
        : ik.solve(point, q, moveWeight, IK_RESTARTS, config.seed(), IK_TOLERANCE_M, subgoalClearance, 0, subgoal);
    haveSubgoal = Double.isFinite(residual);
    if (haveSubgoal) {
      double[] ee = ik.endEffector(subgoal);
      achievableError = Math.sqrt((ee[0] - p.xM()) * (ee[0] - p.xM()) + (ee[1] - p.yM()) * (ee[1] - p.yM())
          + (ee[2] - p.zM()) * (ee[2] - p.zM()));
      achievableError = achievableError > IK_TOLERANCE_M ? achievableError : 0.0;
    }
    LOG.debug("component=planner/{} event=subgoal goal={} residualM={} achievableM={}", name, lastGoalId, residual,
        achievableError);
  }

  /**
   * For a goal observation, encodes it with the world model once per goal: the state the
   * {@link StateGoalCost} measures predicted states against (a contact model's objects are taken
   * as currently observed; they are not part of the goal).
   */
  private void encodeGoal(Target target, Observation observation) {
    if (!(target instanceof Target.Observed o)) {
      stateGoalCost.clear();
      return;
    }
    Observation goalObs = new Observation(observation.header(), o.position(), o.velocity(), observation.endEffector(),
        null, 0, observation.objects());
    model.encode(goalObs, goalState);
    stateGoalCost.set(goalState);
  }

  /** Shifts the mean by the time since the last call (linear interpolation, holding the last action). */
  private void warmStart(long start) {
    if (!warm) {
      Arrays.fill(mean, 0.0);
      return;
    }
    double steps = (double) (start - lastStartNs) / dtNs;
    if (!(steps > 0)) {
      return;
    }
    if (steps >= horizon) {
      Arrays.fill(mean, 0.0);
      return;
    }
    for (int t = 0; t < horizon; t++) {
      double s = t + steps;
      int a = (int) Math.floor(s);
      double f = s - a;
      int ia = Math.min(a, horizon - 1);
      int ib = Math.min(a + 1, horizon - 1);
      for (int i = 0; i < n; i++) {
        shifted[t * n + i] = (1 - f) * mean[ia * n + i] + f * mean[ib * n + i];
      }
    }
    System.arraycopy(shifted, 0, mean, 0, mean.length);
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
    if (actions.length == 0 || actions.length % n != 0) {
      throw new IllegalArgumentException("warm start: " + actions.length + " values is not a sequence of " + n
          + "-joint commands");
    }
    for (double v : actions) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("warm start: non-finite command");
      }
    }
    int steps = actions.length / n;
    for (int t = 0; t < horizon; t++) {
      System.arraycopy(actions, Math.min(t, steps - 1) * n, offered, t * n, n);
    }
    haveOffered = true;
  }

  /** How many offered warm starts have been used so far. */
  public long warmStartsUsed() {
    return offeredUsed;
  }

  /** Keeps the sent plan's predictions, the starting point of the next call. */
  private void remember(long start) {
    int size = model.stateSize();
    for (int t = 0; t <= horizon; t++) {
      System.arraycopy(planRollout.states(t), 0, sentStates, t * size, size);
      System.arraycopy(t == 0 ? planRollout.initialPosition() : planRollout.positions(t), 0, sentPositions, t * n, n);
      if (t < horizon) {
        System.arraycopy(planRollout.actions(t), 0, sentActions, t * n, n);
      }
    }
    sentStartNs = start;
    haveSent = true;
  }

  /** Row-major {@code rows} of width {@code w}: component {@code j} at fractional row {@code f}. */
  private static double interpolate(double[] rows, int w, int j, double f) {
    int a = (int) Math.floor(f);
    double frac = f - a;
    double va = rows[a * w + j];
    return frac == 0 ? va : va + frac * (rows[(a + 1) * w + j] - va);
  }

  /** Fills the rollout's actions: sample 0 is the mean, the others mean + (time-correlated) noise. */
  private void sample() {
    double beta = config.noiseSmoothing();
    double innovation = Math.sqrt(1 - beta * beta);
    for (int t = 0; t < horizon; t++) {
      double[] u = rollout.actions(t);
      for (int i = 0; i < n; i++) {
        u[i] = clamp(mean[t * n + i], bound[i]);
      }
    }
    for (int k = 1; k < samples; k++) {
      for (int t = 0; t < horizon; t++) {
        double[] u = rollout.actions(t);
        int o = t * n;
        for (int i = 0; i < n; i++) {
          double z = random.nextGaussian();
          double e = t == 0 ? z : beta * noisePrev[i] + innovation * z;
          noisePrev[i] = e;
          u[k * n + i] = clamp(mean[o + i] + sigma[o + i] * e, bound[i]);
        }
      }
    }
  }

  /** Exponentially weighted mean of the sampled actions, temperature relative to the cost spread. */
  private void updateMppi() {
    double cmin = costs[argmin(costs)];
    System.arraycopy(costs, 0, sorted, 0, samples);
    Arrays.sort(sorted);
    double median = sorted[samples / 2];
    double spread = median - cmin;
    if (!(spread > 1e-12) || !Double.isFinite(spread)) {
      spread = Double.isFinite(cmin) ? Math.max(1e-12, Math.abs(cmin) * 1e-6) : 1.0;
    }
    double lambda = config.temperature() * spread;
    double sum = 0;
    for (int k = 0; k < samples; k++) {
      double w = Double.isFinite(costs[k]) ? Math.exp(-(costs[k] - cmin) / lambda) : 0.0;
      weights[k] = w;
      sum += w;
    }
    if (!(sum > 0)) {
      return; // every sample broke the model; keep the mean
    }
    for (int t = 0; t < horizon; t++) {
      double[] u = rollout.actions(t);
      int o = t * n;
      for (int i = 0; i < n; i++) {
        double acc = 0;
        for (int k = 0; k < samples; k++) {
          acc += weights[k] * u[k * n + i];
        }
        mean[o + i] = acc / sum;
      }
    }
  }

  /** Refits mean and spread to the elite samples (ties broken by sample index). */
  private void refitCem() {
    System.arraycopy(costs, 0, sorted, 0, samples);
    Arrays.sort(sorted);
    double threshold = sorted[elites - 1];
    if (!Double.isFinite(threshold)) {
      return;
    }
    Arrays.fill(weights, 0.0);
    int taken = 0;
    for (int k = 0; k < samples && taken < elites; k++) {
      boolean elite = costs[k] <= threshold;
      weights[k] = elite ? 1.0 : 0.0;
      if (elite) {
        taken++;
      }
    }
    double floorFraction = 0.05;
    for (int t = 0; t < horizon; t++) {
      double[] u = rollout.actions(t);
      int o = t * n;
      for (int i = 0; i < n; i++) {
        double s = 0;
        double s2 = 0;
        for (int k = 0; k < samples; k++) {
          if (weights[k] != 0.0) {
            double v = u[k * n + i];
            s += v;
            s2 += v * v;
          }
        }
        double m = s / taken;
        double var = Math.max(0.0, s2 / taken - m * m);
        mean[o + i] = m;
        sigma[o + i] = Math.max(Math.sqrt(var), floorFraction * baseSigma[i]);
      }
    }
  }

  /** Rolls {@code actions} out into {@link #planRollout} and returns its energy. */
  private double evaluatePlan(double[] actions, Target target) {
    for (int t = 0; t < horizon; t++) {
      double[] u = planRollout.actions(t);
      for (int i = 0; i < n; i++) {
        u[i] = clamp(actions[t * n + i], bound[i]);
      }
    }
    planRollout.run(model, x0, withUncertainty);
    return energy.evaluateOne(planRollout, target);
  }

  /**
   * Overwrites {@link #planRollout} with a plan that stays where the arm was observed, at rest
   * (zero commands), and returns its energy.
   */
  private double holdInPlace(Target target) {
    double[] q0 = planRollout.initialPosition();
    double[] ee = planRollout.initialEndEffector();
    for (int t = 0; t < horizon; t++) {
      Arrays.fill(planRollout.actions(t), 0.0);
    }
    for (int t = 1; t <= horizon; t++) {
      System.arraycopy(q0, 0, planRollout.positions(t), 0, n);
      Arrays.fill(planRollout.velocities(t), 0.0);
      System.arraycopy(q0, 0, planRollout.commandPositions(t), 0, n);
      Arrays.fill(planRollout.commandVelocities(t), 0.0);
      System.arraycopy(ee, 0, planRollout.endEffector(t), 0, 3);
      System.arraycopy(ee, 0, planRollout.commandEndEffector(t), 0, 3); // held: the command is where the arm is
      Arrays.fill(planRollout.uncertainty(t), 0.0);
      System.arraycopy(planRollout.states(0), 0, planRollout.states(t), 0, planRollout.stateSize());
      System.arraycopy(planRollout.objectPositions(0), 0, planRollout.objectPositions(t), 0,
          planRollout.objectPositions(0).length);
    }
    System.arraycopy(q0, 0, planRollout.terminalPositions(), 0, n);
    return energy.evaluateOne(planRollout, target);
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
    double[] q = rollout.initialPosition();
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

  private void copyActions(Rollout r, int k, double[] out) {
    for (int t = 0; t < horizon; t++) {
      System.arraycopy(r.actions(t), k * n, out, t * n, n);
    }
  }

  private static int argmin(double[] c) {
    int best = 0;
    for (int k = 1; k < c.length; k++) {
      if (c[k] < c[best]) {
        best = k;
      }
    }
    return best;
  }

  private static double clamp(double v, double b) {
    return v < -b ? -b : (v > b ? b : v);
  }
}
