package io.telos.memory.recall;

import io.telos.api.Vec;
import io.telos.memory.Outcome;
import io.telos.memory.StepRecord;
import java.util.List;
import java.util.Objects;

/**
 * A remembered step near a query, with what was done next and how its episode turned out.
 *
 * @param step the stored step
 * @param distance Euclidean distance of its vector to the query
 * @param nextCommands the command positions recorded with the episode's following steps (up to the
 *     requested horizon; fewer near the episode's end, empty for its last step)
 * @param outcome how its episode ended, or null while it is open
 * @param operator true when the episode is a demonstration (an operator drove the arm)
 */
public record Neighbour(StepRecord step, double distance, List<Vec> nextCommands, Outcome outcome, boolean operator) {
  public Neighbour {
    Objects.requireNonNull(step, "step");
    nextCommands = List.copyOf(nextCommands);
  }

  public long episodeId() {
    return step.episodeId();
  }

  public long index() {
    return step.index();
  }
}
