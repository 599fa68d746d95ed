package io.telos.planner;

import io.telos.api.Header;
import io.telos.api.PlanSignals;
import io.telos.api.spi.Planner;

/** A {@link Planner} that reports what its last call did. */
public interface InstrumentedPlanner extends Planner {
  /** Diagnostics of the last {@link #plan} call, or null before the first one and after {@link #reset()}. */
  PlanDiagnostics lastDiagnostics();

  /** The fallback signals derived from {@link #lastDiagnostics()}. */
  @Override
  default PlanSignals signals() {
    PlanDiagnostics d = lastDiagnostics();
    if (d == null) {
      return null;
    }
    return new PlanSignals(Header.of(0, d.stampNs(), d.planner()), d.goalId(), d.energy(), d.taskError(),
        d.uncertainty(), d.stuck(), d.infeasible());
  }
}
