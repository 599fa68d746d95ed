package io.telos.memory.recall;

import io.telos.api.Vec;
import io.vertx.core.json.JsonArray;

/** Vectors as JSON arrays of numbers. */
final class Json {
  private Json() {}

  static JsonArray array(Vec v) {
    JsonArray a = new JsonArray();
    for (int i = 0; i < v.size(); i++) {
      a.add(v.get(i));
    }
    return a;
  }

  static Vec vec(JsonArray a, String field) {
    if (a == null) {
      return Vec.empty();
    }
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(a.getValue(i) instanceof Number n)) {
        throw new IllegalArgumentException(field + "[" + i + "]: not a number");
      }
      out[i] = n.doubleValue();
    }
    return Vec.of(out);
  }
}
