package io.telos.launch.fleet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelReleaseTest {
  private static final byte[] MODEL = "a model file's bytes".getBytes(StandardCharsets.UTF_8);

  @Test
  void roundTripsThroughItsJsonAndKeepsItsDigest() {
    ModelRelease r = ModelRelease.of(3, MODEL, 42, List.of("arm1", "arm2"), 4.5);
    ModelRelease back = ModelRelease.parse(r.toJson());
    assertEquals(3, back.version());
    assertArrayEquals(MODEL, back.bytes());
    assertEquals(List.of("arm1", "arm2"), back.robots());
    assertEquals(42, back.episodes());
    assertEquals(4.5, back.ee16MedianMm());
    assertTrue(back.intact());
    // the digest of these bytes, as sha256sum prints it
    assertEquals("8a9eda064ec65149bb0fa1e765e657d51c887bb5a0cef29e322e6ddb8f6ba3ed", back.sha256());
  }

  @Test
  void changedBytesAreNotIntact() {
    JsonObject o = new JsonObject(ModelRelease.of(1, MODEL, 1, List.of(), 1).toJson());
    byte[] tampered = MODEL.clone();
    tampered[0] ^= 1;
    o.put("bytes", Base64.getEncoder().encodeToString(tampered));
    assertFalse(ModelRelease.parse(o.encode()).intact());
  }

  @Test
  void malformedReleasesAreRefusedNamingTheField() {
    String good = ModelRelease.of(1, MODEL, 1, List.of(), 1).toJson();
    assertEquals("not a JSON object", assertThrows(IllegalArgumentException.class,
        () -> ModelRelease.parse("[1]")).getMessage());
    assertTrue(refusal(new JsonObject(good).put("version", 0)).startsWith("version"));
    assertTrue(refusal(new JsonObject(good).put("version", 1.5)).startsWith("version"));
    assertTrue(refusal(new JsonObject(good).put("sha256", "xyz")).startsWith("sha256"));
    assertTrue(refusal(new JsonObject(good).put("bytes", "%%%")).startsWith("bytes"));
    assertTrue(refusal(new JsonObject(good).put("size", 3)).startsWith("size"));
    assertTrue(refusal(new JsonObject(good).put("bytes", "A".repeat(ModelRelease.MAX_BYTES / 3 * 4 + 8)))
        .startsWith("bytes"));
  }

  private static String refusal(JsonObject o) {
    return assertThrows(IllegalArgumentException.class, () -> ModelRelease.parse(o.encode())).getMessage();
  }
}
