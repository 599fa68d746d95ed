package io.telos.api.spi;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.JointCommand;
import io.telos.api.Observation;
import io.telos.api.PlanSignals;

/**
 * Turns the latest observation and the active goal into a short plan. Called on a worker thread,
 * one call at a time; it may keep state between calls (warm starts). Must be deterministic for a
 * given seed and sequence of calls.
 */
public interface Planner {
  /** Short name for logs and reports, e.g. {@code mppi}. */
  String name();

  /**
   * Plans from {@code observation} toward {@code goal}. Setpoint times are absolute, in the clock of
   * the observation's header, and start after {@code observation.header().stampNs()}.
   */
  ActionChunk plan(Observation observation, Goal goal);

  /**
   * Signals about the last {@link #plan} call (energy, stuck, infeasible, uncertainty) for the
   * fallback logic, or null when this planner reports none. The header is restamped by the host.
   */
  default PlanSignals signals() {
    return null;
  }

  /**
   * The command the servo loop has just issued to the robot (after the safety kernel), called on
   * the servo thread at the command rate, concurrently with {@link #plan}: keep it short and
   * thread-safe. A planner that continues its plans across calls corrects what it believes is in
   * flight with it; the default ignores it.
   */
  default void commanded(JointCommand command) {}

  /** Forgets warm-start state (e.g. after a new goal or a mode change). */
  default void reset() {}

  /**
   * Thrown by {@link #plan} when the observation does not yet hold what the goal needs (the object
   * a push goal names has not been seen yet: the camera's first picture is still on its way, the
   * arm hides it). The runtime holds the arm and asks again with the next observation; only when
   * this lasts is it reported as a failed plan.
   */
  final class NotReady extends IllegalArgumentException {
    public NotReady(String message) {
      super(message);
    }
  }
}
