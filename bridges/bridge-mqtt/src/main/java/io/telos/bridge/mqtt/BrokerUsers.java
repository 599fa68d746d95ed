package io.telos.bridge.mqtt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Who may connect to the embedded broker and what each may touch ({@code bridge.broker_users}).
 * The file is YAML:
 *
 * <pre>{@code
 * topic_root: telos            # optional, the first level of every robot topic
 * users:
 *   agent:   {role: agent, robots: ["*"], password_hash: "pbkdf2-sha256$600000$...$..."}
 *   arm1:    {role: robot, password_hash: "..."}            # the robot's id is its user name
 *   ana:     {role: operator, password_hash: "..."}
 *   grafana: {role: observer, password_hash: "..."}
 * }</pre>
 *
 * <p>Passwords are stored only as PBKDF2-HMAC-SHA256 hashes ({@link #hash}; {@code telos broker
 * hash-password} prints one). Every user is granted only its role's topics ({@link #permissions});
 * everything else is refused by the broker.
 *
 * <table>
 *   <caption>role permissions, R a robot the user may reach, P = {@code <root>/R/}</caption>
 *   <tr><th>role</th><th>publish</th><th>subscribe</th></tr>
 *   <tr><td>robot</td><td>P{state, robot_status, objects, camera, estop} of its own id</td>
 *       <td>P{command, status} of its own id</td></tr>
 *   <tr><td>agent</td><td>P{command, status}, P{operator/state, operator/event, operator/reply/+}</td>
 *       <td>P#</td></tr>
 *   <tr><td>operator</td><td>P{operator/cmd, estop}</td>
 *       <td>P{state, status, robot_status, operator/state, operator/event, operator/reply/<own name>}</td></tr>
 *   <tr><td>observer</td><td>nothing</td><td>P{state, status, robot_status, objects, operator/state, operator/event}</td></tr>
 * </table>
 *
 * @param topicRoot first level of robot topics (default {@code telos})
 * @param users by name
 */
public record BrokerUsers(String topicRoot, Map<String, User> users) {
  /** The roles a user may hold. */
  public enum Role { ROBOT, AGENT, OPERATOR, OBSERVER }

  /** What a user may do with a topic filter. */
  public enum Activity { PUBLISH, SUBSCRIBE }

  /** One granted topic filter. */
  public record Permission(String filter, Activity activity) {}

  /**
   * A user.
   *
   * @param name user name (for a robot, its robot id)
   * @param role role
   * @param robots robots an agent, operator or observer may reach ({@code *} = all); a robot's is itself
   * @param passwordHash {@code pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>}
   */
  public record User(String name, Role role, List<String> robots, String passwordHash) {
    @Override
    public String toString() {
      return "User[name=" + name + ", role=" + role + ", robots=" + robots + ", passwordHash=***]";
    }
  }

  /** Minimum PBKDF2 iterations accepted in a file; {@link #hash} uses {@link #DEFAULT_ITERATIONS}. */
  public static final int MIN_ITERATIONS = 10_000;
  public static final int DEFAULT_ITERATIONS = 600_000;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final Pattern HASH = Pattern.compile("pbkdf2-sha256\\$(\\d{1,9})\\$([A-Za-z0-9+/=]{8,})\\$([A-Za-z0-9+/=]{16,})");
  private static final Set<String> USER_KEYS = Set.of("role", "robots", "password_hash");
  private static final Set<String> ROBOT_TOPICS_OUT = Set.of(Topics.STATE, Topics.ROBOT_STATUS, Topics.OBJECTS,
      Topics.CAMERA, Topics.ESTOP);

  public BrokerUsers {
    Objects.requireNonNull(topicRoot, "topicRoot");
    users = Map.copyOf(users);
  }

  /**
   * Reads and validates a users file.
   *
   * @param key the launch-file key that named it, for error messages
   * @throws ConfigException naming the file and the entry at fault
   */
  public static BrokerUsers read(String key, Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(key + ": cannot read broker users '" + file + "': " + e.getMessage());
    }
    return parse(key, text, file.getFileName().toString());
  }

  /**
   * Parses and validates the text of a users file.
   *
   * @param fileName the file's name, the first part of every key in error messages
   */
  @SuppressWarnings("unchecked")
  public static BrokerUsers parse(String key, String text, String fileName) {
    Object root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readValue(text, Object.class);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(key + ": cannot read broker users '" + fileName + "': " + e.getMessage());
    }
    if (!(root instanceof Map<?, ?> m)) {
      throw new ConfigException(key + ": '" + fileName + "' must be a YAML mapping with a 'users' section");
    }
    Settings s = new Settings(fileName, (Map<String, ?>) m);
    s.requireOnly(Set.of("topic_root", "users"));
    String topicRoot = s.string("topic_root", "telos");
    if (!NAME.matcher(topicRoot).matches()) {
      throw new ConfigException(s.key("topic_root") + ": must be one topic level of letters, digits, _ . -, was '"
          + topicRoot + "'");
    }
    Object us = s.asMap().get("users");
    if (!(us instanceof Map<?, ?> um) || um.isEmpty()) {
      throw new ConfigException(s.key("users") + ": must map at least one user name to {role, password_hash}");
    }
    Map<String, User> users = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : um.entrySet()) {
      String name = String.valueOf(e.getKey());
      String at = s.key("users") + "." + name;
      if (!NAME.matcher(name).matches()) {
        throw new ConfigException(at + ": a user name is 1-64 letters, digits, _ . -");
      }
      if (!(e.getValue() instanceof Map<?, ?> um2)) {
        throw new ConfigException(at + ": must be a mapping with role and password_hash");
      }
      Settings u = new Settings(at, (Map<String, ?>) um2);
      u.requireOnly(USER_KEYS);
      String roleText = u.string("role", null);
      Role role;
      try {
        role = Role.valueOf(Objects.requireNonNull(roleText, "role").toUpperCase(Locale.ROOT));
      } catch (RuntimeException ex) {
        throw new ConfigException(u.key("role") + ": must be robot, agent, operator or observer, was "
            + (roleText == null ? "missing" : "'" + roleText + "'"));
      }
      String hash = u.string("password_hash", null);
      if (hash == null || !HASH.matcher(hash).matches()) {
        throw new ConfigException(u.key("password_hash") + ": must be pbkdf2-sha256$<iterations>$<salt>$<hash>"
            + " (print one with: telos broker hash-password " + name + ")");
      }
      int iterations = Integer.parseInt(hash.split("\\$")[1]);
      if (iterations < MIN_ITERATIONS) {
        throw new ConfigException(u.key("password_hash") + ": " + iterations + " iterations is too weak, at least "
            + MIN_ITERATIONS);
      }
      List<String> robots = robots(u, role, name);
      users.put(name, new User(name, role, robots, hash));
    }
    return new BrokerUsers(topicRoot, users);
  }

  private static List<String> robots(Settings u, Role role, String name) {
    Object v = u.asMap().get("robots");
    if (role == Role.ROBOT) {
      if (v != null) {
        throw new ConfigException(u.key("robots") + ": a robot reaches only its own topics (its user name)");
      }
      return List.of(name);
    }
    if (v == null) {
      return List.of("*");
    }
    if (!(v instanceof List<?> l) || l.isEmpty()) {
      throw new ConfigException(u.key("robots") + ": must be a list of robot ids, or [\"*\"] for all");
    }
    List<String> out = new ArrayList<>();
    for (Object o : l) {
      String r = String.valueOf(o);
      if (!"*".equals(r) && !NAME.matcher(r).matches()) {
        throw new ConfigException(u.key("robots") + ": '" + r + "' is not a robot id");
      }
      out.add(r);
    }
    return List.copyOf(out);
  }

  /** The user whose password matches, if any (constant-time comparison of the derived hash). */
  public Optional<User> authenticate(String name, byte[] password) {
    User u = name == null ? null : users.get(name);
    if (u == null || password == null) {
      return Optional.empty();
    }
    return verify(password, u.passwordHash()) ? Optional.of(u) : Optional.empty();
  }

  /** The topic filters a user is granted; everything else is refused. */
  public List<Permission> permissions(User u) {
    List<Permission> p = new ArrayList<>();
    for (String robot : u.robots()) {
      String r = topicRoot + "/" + ("*".equals(robot) ? "+" : robot) + "/";
      switch (u.role()) {
        case ROBOT -> {
          ROBOT_TOPICS_OUT.stream().sorted().forEach(t -> p.add(new Permission(r + t, Activity.PUBLISH)));
          p.add(new Permission(r + Topics.COMMAND, Activity.SUBSCRIBE));
          p.add(new Permission(r + Topics.STATUS, Activity.SUBSCRIBE));
        }
        case AGENT -> {
          p.add(new Permission(r + Topics.COMMAND, Activity.PUBLISH));
          p.add(new Permission(r + Topics.STATUS, Activity.PUBLISH));
          p.add(new Permission(r + "operator/state", Activity.PUBLISH));
          p.add(new Permission(r + "operator/event", Activity.PUBLISH));
          p.add(new Permission(r + "operator/reply/+", Activity.PUBLISH));
          p.add(new Permission(r + "#", Activity.SUBSCRIBE));
        }
        case OPERATOR -> {
          p.add(new Permission(r + "operator/cmd", Activity.PUBLISH));
          p.add(new Permission(r + Topics.ESTOP, Activity.PUBLISH));
          for (String t : List.of(Topics.STATE, Topics.STATUS, Topics.ROBOT_STATUS, "operator/state",
              "operator/event", "operator/reply/" + u.name())) {
            p.add(new Permission(r + t, Activity.SUBSCRIBE));
          }
        }
        case OBSERVER -> {
          for (String t : List.of(Topics.STATE, Topics.STATUS, Topics.ROBOT_STATUS, Topics.OBJECTS,
              "operator/state", "operator/event")) {
            p.add(new Permission(r + t, Activity.SUBSCRIBE));
          }
        }
      }
    }
    return List.copyOf(p);
  }

  /** A salted PBKDF2-HMAC-SHA256 hash of {@code password} for a users file. */
  public static String hash(char[] password, int iterations) {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    Base64.Encoder b64 = Base64.getEncoder();
    return "pbkdf2-sha256$" + iterations + "$" + b64.encodeToString(salt) + "$"
        + b64.encodeToString(derive(password, salt, iterations));
  }

  static boolean verify(byte[] password, String stored) {
    String[] f = stored.split("\\$");
    Base64.Decoder b64 = Base64.getDecoder();
    byte[] expected = b64.decode(f[3]);
    CharBuffer decoded = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(password));
    char[] chars = new char[decoded.remaining()];
    decoded.get(chars);
    byte[] got = derive(chars, b64.decode(f[2]), Integer.parseInt(f[1]));
    Arrays.fill(chars, '\0');
    Arrays.fill(decoded.array(), '\0');
    return MessageDigest.isEqual(expected, got);
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
      try {
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      } finally {
        spec.clearPassword();
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
    }
  }
}
