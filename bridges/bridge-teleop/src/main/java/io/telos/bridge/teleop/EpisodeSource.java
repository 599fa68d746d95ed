package io.telos.bridge.teleop;

import io.vertx.core.json.JsonArray;

/** The console's list of episodes; blocking (called on a worker thread). */
@FunctionalInterface
public interface EpisodeSource {
  /**
   * Up to {@code limit} episodes, newest first, each a JSON object (id, goal, outcome, steps,
   * operator, ...).
   */
  JsonArray recent(int limit);

  EpisodeSource NONE = limit -> new JsonArray();
}
