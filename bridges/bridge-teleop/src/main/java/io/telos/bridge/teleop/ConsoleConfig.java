package io.telos.bridge.teleop;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Settings of the operator console ({@code teleop.console:} in a launch file).
 *
 * <pre>{@code
 * console:
 *   host: 127.0.0.1          # bind address; beyond loopback (e.g. 0.0.0.0) only with tls and users or token
 *   port: 8080               # 0 picks a free port
 *   users: { ana: ${env:TELOS_ANA_PASSWORD} }   # name: password; or
 *   token: ${env:TELOS_CONSOLE_TOKEN}           # one shared bearer token (the operator names herself)
 *   tls: { cert: console.crt, key: console.key } # PEM files; HTTPS and WSS only
 *   session_minutes: 480
 *   origins: [https://console.example.org]   # pages of another origin allowed to use the console
 *   mqtt:                    # the MQTT operator protocol
 *     server: tcp://127.0.0.1:1883
 *     topic_root: telos
 *     username: agent        # the station's own log-in to the broker, and its password:
 *     password: ${env:TELOS_MQTT_PASSWORD}
 * }</pre>
 *
 * Values of the form {@code ${env:NAME}} are read from the environment, so secrets stay out of
 * launch files. With neither {@code users} nor {@code token}, a random token is generated and
 * logged once at start: nothing controls the arm unauthenticated. A console that listens beyond
 * this machine (a host other than a loopback address) is refused unless it has {@code tls} and
 * chosen credentials ({@code users} or {@code token}): passwords and session cookies never cross a
 * network in clear, and nobody reaches an arm through a token printed in a log.
 */
public record ConsoleConfig(String host, int port, Map<String, String> users, String token, Path tlsCert,
    Path tlsKey, long sessionMs, String mqttServer, String mqttTopicRoot, String mqttUsername, String mqttPassword,
    boolean generatedToken, List<String> origins) {
  public static final Set<String> KEYS =
      Set.of("host", "port", "users", "token", "tls", "session_minutes", "mqtt", "origins");

  public ConsoleConfig {
    users = Map.copyOf(users);
    origins = origins == null ? List.of() : List.copyOf(origins);
  }

  /** Secrets (passwords, token) are not printed. */
  @Override
  public String toString() {
    return "ConsoleConfig[host=" + host + ", port=" + port + ", users=" + users.keySet() + ", token="
        + (token == null ? "none" : "***") + ", tls=" + tls() + ", sessionMs=" + sessionMs + ", mqttServer=" + mqttServer
        + ", mqttTopicRoot=" + mqttTopicRoot + ", mqttUsername=" + mqttUsername + ", origins=" + origins + "]";
  }

  /** True when {@code host} is a loopback address (only this machine can connect). */
  public static boolean loopback(String host) {
    return host.equals("localhost") || host.equals("::1") || host.equals("[::1]") || host.startsWith("127.");
  }

  public boolean tls() {
    return tlsCert != null;
  }

  public boolean mqtt() {
    return mqttServer != null;
  }

  /** A console on {@code port} with one shared token; for tests and the CLI. */
  public static ConsoleConfig withToken(String host, int port, String token) {
    return new ConsoleConfig(host, port, Map.of(), token, null, null, 8 * 3_600_000L, null, "telos", null, null, false,
        List.of());
  }

  public ConsoleConfig withUsers(Map<String, String> newUsers) {
    return new ConsoleConfig(host, port, newUsers, token, tlsCert, tlsKey, sessionMs, mqttServer, mqttTopicRoot,
        mqttUsername, mqttPassword, generatedToken, origins);
  }

  public ConsoleConfig withTls(Path cert, Path key) {
    return new ConsoleConfig(host, port, users, token, cert, key, sessionMs, mqttServer, mqttTopicRoot, mqttUsername,
        mqttPassword, generatedToken, origins);
  }

  public ConsoleConfig withMqtt(String server, String root) {
    return new ConsoleConfig(host, port, users, token, tlsCert, tlsKey, sessionMs, server, root, mqttUsername,
        mqttPassword, generatedToken, origins);
  }

  /** The station logs in to its broker as {@code user}. */
  public ConsoleConfig withMqttLogin(String user, String password) {
    return new ConsoleConfig(host, port, users, token, tlsCert, tlsKey, sessionMs, mqttServer, mqttTopicRoot, user,
        password, generatedToken, origins);
  }

  /**
   * Whether the station's broker authenticates its clients and keeps passwords off the network:
   * the station logs in, over {@code ssl://} or to a loopback broker. Only then may operator
   * messages carry a password instead of a signature ({@link OperatorSignature}).
   */
  public boolean mqttAuthenticated() {
    if (mqttServer == null || mqttUsername == null) {
      return false;
    }
    if (mqttServer.startsWith("ssl://")) {
      return true;
    }
    try {
      String h = URI.create(mqttServer).getHost();
      return h != null && loopback(h);
    } catch (IllegalArgumentException e) {
      return false;
    }
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
        String pw = Settings.fromEnvironment(String.valueOf(e.getValue()), s.key("users." + name));
        if (pw.length() < 8) {
          throw new ConfigException(s.key("users." + name) + ": passwords need at least 8 characters");
        }
        users.put(name, pw);
      }
    }
    String token = s.secret("token", null);
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
    String mqttUser = null;
    String mqttPassword = null;
    if (s.has("mqtt")) {
      Settings m = s.section("mqtt").requireOnly(Set.of("server", "topic_root", "username", "password"));
      server = m.requiredString("server");
      root = m.string("topic_root", "telos");
      mqttUser = m.string("username", null);
      mqttPassword = m.secret("password", null);
      if ((mqttUser == null) != (mqttPassword == null)) {
        throw new ConfigException(m.key(mqttUser == null ? "username" : "password") + ": give both username and"
            + " password, or neither");
      }
    }
    List<String> origins = new ArrayList<>();
    if (s.has("origins")) {
      Object raw = s.asMap().get("origins");
      if (!(raw instanceof List<?> l)) {
        throw new ConfigException(s.key("origins") + ": must be a list of origins such as https://console.example.org");
      }
      for (Object o : l) {
        String origin = String.valueOf(o);
        if (!origin.matches("https?://[A-Za-z0-9.\\-\\[\\]:]+")) {
          throw new ConfigException(s.key("origins") + ": '" + origin + "' is not an origin (scheme://host[:port], "
              + "no path)");
        }
        origins.add(origin);
      }
    }
    if (!loopback(host) && (cert == null || generated)) {
      throw new ConfigException(s.key("host") + ": " + host + " serves the console beyond this machine; that needs "
          + (cert == null ? "tls (cert and key)" : "") + (cert == null && generated ? " and " : "")
          + (generated ? "chosen credentials (users or token)" : "") + ", or a loopback host");
    }
    return new ConsoleConfig(host, port, users, token, cert, key, session, server, root, mqttUser, mqttPassword,
        generated, origins);
  }

  private static Path resolve(Path base, String p) {
    Path path = Path.of(p);
    return path.isAbsolute() || base == null ? path : base.resolve(path).normalize();
  }
}
