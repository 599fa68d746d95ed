package io.telos.bridge.teleop;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logs operators in (a name and password, or the shared token and a name) and keeps their
 * sessions. Comparisons take constant time; session ids are 128 random bits. Thread-safe.
 */
public final class Authenticator {
  private record Session(String operator, long expiresAtMs) {}

  private final ConsoleConfig config;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  public Authenticator(ConsoleConfig config) {
    this.config = config;
  }

  /** The operator's name if the credentials are right: a user and password, or the token and a name. */
  public Optional<String> check(String user, String password, String token) {
    if (user == null || !user.matches("[A-Za-z0-9_.-]{1,32}")) {
      return Optional.empty();
    }
    if (password != null) {
      String expected = config.users().get(user);
      return expected != null && same(expected, password) ? Optional.of(user) : Optional.empty();
    }
    if (token != null && config.token() != null && same(config.token(), token)) {
      return Optional.of(user);
    }
    return Optional.empty();
  }

  /** Opens a session for an operator that passed {@link #check}. */
  public String open(String operator, long nowMs) {
    byte[] b = new byte[16];
    random.nextBytes(b);
    String id = HexFormat.of().formatHex(b);
    sessions.put(id, new Session(operator, nowMs + config.sessionMs()));
    return id;
  }

  /** The operator of a live session. */
  public Optional<String> session(String id, long nowMs) {
    if (id == null) {
      return Optional.empty();
    }
    Session s = sessions.get(id);
    if (s == null) {
      return Optional.empty();
    }
    if (nowMs > s.expiresAtMs()) {
      sessions.remove(id);
      return Optional.empty();
    }
    return Optional.of(s.operator());
  }

  public void close(String id) {
    if (id != null) {
      sessions.remove(id);
    }
  }

  /** Ends every session of an operator ("log out everywhere"); returns how many there were. */
  public int revoke(String operator) {
    int[] n = {0};
    sessions.entrySet().removeIf(e -> {
      boolean hit = e.getValue().operator().equals(operator);
      n[0] += hit ? 1 : 0;
      return hit;
    });
    return n[0];
  }

  private static boolean same(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
