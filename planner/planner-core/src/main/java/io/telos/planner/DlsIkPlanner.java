package io.telos.planner;

import io.telos.api.spi.Planner;
import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.ObjectPose;
import io.telos.api.Observation;
import io.telos.api.Target;
import io.telos.api.scene.Scene;
import io.telos.model.JointLimits;
import io.telos.model.KinematicChain;
import io.telos.model.RobotModel;
import io.telos.planner.cost.CostTerm;
import io.telos.planner.cost.Energy;
import io.telos.planner.cost.KeepOutCost;
import io.telos.planner.cost.ReachCost;
import io.telos.planner.cost.Rollout;
import io.telos.planner.internal.Chunks;
import io.telos.planner.internal.Dls;
import io.telos.planner.internal.Ik;
import io.telos.planner.internal.StuckDetector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classical baseline: damped-least-squares inverse kinematics. Each step commands
 * {@code qd = J^T (J J^T + damping^2 I)^-1 v} with {@code v = gain * (target - ee)} capped at
 * {@code max_speed}, plus a pull toward mid-range in the null space, scaled uniformly into the
 * velocity limits; the analytic model (acceleration and position limits) turns the commands into
 * the plan. A joint target commands {@code qd = gain * (target - q)}. Position targets are first
 * clamped into the workspace box. The output has the same shape as {@link MppiPlanner}'s; its
 * energy is the standard energy of the plan. It does not steer around keep-out volumes: a plan that
 * would enter one is replaced by a stop ({@link PlanDiagnostics#hold()}). Deterministic, not
 * thread-safe; between calls it keeps only the goal's IK solution and the stuck detector.
 */
public final class DlsIkPlanner implements InstrumentedPlanner {
  private static final Logger LOG = LoggerFactory.getLogger(DlsIkPlanner.class);
  private static final long IK_SEED = 0x5eed_d15L;

  private final DlsConfig config;
  private final JointLimits limits;
  private final KinematicChain chain;
  private final AnalyticWorldModel model;
  private final Energy energy;
  private final Rollout rollout;
  private final KinematicChain.Scratch scratch;
  private final int n;
  private final long dtNs;
  private final double[] vmax;
  private final double[] mid;
  private final double[] box0;
  private final double[] box1;
  private final double[] jac;
  private final double[] ee = new double[3];
  private final double[] v3 = new double[3];
  private final double[] jz = new double[3];
  private final double[] back;
  private final double[] q;
  private final double[] qd;
  private final double[] z;
  private final double[] state;
  private final double[] next;
  private final Ik ik;
  private final double[] moveWeight;
  private final double[] goalQ;
  private final double[] target3 = new double[3];
  private boolean haveGoalQ;
  private String lastGoalId;
  private long sequence;
  private PlanDiagnostics diagnostics;
  private final KeepOutCost keepOutCost;
  private final PushLayer pushLayer;
  private final StuckDetector stuckDetector =
      new StuckDetector(MppiConfig.DEFAULT_STUCK_WINDOW_S, MppiConfig.DEFAULT_STUCK_PROGRESS);

  public DlsIkPlanner(RobotModel robot, DlsConfig config) {
    this(robot, config, Scene.EMPTY);
  }

  /**
   * A planner that can also push the scene's objects: a scripted push primitive (the
   * {@link PushLayer}'s waypoints, then straight through the object towards its target), with no
   * model of the contact.
   */
  public DlsIkPlanner(RobotModel robot, DlsConfig config, Scene scene) {
    this.pushLayer = scene.isEmpty() ? null : new PushLayer(scene);
    this.config = Objects.requireNonNull(config, "config");
    this.limits = robot.limits();
    this.chain = robot.chain();
    this.n = robot.dof();
    this.model = new AnalyticWorldModel(MppiPlanner.plannerRobot(robot, config.velocityScale()), config.dtS());
    this.energy = withKeepOut(Energy.standard(limits, config.costs(), config.guardrails()), robot, config);
    this.rollout = new Rollout(model, 1, config.horizon());
    this.scratch = chain.newScratch();
    this.dtNs = Math.round(config.dtS() * 1e9);
    this.vmax = new double[n];
    this.mid = new double[n];
    for (int i = 0; i < n; i++) {
      vmax[i] = model.actionBound(i);
      double lo = limits.lower(i);
      double hi = limits.upper(i);
      mid[i] = Double.isFinite(lo) && Double.isFinite(hi) ? 0.5 * (lo + hi) : Double.NaN;
    }
    this.box0 = config.guardrails().workspaceMin();
    this.box1 = config.guardrails().workspaceMax();
    this.jac = new double[6 * n];
    this.q = new double[n];
    this.qd = new double[n];
    this.z = new double[n];
    this.back = new double[n];
    this.state = new double[2 * n];
    this.next = new double[2 * n];
    this.ik = new Ik(chain, limits, 1.5 * config.guardrails().jointLimitMarginRad());
    this.moveWeight = new double[n];
    for (int i = 0; i < n; i++) {
      moveWeight[i] = 1.0 / vmax[i];
    }
    this.goalQ = new double[n];
    this.keepOutCost = config.guardrails().keepOut().isEmpty() ? null
        : new KeepOutCost(chain, config.guardrails().keepOut(), config.guardrails().linkRadiusM());
    LOG.info("component=planner/dls event=configured robot={} horizon={} dtS={} gain={} damping={}", robot.name(),
        config.horizon(), config.dtS(), config.gain(), config.damping());
  }

  @Override
  public String name() {
    return "dls";
  }

  public DlsConfig config() {
    return config;
  }

  @Override
  public PlanDiagnostics lastDiagnostics() {
    return diagnostics;
  }

  @Override
  public void reset() {
    diagnostics = null;
    lastGoalId = null;
    haveGoalQ = false;
    if (pushLayer != null) {
      pushLayer.reset();
    }
    stuckDetector.reset();
  }

  @Override
  public ActionChunk plan(Observation observation, Goal goal) {
    long startNs = System.nanoTime(); // diagnostics only
    Target target = goal.target();
    if (target instanceof Target.Joints j) {
      ReachCost.checkJoints(j, n);
    }
    Chunks.requireFinite(observation);
    model.encode(observation, state);
    double[] x0 = state.clone();
    double[] prev = rollout.previousAction();
    for (int i = 0; i < n; i++) {
      prev[i] = clampAbs(state[n + i], vmax[i]);
    }
    String goalKey = goal.id();
    if (target instanceof Target.Observed o) { // no model of its own to encode with: the joints
      target = new Target.Joints(o.position());
      ReachCost.checkJoints((Target.Joints) target, n);
    }
    if (target instanceof Target.Push push) {
      ObjectPose o = observation.object(push.object());
      if (pushLayer == null) {
        throw new IllegalArgumentException("push goal: object '" + push.object() + "' is not in the scene (scene.objects)");
      }
      if (o == null || !o.isFinite()) {
        throw new Planner.NotReady("push goal: object '" + push.object() + "' is not in the observation");
      }
      System.arraycopy(state, 0, q, 0, n);
      chain.forwardPosition(q, ee, scratch);
      PushLayer.Decision d = pushLayer.update(goal.id(), push, ee, o.xM(), o.yM());
      target = d.waypoint();
      goalKey = goal.id() + "#" + d.index();
    }
    if (!goalKey.equals(lastGoalId)) {
      lastGoalId = goalKey;
      stuckDetector.reset();
      chooseGoalConfiguration(target);
    }
    double error = Double.NaN;
    for (int t = 0; t < config.horizon(); t++) {
      System.arraycopy(state, 0, q, 0, n);
      double e = command(target);
      if (t == 0) {
        error = e;
      }
      System.arraycopy(qd, 0, rollout.actions(t), 0, n);
      model.step(state, qd, 1, next);
      System.arraycopy(next, 0, state, 0, 2 * n);
    }
    rollout.run(model, x0, false);
    double planEnergy = energy.evaluateOne(rollout, target);
    boolean hold = false;
    if (keepOutCost != null && keepOutCost.trajectoryCost(rollout, 0) > 0) {
      // Not a collision-avoiding planner: it stops rather than enter a keep-out volume.
      hold = true;
      for (int t = 0; t < config.horizon(); t++) {
        Arrays.fill(rollout.actions(t), 0.0);
      }
      rollout.run(model, x0, false);
      if (keepOutCost.trajectoryCost(rollout, 0) > 0) {
        for (int t = 1; t <= config.horizon(); t++) {
          System.arraycopy(rollout.initialPosition(), 0, rollout.positions(t), 0, n);
          Arrays.fill(rollout.velocities(t), 0.0);
          System.arraycopy(rollout.initialEndEffector(), 0, rollout.endEffector(t), 0, 3);
        }
      }
      planEnergy = energy.evaluateOne(rollout, target);
    }
    boolean stuck = stuckDetector.update(observation.header().stampNs(), error, goal.tolerance());
    int[] clipped = new int[1];
    Header header = new Header(sequence++, observation.header().stampNs(), "planner/dls", observation.header().frame());
    ActionChunk chunk = Chunks.build(header, observation, goal.id(), rollout, limits, dtNs, planEnergy, clipped);
    diagnostics = new PlanDiagnostics("dls", goal.id(), observation.header().stampNs(), chunk.energy(), chunk.energy(),
        error, MppiPlanner.predictedError(rollout, target), 1.0, 1, 1, 0.0, false, clipped[0],
        System.nanoTime() - startNs, hold, false, stuck);
    if (LOG.isDebugEnabled()) {
      LOG.debug("component=planner/dls event=plan goal={} energy={} errorM={} stepUs={}", goal.id(), chunk.energy(),
          error, diagnostics.stepNs() / 1000);
    }
    return chunk;
  }

  private static Energy withKeepOut(Energy standard, RobotModel robot, DlsConfig config) {
    if (config.guardrails().keepOut().isEmpty()) {
      return standard;
    }
    List<CostTerm> terms = new ArrayList<>(standard.terms());
    terms.add(new KeepOutCost(robot.chain(), config.guardrails().keepOut(), config.guardrails().linkRadiusM()));
    return new Energy(terms);
  }

  /** Inverse kinematics with restarts for a position target, once per goal (seeded, deterministic). */
  private void chooseGoalConfiguration(Target target) {
    haveGoalQ = false;
    if (!(target instanceof Target.Position p) || config.ikRestarts() == 0) {
      return;
    }
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(state[i])) {
        return;
      }
    }
    target3[0] = clamp(p.xM(), box0[0], box1[0]);
    target3[1] = clamp(p.yM(), box0[1], box1[1]);
    target3[2] = clamp(p.zM(), box0[2], box1[2]);
    System.arraycopy(state, 0, q, 0, n);
    double residual = ik.solve(target3, q, moveWeight, config.ikRestarts(), IK_SEED, 0.002, goalQ);
    haveGoalQ = Double.isFinite(residual);
    LOG.debug("component=planner/dls event=goal_configuration goal={} residualM={}", lastGoalId, residual);
  }

  /** Velocity command at {@link #q} into {@link #qd}; returns the task error there. */
  private double command(Target target) {
    double err;
    switch (target) {
      case Target.Position p -> {
        chain.jacobian(q, jac, ee, scratch);
        double tx = clamp(p.xM(), box0[0], box1[0]);
        double ty = clamp(p.yM(), box0[1], box1[1]);
        double tz = clamp(p.zM(), box0[2], box1[2]);
        double ex = tx - ee[0];
        double ey = ty - ee[1];
        double ez = tz - ee[2];
        err = Math.sqrt((p.xM() - ee[0]) * (p.xM() - ee[0]) + (p.yM() - ee[1]) * (p.yM() - ee[1])
            + (p.zM() - ee[2]) * (p.zM() - ee[2]));
        double dist = Math.sqrt(ex * ex + ey * ey + ez * ez);
        double speed = config.gain() * dist;
        double f = speed > config.maxSpeed() ? config.maxSpeed() / speed : 1.0;
        v3[0] = config.gain() * f * ex;
        v3[1] = config.gain() * f * ey;
        v3[2] = config.gain() * f * ez;
        dampedPinv(v3, qd);
        if (config.nullSpaceGain() > 0) {
          for (int i = 0; i < n; i++) {
            z[i] = Double.isNaN(mid[i]) ? 0.0 : config.nullSpaceGain() * (mid[i] - q[i]);
          }
          // qd += (I - J+ J) z
          for (int r = 0; r < 3; r++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
              s += jac[r * n + i] * z[i];
            }
            jz[r] = s;
          }
          dampedPinv(jz, back);
          for (int i = 0; i < n; i++) {
            qd[i] += z[i] - back[i];
          }
        }
        if (haveGoalQ) {
          double a = Math.min(1.0, dist / config.blendDistanceM());
          a *= a;
          double worstTask = 1.0;
          double worstJoint = 1.0;
          for (int i = 0; i < n; i++) {
            z[i] = config.gain() * (goalQ[i] - q[i]);
            worstTask = Math.max(worstTask, Math.abs(qd[i]) / vmax[i]);
            worstJoint = Math.max(worstJoint, Math.abs(z[i]) / vmax[i]);
          }
          for (int i = 0; i < n; i++) {
            qd[i] = a * z[i] / worstJoint + (1 - a) * qd[i] / worstTask;
          }
        }
      }
      case Target.Push p -> throw new IllegalStateException("a push is planned through its waypoints");
      case Target.Observed o -> throw new IllegalStateException("a goal observation is planned as its joints");
      case Target.Joints j -> {
        double s = 0;
        for (int i = 0; i < n; i++) {
          double d = j.position().get(i) - q[i];
          s += d * d;
          qd[i] = config.gain() * d;
        }
        err = Math.sqrt(s);
        double speed = config.gain() * err;
        if (speed > config.maxSpeed()) {
          for (int i = 0; i < n; i++) {
            qd[i] *= config.maxSpeed() / speed;
          }
        }
      }
    }
    double worst = 1.0;
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(qd[i])) {
        Arrays.fill(qd, 0.0);
        return err;
      }
      worst = Math.max(worst, Math.abs(qd[i]) / vmax[i]);
    }
    for (int i = 0; i < n; i++) {
      qd[i] /= worst;
    }
    return err;
  }

  private void dampedPinv(double[] v, double[] out) {
    Dls.solve(jac, n, config.damping(), v, out);
  }

  private static double clamp(double v, double lo, double hi) {
    return v < lo ? lo : (v > hi ? hi : v);
  }

  private static double clampAbs(double v, double b) {
    return Double.isFinite(v) ? clamp(v, -b, b) : 0.0;
  }
}
