package io.telos.bridge.teleop;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed operator messages over MQTT: the station checks who sent a command and that it is fresh
 * without any password crossing the broker.
 *
 * <p>The payload is the {@link OperatorProtocol} JSON with {@code "user"}, {@code "ts_ms"} (the
 * sender's Unix time, ms) and {@code "nonce"} (8-64 characters of the sender's choosing, never
 * reused); the MQTT 5 user property {@value #PROPERTY} carries
 * {@code base64(HMAC-SHA256(key, payload bytes))}. The key is
 * {@code PBKDF2-HMAC-SHA256(secret, "telos-operator/" + user, 100000 iterations, 256 bits)} where
 * the secret is the user's console password (or the console's shared token). A message is
 * accepted once: within {@link #WINDOW_MS} of the station's clock and with a nonce not seen in
 * that window.
 */
public final class OperatorSignature {
  /** The MQTT 5 user property that carries the signature. */
  public static final String PROPERTY = "telos-sig";
  /** How far a message's {@code ts_ms} may be from the station's clock. */
  public static final long WINDOW_MS = 30_000;
  static final int ITERATIONS = 100_000;

  private record Seen(String nonce, long atMs) {}

  private final Deque<Seen> seen = new ArrayDeque<>();
  private final Set<String> nonces = new HashSet<>();

  /** The signing key of {@code user} with {@code secret} (password or token). */
  public static byte[] key(String user, String secret) {
    PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(),
        ("telos-operator/" + user).getBytes(StandardCharsets.UTF_8), ITERATIONS, 256);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
    } finally {
      spec.clearPassword();
    }
  }

  /** The signature of {@code payload} (base64). */
  public static String sign(byte[] key, byte[] payload) {
    return Base64.getEncoder().encodeToString(mac(key, payload));
  }

  /** Whether {@code signature} is {@code payload}'s under {@code key} (constant-time). */
  public static boolean valid(byte[] key, byte[] payload, String signature) {
    byte[] got;
    try {
      got = Base64.getDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(mac(key, payload), got);
  }

  /**
   * Checks freshness and records the nonce.
   *
   * @return null when fresh, else why not
   */
  public synchronized String fresh(long tsMs, String nonce, long nowMs) {
    while (!seen.isEmpty() && seen.peekFirst().atMs() < nowMs - 2 * WINDOW_MS) {
      nonces.remove(seen.pollFirst().nonce());
    }
    if (Math.abs(nowMs - tsMs) > WINDOW_MS) {
      return "ts_ms is " + (nowMs - tsMs) + " ms from the station's clock (at most " + WINDOW_MS + ")";
    }
    if (nonce == null || nonce.length() < 8 || nonce.length() > 64) {
      return "nonce must be 8-64 characters";
    }
    if (!nonces.add(nonce)) {
      return "replayed (nonce already used)";
    }
    seen.addLast(new Seen(nonce, nowMs));
    return null;
  }

  private static byte[] mac(byte[] key, byte[] payload) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      return m.doFinal(payload);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
