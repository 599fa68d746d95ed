package io.telos.launch.fleet;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One version of the fleet's world model as the trainer publishes it on
 * {@link io.telos.api.Addresses#fleetModels()}: the model file's bytes with their SHA-256, the
 * version, and what it was learned from. Members check the digest before anything is written.
 *
 * @param version the fleet's version number (1, 2, …), increasing
 * @param sha256 hex SHA-256 of {@code bytes}
 * @param bytes the model file ({@code .twm})
 * @param episodes episodes it was trained on
 * @param robots the robots whose episodes those were
 * @param ee16MedianMm held-out 16-step end-effector error, median, mm (the trainer's own check)
 */
public record ModelRelease(int version, String sha256, byte[] bytes, int episodes, List<String> robots,
    double ee16MedianMm) {
  /**
   * Largest model file a release may carry: the event bus is not a file server, and its base64
   * stays under the JSON parser's 20 M-character limit for one string.
   */
  public static final int MAX_BYTES = 8 << 20;

  public ModelRelease {
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(bytes, "bytes");
    robots = List.copyOf(robots);
  }

  /** A release of {@code bytes} as version {@code version}, its digest computed here. */
  public static ModelRelease of(int version, byte[] bytes, int episodes, List<String> robots, double ee16MedianMm) {
    return new ModelRelease(version, sha256(bytes), bytes, episodes, robots, ee16MedianMm);
  }

  /** Whether the bytes are the ones the digest names. */
  public boolean intact() {
    return MessageDigest.isEqual(HexFormat.of().parseHex(sha256), digest(bytes));
  }

  /** The release as the JSON text that crosses the cluster. */
  public String toJson() {
    return new JsonObject().put("version", version).put("sha256", sha256).put("size", bytes.length)
        .put("episodes", episodes).put("robots", new JsonArray(robots)).put("ee16_median_mm", ee16MedianMm)
        .put("bytes", Base64.getEncoder().encodeToString(bytes)).encode();
  }

  /**
   * Reads a release; refuses (IllegalArgumentException naming the field) anything malformed,
   * oversized or whose size does not match. The digest is checked by {@link #intact()}.
   */
  public static ModelRelease parse(String text) {
    JsonObject o;
    try {
      o = new JsonObject(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a JSON object");
    }
    int version = positive(o, "version");
    if (!(o.getValue("sha256") instanceof String sha) || !sha.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("sha256: 64 lowercase hex digits");
    }
    if (!(o.getValue("bytes") instanceof String b64) || b64.length() > MAX_BYTES / 3 * 4 + 4) {
      throw new IllegalArgumentException("bytes: base64 of at most " + MAX_BYTES + " bytes");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bytes: not base64");
    }
    if (o.getValue("size") instanceof Number n && n.longValue() != bytes.length) {
      throw new IllegalArgumentException("size: " + n + " but " + bytes.length + " bytes came");
    }
    List<String> robots = o.getValue("robots") instanceof JsonArray a
        ? a.stream().map(String::valueOf).toList() : List.of();
    double ee = o.getValue("ee16_median_mm") instanceof Number n ? n.doubleValue() : Double.NaN;
    int episodes = o.getValue("episodes") instanceof Number n ? n.intValue() : 0;
    return new ModelRelease(version, sha, bytes, episodes, robots, ee);
  }

  private static int positive(JsonObject o, String key) {
    if (!(o.getValue(key) instanceof Number n) || n.doubleValue() != n.intValue() || n.intValue() < 1) {
      throw new IllegalArgumentException(key + ": a whole number ≥ 1");
    }
    return n.intValue();
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest(bytes));
  }

  private static byte[] digest(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelRelease r && r.version == version && r.sha256.equals(sha256);
  }

  @Override
  public int hashCode() {
    return Objects.hash(version, sha256);
  }

  @Override
  public String toString() {
    return "ModelRelease[v" + version + ", " + bytes.length + " bytes, sha256 " + sha256.substring(0, 12) + "…]";
  }
}
