package io.telos.memory.recall;

import io.telos.api.Vec;
import io.telos.memory.Outcome;
import io.telos.memory.StepRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer to a {@link RecallRequest}: the neighbours nearest first, and how many steps the index
 * held. JSON form ({@link #toJson()}):
 *
 * <pre>{@code
 * {"indexed": 123456,
 *  "neighbours": [{"episode": 12, "index": 40, "distance": 0.013, "stampNs": 40000000,
 *                  "goal": "reach-3", "state": [..], "command": [..],
 *                  "next": [[..], [..]], "outcome": "reached", "operator": false}]}
 * }</pre>
 *
 * {@code command} is the command position recorded with the step, {@code next} the ones recorded
 * with the following steps (up to the horizon), {@code outcome} is null while the episode is open.
 */
public record RecallReply(List<Neighbour> neighbours, long indexed) {
  public RecallReply {
    neighbours = List.copyOf(neighbours);
  }

  public JsonObject toJson() {
    JsonArray ns = new JsonArray();
    for (Neighbour n : neighbours) {
      JsonArray next = new JsonArray();
      n.nextCommands().forEach(c -> next.add(Json.array(c)));
      StepRecord s = n.step();
      ns.add(new JsonObject().put("episode", s.episodeId()).put("index", s.index()).put("distance", n.distance())
          .put("stampNs", s.stampNs()).put("goal", s.goalId()).put("state", Json.array(s.state()))
          .put("latent", Json.array(s.latent())).put("command", Json.array(s.commandPosition())).put("next", next)
          .put("outcome", n.outcome() == null ? null : n.outcome().label()).put("operator", n.operator()));
    }
    return new JsonObject().put("indexed", indexed).put("neighbours", ns);
  }

  /**
   * Reads the JSON form. The steps come back with what the reply carries (episode, index, stamp,
   * goal, state, latent, command position); their other fields are empty.
   */
  public static RecallReply fromJson(JsonObject j) {
    List<Neighbour> out = new ArrayList<>();
    for (Object o : j.getJsonArray("neighbours", new JsonArray())) {
      JsonObject n = (JsonObject) o;
      List<Vec> next = new ArrayList<>();
      for (Object c : n.getJsonArray("next", new JsonArray())) {
        next.add(Json.vec((JsonArray) c, "next"));
      }
      StepRecord s = new StepRecord(n.getLong("episode"), n.getLong("index"), n.getLong("stampNs"),
          Json.vec(n.getJsonArray("state"), "state"), Vec.empty(), Json.vec(n.getJsonArray("latent"), "latent"),
          Json.vec(n.getJsonArray("command"), "command"), Vec.empty(), null, Double.NaN, n.getString("goal"), null);
      String outcome = n.getString("outcome");
      out.add(new Neighbour(s, n.getDouble("distance"), next, outcome == null ? null : Outcome.ofLabel(outcome),
          n.getBoolean("operator", false)));
    }
    return new RecallReply(out, j.getLong("indexed", 0L));
  }
}
