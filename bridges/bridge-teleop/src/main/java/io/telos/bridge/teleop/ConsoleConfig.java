package io.telos.bridge.teleop;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Settings of the operator console ({@code teleop.console:} in a launch file).
 *
 * <pre>{@code
 * console:
 *   host: 127.0.0.1          # bind address; 0.0.0.0 to serve other machines (then use TLS)
 *   port: 8080               # 0 picks a free port
 *   users: { ana: ${env:TELOS_ANA_PASSWORD} }   # name: password; or
 *   token: ${env:TELOS_CONSOLE_TOKEN}           # one shared bearer token (the operator names herself)
 *   tls: { cert: console.crt, key: console.key } # PEM files; HTTPS and WSS only
 *   session_minutes: 480
 *   mqtt: { server: tcp://127.0.0.1:1883, topic_root: telos }  # the MQTT operator protocol
 * }</pre>
 *
 * Values of the form {@code ${env:NAME}} are read from the environment, so secrets stay out of
 * launch files. With neither {@code users} nor {@code token}, a random token is generated and
 * logged once at start: nothing controls the arm unauthenticated.
 */
public record ConsoleConfig(String host, int port, Map<String, String> users, String token, Path tlsCert,
    Path tlsKey, long sessionMs, String mqttServer, String mqttTopicRoot, boolean generatedToken) {
  public static final Set<String> KEYS = Set.of("host", "port", "users", "token", "tls", "session_minutes", "mqtt");

  public ConsoleConfig {
    users = Map.copyOf(users);
  }

  public boolean tls() {
    return tlsCert != null;
  }

  public boolean mqtt() {
    return mqttServer != null;
  }

  /** A console on {@code port} with one shared token; for tests and the CLI. */
  public static ConsoleConfig withToken(String host, int port, String token) {
    return new ConsoleConfig(host, port, Map.of(), token, null, null, 8 * 3_600_000L, null, "telos", false);
  }

  public ConsoleConfig withUsers(Map<String, String> newUsers) {
    return new ConsoleConfig(host, port, newUsers, token, tlsCert, tlsKey, sessionMs, mqttServer, mqttTopicRoot,
        generatedToken);
  }

  public ConsoleConfig withTls(Path cert, Path key) {
    return new ConsoleConfig(host, port, users, token, cert, key, sessionMs, mqttServer, mqttTopicRoot, generatedToken);
  }

  public ConsoleConfig withMqtt(String server, String root) {
    return new ConsoleConfig(host, port, users, token, tlsCert, tlsKey, sessionMs, server, root, generatedToken);
  }

  /** Reads the section; {@code base} resolves relative certificate paths (the launch file's folder). */
  public static ConsoleConfig from(Settings s, Path base) {
    s.requireOnly(KEYS);
    String host = s.string("host", "127.0.0.1");
    int port = (int) s.integer("port", 8080, 0, 65535);
    Map<String, String> users = new LinkedHashMap<>();
    if (s.has("users")) {
      Object raw = s.asMap().get("users");
      if (!(raw instanceof Map<?, ?> m)) {
        throw new ConfigException(s.key("users") + ": must be a map of name: password");
      }
      for (var e : m.entrySet()) {
        String name = String.valueOf(e.getKey());
        if (!name.matches("[A-Za-z0-9_.-]{1,32}")) {
          throw new ConfigException(s.key("users") + ": '" + name + "' is not a valid user name");
        }
        String pw = env(String.valueOf(e.getValue()), s.key("users." + name));
        if (pw.length() < 8) {
          throw new ConfigException(s.key("users." + name) + ": passwords need at least 8 characters");
        }
        users.put(name, pw);
      }
    }
    String token = s.has("token") ? env(s.requiredString("token"), s.key("token")) : null;
    if (token != null && token.length() < 16) {
      throw new ConfigException(s.key("token") + ": tokens need at least 16 characters");
    }
    boolean generated = false;
    if (users.isEmpty() && token == null) {
      byte[] b = new byte[16];
      new SecureRandom().nextBytes(b);
      token = HexFormat.of().formatHex(b);
      generated = true;
    }
    Path cert = null;
    Path key = null;
    if (s.has("tls")) {
      Settings t = s.section("tls").requireOnly(Set.of("cert", "key"));
      cert = resolve(base, t.requiredString("cert"));
      key = resolve(base, t.requiredString("key"));
      for (Path p : new Path[] {cert, key}) {
        if (!Files.isReadable(p)) {
          throw new ConfigException(t.path() + ": cannot read " + p);
        }
      }
    }
    long session = (long) (s.number("session_minutes", 480, 1, 7 * 24 * 60) * 60_000);
    String server = null;
    String root = "telos";
    if (s.has("mqtt")) {
      Settings m = s.section("mqtt").requireOnly(Set.of("server", "topic_root"));
      server = m.requiredString("server");
      root = m.string("topic_root", "telos");
    }
    return new ConsoleConfig(host, port, users, token, cert, key, session, server, root, generated);
  }

  private static Path resolve(Path base, String p) {
    Path path = Path.of(p);
    return path.isAbsolute() || base == null ? path : base.resolve(path).normalize();
  }

  private static String env(String value, String key) {
    if (value.startsWith("${env:") && value.endsWith("}")) {
      String name = value.substring(6, value.length() - 1);
      String v = System.getenv(name);
      if (v == null || v.isEmpty()) {
        throw new ConfigException(key + ": environment variable " + name + " is not set");
      }
      return v;
    }
    return value;
  }
}
