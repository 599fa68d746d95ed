package io.telos.launch;

import io.telos.bridge.teleop.EpisodeSource;
import io.telos.memory.EpisodeStore;
import io.telos.memory.EpisodeSummary;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The console's episode list, read from the episodic memory. */
final class ConsoleEpisodes implements EpisodeSource {
  private final EpisodeStore store;

  ConsoleEpisodes(EpisodeStore store) {
    this.store = store;
  }

  @Override
  public JsonArray recent(int limit) {
    JsonArray out = new JsonArray();
    for (EpisodeSummary e : store.listEpisodes(limit)) {
      out.add(new JsonObject().put("id", e.id()).put("goal", e.meta().goalId())
          .put("outcome", e.outcome() == null ? "open" : e.outcome().name()).put("steps", e.steps())
          .put("gaps", e.gaps()).put("operator", e.meta().operator()).put("policy", e.meta().policy()));
    }
    return out;
  }
}
