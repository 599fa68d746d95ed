package io.telos.api;

import java.util.List;
import java.util.Objects;

/**
 * A short plan: setpoints with strictly increasing times (clock of the header). The safety kernel
 * interpolates between them and holds the last one.
 *
 * @param goalId the goal this plan pursues
 * @param energy predicted energy of the plan (task + guardrail cost), for monitoring
 */
public record ActionChunk(Header header, String goalId, List<Setpoint> setpoints, double energy)
    implements Message {
  public ActionChunk {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(goalId, "goalId");
    setpoints = List.copyOf(setpoints);
    if (setpoints.isEmpty()) {
      throw new IllegalArgumentException("an action chunk needs at least one setpoint");
    }
  }
}
