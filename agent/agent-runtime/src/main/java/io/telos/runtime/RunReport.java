package io.telos.runtime;

import io.telos.api.GoalOutcome;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What a run measured.
 *
 * @param servoPeriodUs wall-clock period of the servo loop (empty in lock-step)
 * @param servoTickUs compute time of one servo tick
 * @param plannerStepUs planner step times
 * @param commandViolations commands outside limits (independent monitor)
 * @param measuredViolations measured positions outside limits
 * @param faults fault counts by code
 * @param commandHash hash of every command sent (positions and velocities), for replay checks; in
 *     lock-step up to the end of the last goal
 */
public record RunReport(
    List<GoalOutcome> outcomes,
    Histogram servoPeriodUs,
    Histogram servoTickUs,
    Histogram plannerStepUs,
    long servoTicks,
    long commandViolations,
    long measuredViolations,
    Map<String, Long> faults,
    long commandHash,
    double simulatedSeconds,
    double wallSeconds) {

  public long reached() {
    return outcomes.stream().filter(GoalOutcome::reached).count();
  }

  public double successRate() {
    return outcomes.isEmpty() ? 0 : (double) reached() / outcomes.size();
  }

  public long limitViolations() {
    return commandViolations + measuredViolations;
  }
}
