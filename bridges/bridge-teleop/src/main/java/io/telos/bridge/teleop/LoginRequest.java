package io.telos.bridge.teleop;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The body of {@code POST /api/login}: {@code {"user", "password"}} or {@code {"user", "token"}}.
 * Anything else is refused with a reason (HTTP 400) before credentials are checked.
 *
 * @param user operator name: 1-32 letters, digits, {@code _ . -}
 * @param password the user's password, or null
 * @param token the console's shared token, or null
 */
public record LoginRequest(String user, String password, String token) {
  private static final int MAX_SECRET = 1024;

  /**
   * Parses a request body.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static LoginRequest parse(String body) {
    JsonObject o;
    try {
      o = new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("expected a JSON object: {user, password} or {user, token}");
    }
    String user = text(o, "user");
    if (user == null || !user.matches("[A-Za-z0-9_.-]{1,32}")) {
      throw new IllegalArgumentException("user: 1-32 letters, digits, _ . or -");
    }
    String password = text(o, "password");
    String token = text(o, "token");
    if ((password == null) == (token == null)) {
      throw new IllegalArgumentException("give a password or a token (one of them)");
    }
    return new LoginRequest(user, password, token);
  }

  private static String text(JsonObject o, String key) {
    Object v = o.getValue(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || s.isEmpty() || s.length() > MAX_SECRET) {
      throw new IllegalArgumentException(key + ": a string of 1-" + MAX_SECRET + " characters");
    }
    return s;
  }
}
