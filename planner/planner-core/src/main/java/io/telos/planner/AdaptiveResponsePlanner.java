package io.telos.planner;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.JointCommand;
import io.telos.api.Observation;
import io.telos.model.ActuatorResponse;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A planner for an arm whose response is learned while it runs ({@code robot.response.adapt}): it
 * plans with a planner built for the response in force, and when the runtime adopts a newly
 * identified response ({@link #adopt}) the next {@link #plan} call is made by a planner built for
 * that one — its world model ({@link ResponseWorldModel}) and its continuity of the commands in
 * flight then match the arm. The swap happens between plans, on the planner's thread; the new
 * planner starts cold (no warm start, the first plan resynchronises on the measured arm).
 */
public final class AdaptiveResponsePlanner implements InstrumentedPlanner {
  private final Function<ActuatorResponse, InstrumentedPlanner> factory;
  private final AtomicReference<ActuatorResponse> pending = new AtomicReference<>();
  private volatile InstrumentedPlanner current;
  private volatile ActuatorResponse response;
  private volatile int adoptions;

  /**
   * @param factory builds the planner for a response (the launch file's planner over the robot model
   *     with that response)
   * @param initial the response planned for until one is adopted
   */
  public AdaptiveResponsePlanner(Function<ActuatorResponse, InstrumentedPlanner> factory, ActuatorResponse initial) {
    this.factory = Objects.requireNonNull(factory, "factory");
    this.response = Objects.requireNonNull(initial, "initial");
    this.current = Objects.requireNonNull(factory.apply(initial), "planner");
  }

  /** Plans for {@code next} from the next {@link #plan} call on. Safe from any thread. */
  public void adopt(ActuatorResponse next) {
    if (next.size() != response.size()) {
      throw new IllegalArgumentException("response for " + next.size() + " joints, planner for " + response.size());
    }
    pending.set(next);
  }

  /** The response planned for now (an adopted one once the planner took it up). */
  public ActuatorResponse response() {
    return response;
  }

  /** How many adopted responses the planner has taken up. */
  public int adoptions() {
    return adoptions;
  }

  @Override
  public String name() {
    return current.name();
  }

  @Override
  public ActionChunk plan(Observation observation, Goal goal) {
    ActuatorResponse next = pending.getAndSet(null);
    if (next != null) {
      current = factory.apply(next);
      response = next;
      adoptions++;
    }
    return current.plan(observation, goal);
  }

  @Override
  public PlanDiagnostics lastDiagnostics() {
    return current.lastDiagnostics();
  }

  @Override
  public void commanded(JointCommand command) {
    current.commanded(command);
  }

  @Override
  public void reset() {
    current.reset();
  }
}
