package io.telos.planner;

import io.telos.api.Target;
import io.telos.planner.cost.Energy;
import io.telos.planner.cost.KeepOutCost;
import io.telos.planner.cost.Rollout;
import io.telos.planner.spi.WorldModel;
import java.util.Arrays;

/**
 * The plan gate of {@link MppiPlanner}: decides which sequence is sent and rolls it out once more
 * into {@link #rollout()}. The sampler's mean is sent, unless it breaks a hard limit that the best
 * sample keeps (fallback). Keep-out volumes are verified once more on the plan to be sent: if it
 * would take any part of the arm into one, the best sample is sent when it stays clear, else a stop
 * — the zero command rolled out when that stays clear, else every setpoint at the observed position.
 * A plan entering a keep-out volume is never sent. The sequence chosen is written back into the
 * mean, so the next call's warm start continues what was sent.
 */
final class PlanGate {
  /** What the gate let through: its energy, whether the best sample replaced the mean, whether it holds. */
  record Result(double energy, boolean fallback, boolean hold) {}

  private final WorldModel model;
  private final Energy energy;
  /** Null when no keep-out volume is declared. */
  private final KeepOutCost keepOutCost;
  private final double[] bound;
  private final boolean withUncertainty;
  private final int horizon;
  private final int n;
  private final Rollout planRollout;

  /**
   * @param keepOutCost the keep-out guardrail, null without keep-out volumes
   * @param bound the action bound of each joint (the sampler's)
   */
  PlanGate(WorldModel model, Energy energy, KeepOutCost keepOutCost, double[] bound, int horizon,
      boolean withUncertainty) {
    this.model = model;
    this.energy = energy;
    this.keepOutCost = keepOutCost;
    this.bound = bound;
    this.withUncertainty = withUncertainty;
    this.horizon = horizon;
    this.n = model.dof();
    this.planRollout = new Rollout(model, 1, horizon);
  }

  /** The plan sent by the last {@link #decide}. */
  Rollout rollout() {
    return planRollout;
  }

  /**
   * Gates {@code mean} (overwritten with what is sent) against {@code best} (the best sample, of
   * energy {@code bestCost}), rolled out from state {@code x0}.
   */
  Result decide(Target target, double[] x0, double[] mean, double[] best, double bestCost) {
    double planEnergy = evaluatePlan(mean, target, x0);
    boolean fallback = false;
    if (Energy.breaksHardLimit(planEnergy) && bestCost < planEnergy) {
      System.arraycopy(best, 0, mean, 0, mean.length);
      planEnergy = evaluatePlan(mean, target, x0);
      fallback = true;
    }
    boolean hold = false;
    if (keepOutCost != null && keepOutCost.trajectoryCost(planRollout, 0) > 0) {
      boolean clear = false;
      if (!fallback) { // the best sample may stay clear where the average does not
        planEnergy = evaluatePlan(best, target, x0);
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
        planEnergy = evaluatePlan(mean, target, x0);
        if (keepOutCost.trajectoryCost(planRollout, 0) > 0) {
          planEnergy = holdInPlace(target);
        }
      }
    }
    return new Result(planEnergy, fallback, hold);
  }

  /** Rolls {@code actions} out from {@code x0} into {@link #planRollout} and returns its energy. */
  private double evaluatePlan(double[] actions, Target target, double[] x0) {
    for (int t = 0; t < horizon; t++) {
      double[] u = planRollout.actions(t);
      for (int i = 0; i < n; i++) {
        u[i] = MppiSampler.clamp(actions[t * n + i], bound[i]);
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
}
