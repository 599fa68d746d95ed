/**
 * Planner core: sampling-based model-predictive control (MPPI, CEM) over a {@link
 * io.telos.planner.spi.WorldModel}, the damped-least-squares baseline, and their configuration.
 * Build planners with {@link io.telos.planner.Planners}; every planner implements {@link
 * io.telos.api.spi.Planner} and reports {@link io.telos.planner.PlanDiagnostics}.
 */
package io.telos.planner;
