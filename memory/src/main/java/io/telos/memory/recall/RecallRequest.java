package io.telos.memory.recall;

import io.telos.api.Vec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * A similarity-recall question, sent to {@link RecallService#address(String)} as its JSON form
 * ({@link #toJson()}): {@code {"vector": [..], "k": 10, "horizon": 20, "space": "state"}}
 * ({@code k} defaults to 10, {@code horizon} to 0, {@code space} to {@code state}).
 *
 * @param space which vector of the stored steps to compare with
 * @param vector the query
 * @param k how many neighbours, in [1, {@value SimilarityRecall#MAX_K}]
 * @param horizon how many following commands per neighbour, in [0, {@value SimilarityRecall#MAX_HORIZON}]
 */
public record RecallRequest(VectorSpace space, Vec vector, int k, int horizon) {
  public RecallRequest {
    Objects.requireNonNull(space, "space");
    Objects.requireNonNull(vector, "vector");
    if (k < 1 || k > SimilarityRecall.MAX_K) {
      throw new IllegalArgumentException("k must be in [1, " + SimilarityRecall.MAX_K + "], was " + k);
    }
    if (horizon < 0 || horizon > SimilarityRecall.MAX_HORIZON) {
      throw new IllegalArgumentException(
          "horizon must be in [0, " + SimilarityRecall.MAX_HORIZON + "], was " + horizon);
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("space", space.label()).put("vector", Json.array(vector)).put("k", k)
        .put("horizon", horizon);
  }

  /** @throws IllegalArgumentException naming the bad field */
  public static RecallRequest fromJson(JsonObject j) {
    if (j == null) {
      throw new IllegalArgumentException("request must be a JSON object");
    }
    Object v = j.getValue("vector");
    if (!(v instanceof JsonArray a) || a.isEmpty()) {
      throw new IllegalArgumentException("vector: a non-empty array of numbers is required");
    }
    VectorSpace space;
    try {
      space = VectorSpace.ofLabel(j.getString("space", "state"));
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new IllegalArgumentException("space: must be state or latent");
    }
    int k;
    int horizon;
    try {
      k = j.getInteger("k", 10);
      horizon = j.getInteger("horizon", 0);
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("k and horizon must be integers");
    }
    return new RecallRequest(space, Json.vec(a, "vector"), k, horizon);
  }
}
