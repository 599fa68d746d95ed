package io.telos.planner;

import io.telos.api.spi.Planner;

/** A {@link Planner} that reports what its last call did. */
public interface InstrumentedPlanner extends Planner {
  /** Diagnostics of the last {@link #plan} call, or null before the first one and after {@link #reset()}. */
  PlanDiagnostics lastDiagnostics();
}
