package io.telos.runtime.verticle;

import io.telos.api.ActionChunk;
import io.telos.api.Addresses;
import io.telos.api.Clock;
import io.telos.api.Fault;
import io.telos.api.Goal;
import io.telos.api.GoalOutcome;
import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.Observation;
import io.telos.api.PlanSignals;
import io.telos.api.Setpoint;
import io.telos.api.Vec;
import io.telos.api.spi.Planner;
import io.telos.runtime.task.GoalTracker;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts a {@link Planner} on a worker thread with a {@link GoalTracker} above it. In wall-clock mode
 * it replans at its rate from the newest observation; in lock-step mode it answers every
 * observation, so the servo loop can advance. Every plan is stamped with the observation it was
 * planned from. When there is no goal it publishes a hold plan at the observed position.
 */
public final class PlannerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PlannerVerticle.class);
  private final String robotId;
  private final Planner planner;
  private final GoalTracker tracker;
  private final Clock clock;
  private final boolean lockStep;
  private final long periodNs;
  private final Histogram stepUs = new Histogram(1, 60_000_000, 3);
  /** The world model's uncertainty along each plan, in millionths (recorded when the model has one). */
  private final Histogram uncertaintyMicro = new Histogram(1, 10_000_000_000L, 2);
  private double goalUncertaintyMax;
  private volatile Observation latest;
  private volatile boolean resetRequested;
  private Observation lastPlanned;
  private long sequence;
  private long faultSeq;
  private long failures;
  /** A planner not ready for this long (e.g. the goal's object unseen) reports a failed plan. */
  static final long NOT_READY_GRACE_NS = 2_000_000_000L;
  private long notReadySinceNs = Long.MIN_VALUE;
  private final Consumer<GoalOutcome> onOutcome;

  /**
   * @param onOutcome called on the planner's thread the moment a goal ends, before the plan for that
   *     observation is published (in lock-step the servo loop is waiting, so its state is stable)
   */
  public PlannerVerticle(String robotId, Planner planner, List<Goal> goals, long settleNs, Clock clock,
      boolean lockStep, double rateHz, Consumer<GoalOutcome> onOutcome) {
    this.robotId = robotId;
    this.planner = planner;
    this.clock = clock;
    this.lockStep = lockStep;
    this.periodNs = Math.round(1e9 / rateHz);
    this.onOutcome = onOutcome;
    this.tracker = new GoalTracker(robotId, settleNs, goals, this::outcome);
  }

  @Override
  public Future<?> start() {
    MessageConsumer<Observation> observations = null;
    if (lockStep) {
      // lock-step: answer every observation, in order (the servo loop waits for each answer)
      observations = vertx.eventBus().<Observation>localConsumer(Addresses.observation(robotId), msg -> {
        latest = msg.body();
        planOnce(msg.body());
      });
    }
    var goals = vertx.eventBus().<Goal>localConsumer(Addresses.goal(robotId), msg -> tracker.add(msg.body()));
    if (!lockStep) {
      // wall clock: observations arrive through offerObservation() from an event loop, never queued
      // behind a slow plan on this worker; each plan uses the newest one and the next is scheduled
      // after it ends, so a planner slower than its rate replans as fast as it can, from fresh
      // states, instead of building a backlog of ever older ones
      vertx.setTimer(1, id -> loop());
    }
    return observations == null ? goals.completion()
        : Future.all(observations.completion(), goals.completion());
  }

  /** The newest observation (wall-clock mode); safe from any thread. */
  public void offerObservation(Observation obs) {
    latest = obs;
  }

  private void loop() {
    long t0 = System.nanoTime();
    Observation obs = latest;
    if (obs != null && obs != lastPlanned) {
      planOnce(obs);
    }
    long waitMs = (periodNs - (System.nanoTime() - t0)) / 1_000_000;
    vertx.setTimer(Math.max(1, waitMs), id -> loop());
  }

  /** The command the servo loop has just issued (called on the servo thread); passed to the planner. */
  public void offerCommand(JointCommand command) {
    try {
      planner.commanded(command);
    } catch (RuntimeException e) { // never on the servo loop's account: the planner just learns less
      if (commandFailures++ == 0) {
        LOG.warn("component=planner/{} event=commanded_failed reason=\"{}\"", robotId, e.toString());
      }
    }
  }

  /** Failures of {@link Planner#commanded} (servo thread only). */
  private long commandFailures;

  /**
   * Asks for a planner reset before the next plan: after an operator or a stop had the arm, warm
   * starts and progress windows describe a past that did not happen. Called synchronously by the
   * mode arbiter's listener, so no plan made after autonomy resumed runs on the old state.
   */
  public void requestReset() {
    resetRequested = true;
  }

  /** The last failure reported (a repeated one is reported at the 1st, 2nd, 4th… time only). */
  private String lastFailure;

  private void planOnce(Observation obs) {
    if (resetRequested) {
      resetRequested = false;
      planner.reset();
    }
    lastPlanned = obs;
    Goal goal = tracker.update(obs, planner::reset);
    ActionChunk chunk;
    long t0 = System.nanoTime();
    if (goal == null) {
      chunk = hold(obs);
    } else {
      try {
        chunk = planner.plan(obs, goal);
        notReadySinceNs = Long.MIN_VALUE;
      } catch (Planner.NotReady e) {
        // the goal's object is not seen yet: hold and wait, reported only when the wait lasts
        long now = obs.header().stampNs();
        if (notReadySinceNs == Long.MIN_VALUE) {
          notReadySinceNs = now;
          LOG.info("component=planner/{} event=waiting goal={} reason=\"{}\"", robotId, goal.id(), e.getMessage());
        }
        if (now - notReadySinceNs > NOT_READY_GRACE_NS) {
          notReadySinceNs = now;
          failures++;
          LOG.warn("component=planner/{} event=plan_failed goal={} count={} reason=\"{}\"", robotId, goal.id(), failures,
              e.toString());
          vertx.eventBus().publish(Addresses.fault(robotId), new Fault(
              new Header(faultSeq++, clock.nanos(), "planner/" + robotId, ""), Fault.Severity.WARNING,
              "PLAN_FAILED", e.toString()));
        }
        chunk = hold(obs);
      } catch (RuntimeException e) {
        failures++;
        if (Long.bitCount(failures) == 1 || !e.toString().equals(lastFailure)) { // 1st, 2nd, 4th… of a kind
          LOG.warn("component=planner/{} event=plan_failed goal={} count={} reason=\"{}\"", robotId, goal.id(), failures,
              e.toString());
          vertx.eventBus().publish(Addresses.fault(robotId), new Fault(
              new Header(faultSeq++, clock.nanos(), "planner/" + robotId, ""), Fault.Severity.WARNING,
              "PLAN_FAILED", e.toString()));
          lastFailure = e.toString();
        }
        chunk = hold(obs);
      }
      synchronized (stepUs) {
        stepUs.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
      }
    }
    ActionChunk stamped = new ActionChunk(
        new Header(sequence++, obs.header().stampNs(), "planner/" + robotId, obs.header().frame()),
        chunk.goalId(), chunk.setpoints(), chunk.energy());
    vertx.eventBus().publish(Addresses.plan(robotId), stamped);
    PlanSignals signals = goal == null ? null : planner.signals();
    if (signals != null && Double.isFinite(signals.uncertainty()) && signals.uncertainty() > 0) {
      goalUncertaintyMax = Math.max(goalUncertaintyMax, signals.uncertainty());
      synchronized (uncertaintyMicro) {
        uncertaintyMicro.recordValue(Math.max(1, Math.min(10_000_000_000L, Math.round(signals.uncertainty() * 1e6))));
      }
    }
    vertx.eventBus().publish(Addresses.planSignals(robotId), signals != null ? signals.withHeader(stamped.header())
        : new PlanSignals(stamped.header(), chunk.goalId(), chunk.energy(), Double.NaN, Double.NaN,
            false, false));
  }

  private ActionChunk hold(Observation obs) {
    Setpoint sp = new Setpoint(obs.header().stampNs() + periodNs, obs.position(), Vec.zeros(obs.position().size()));
    return new ActionChunk(obs.header(), "", List.of(sp), 0);
  }

  private void outcome(GoalOutcome o) {
    onOutcome.accept(o);
    LOG.info("component=planner/{} event=goal_end goal={} reached={} elapsedMs={} errorMm={} uncertaintyMax={}",
        robotId, o.goalId(), o.reached(), o.elapsedNs() / 1_000_000, String.format("%.2f", o.finalError() * 1000),
        String.format("%.4f", goalUncertaintyMax));
    goalUncertaintyMax = 0;
    vertx.eventBus().publish(Addresses.goalOutcome(robotId), o);
  }

  /** Planner step times in µs (a copy). */
  /** The world model's uncertainty along each plan, in millionths (empty for a model without one). */
  public Histogram uncertaintyHistogramMicro() {
    synchronized (uncertaintyMicro) {
      return uncertaintyMicro.copy();
    }
  }

  public Histogram stepHistogramUs() {
    synchronized (stepUs) {
      return stepUs.copy();
    }
  }

  public long failures() {
    return failures;
  }
}
