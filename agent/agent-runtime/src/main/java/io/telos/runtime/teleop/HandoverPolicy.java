package io.telos.runtime.teleop;

import io.telos.api.Fault;
import io.telos.api.HandoverRequest.Trigger;
import io.telos.api.PlanSignals;

/**
 * Decides, from the planner's signals and from faults, when the agent should stop and ask an
 * operator. Pure logic, fed in stamp order from one thread; thresholds from {@link TeleopConfig}.
 *
 * <ul>
 *   <li>{@code STUCK}: the planner reports an energy plateau short of the goal.
 *   <li>{@code INFEASIBLE}: every plan broke a hard guardrail for {@code infeasible_ms}.
 *   <li>{@code UNCERTAIN}: the model's uncertainty along the plan stayed above its threshold for
 *       {@code sustain_ms}.
 *   <li>{@code FAULT}: a fault whose code is listed in {@code triggers.faults}.
 * </ul>
 */
public final class HandoverPolicy {
  /** A trigger that fired, with the measured value and the threshold it crossed. */
  public record Firing(Trigger trigger, String detail, long stampNs) {}

  private final TeleopConfig config;
  private long infeasibleSince = Long.MIN_VALUE;
  private long uncertainSince = Long.MIN_VALUE;

  public HandoverPolicy(TeleopConfig config) {
    this.config = config;
  }

  /** Feeds one plan's signals; returns the trigger that fires, or null. */
  public Firing onSignals(PlanSignals s) {
    long t = s.header().stampNs();
    if (s.goalId().isEmpty()) {
      reset();
      return null;
    }
    if (config.stuckTrigger() && s.stuck()) {
      return new Firing(Trigger.STUCK, String.format("goal %s: no progress (task error %.3f) within the planner's"
          + " stuck window", s.goalId(), s.taskError()), t);
    }
    if (config.infeasibleNs() > 0) {
      if (s.infeasible()) {
        if (infeasibleSince == Long.MIN_VALUE) {
          infeasibleSince = t;
        }
        if (t - infeasibleSince >= config.infeasibleNs()) {
          return new Firing(Trigger.INFEASIBLE, String.format("goal %s: no plan kept the hard guardrails for %d ms"
              + " (limit %d ms)", s.goalId(), (t - infeasibleSince) / 1_000_000, config.infeasibleNs() / 1_000_000), t);
        }
      } else {
        infeasibleSince = Long.MIN_VALUE;
      }
    }
    double th = config.uncertaintyThreshold();
    if (th > 0 && Double.isFinite(s.uncertainty())) {
      if (s.uncertainty() > th) {
        if (uncertainSince == Long.MIN_VALUE) {
          uncertainSince = t;
        }
        if (t - uncertainSince >= config.sustainNs()) {
          return new Firing(Trigger.UNCERTAIN, String.format("goal %s: model uncertainty %.4f above %.4f for %d ms",
              s.goalId(), s.uncertainty(), th, (t - uncertainSince) / 1_000_000), t);
        }
      } else {
        uncertainSince = Long.MIN_VALUE;
      }
    }
    return null;
  }

  /** Feeds one fault; returns the trigger that fires, or null. */
  public Firing onFault(Fault f) {
    if (config.faultCodes().contains(f.code())) {
      return new Firing(Trigger.FAULT, f.code() + ": " + f.message(), f.header().stampNs());
    }
    return null;
  }

  /** Forgets running timers (after a handover is served, or on a new goal). */
  public void reset() {
    infeasibleSince = Long.MIN_VALUE;
    uncertainSince = Long.MIN_VALUE;
  }
}
