package io.telos.runtime.config;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code cluster:} — this agent is a member of a fleet: its event bus joins a cluster of other
 * agents, consoles and tools (Vert.x clustering on Hazelcast, ADR 0015). Only fleet status and
 * operator mode requests cross it; the servo loop, the safety kernel and the planner stay local
 * and never wait on it.
 *
 * @param name the cluster's name: members with another name never join (two fleets on one network)
 * @param host the interface this member binds and announces, e.g. {@code 127.0.0.1}
 * @param port the first port tried; the next {@value #PORT_RANGE} are tried when it is taken
 * @param members where to find the other members, {@code host:port} or {@code host:first-last}
 *     (TCP/IP join: no multicast, which real networks and CI machines rarely allow)
 * @param heartbeatTimeoutS how long a silent member stays in the cluster before it is declared
 *     dead and its robot leaves the fleet view
 * @param tls the event bus's TLS between members (PEM files: this member's certificate and key, the
 *     CA that signed every member's), mutual: a member without a certificate from that CA can join
 *     the membership but no message reaches it or comes from it; null for plain TCP
 * @param models how this agent follows the fleet trainer's model releases, or null to ignore them
 */
public record ClusterSpec(String name, String host, int port, List<String> members, int heartbeatTimeoutS,
    Tls tls, Models models) {
  /**
   * {@code cluster.models}: install the fleet trainer's releases where the learned world model
   * looks for them ({@code planner.world_model.path}), judge each by a canary and roll back one
   * that makes the robot worse.
   *
   * @param pin the only version to run (0: follow the newest)
   * @param canaryGoals goals after an adoption that judge it (0: no canary)
   * @param maxDrop largest drop of the success rate over those goals, against as many before, that
   *     keeps the version
   */
  public record Models(int pin, int canaryGoals, double maxDrop) {
    /** The keys of {@code cluster.models}. */
    public static final Set<String> KEYS = Set.of("pin", "canary_goals", "max_drop");

    static Models from(Settings m) {
      m.requireOnly(KEYS);
      return new Models((int) m.integer("pin", 0, 0, 1_000_000), (int) m.integer("canary_goals", 5, 0, 10_000),
          m.number("max_drop", 0.2, 0, 1));
    }
  }

  /** A member that does not follow model releases. */
  public ClusterSpec(String name, String host, int port, List<String> members, int heartbeatTimeoutS, Tls tls) {
    this(name, host, port, members, heartbeatTimeoutS, tls, null);
  }

  /** PEM files of the bus's mutual TLS. */
  public record Tls(Path cert, Path key, Path ca) {
    public Tls {
      Objects.requireNonNull(cert, "cert");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(ca, "ca");
    }
  }

  /** A member on plain TCP. */
  public ClusterSpec(String name, String host, int port, List<String> members, int heartbeatTimeoutS) {
    this(name, host, port, members, heartbeatTimeoutS, null, null);
  }

  /** Ports tried after {@code port} when it is taken. */
  public static final int PORT_RANGE = 20;
  /** The keys of {@code cluster:}. */
  public static final Set<String> KEYS = Set.of("name", "host", "port", "members", "heartbeat_timeout_s", "tls",
      "models");
  private static final Pattern MEMBER = Pattern.compile("([A-Za-z0-9.\\-]+):(\\d{1,5})(?:-(\\d{1,5}))?");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,63}");

  public ClusterSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(host, "host");
    members = List.copyOf(members);
  }

  /**
   * The section as a launch file gives it, or null when there is none (the agent runs alone).
   *
   * @throws ConfigException naming the key
   */
  public static ClusterSpec from(Settings s) {
    return from(s, null);
  }

  /**
   * As {@link #from(Settings)}, with relative TLS file paths resolved against {@code base} (the
   * launch file's folder; null for the working directory).
   */
  public static ClusterSpec from(Settings s, Path base) {
    if (s.asMap().isEmpty()) {
      return null;
    }
    s.requireOnly(KEYS);
    String name = s.string("name", "telos");
    if (!NAME.matcher(name).matches()) {
      throw new ConfigException(s.key("name") + ": must match [A-Za-z0-9][A-Za-z0-9_.-]* (at most 64 characters),"
          + " was '" + name + "'");
    }
    String host = s.string("host", "127.0.0.1");
    int port = (int) s.integer("port", 5701, 1024, 65535 - PORT_RANGE);
    Object m = s.asMap().get("members");
    if (!(m instanceof List<?> list) || list.isEmpty()) {
      throw new ConfigException(s.key("members") + ": must be a non-empty list of host:port or host:first-last"
          + " (where the other members listen), was " + m);
    }
    List<String> members = new ArrayList<>();
    for (Object o : list) {
      Matcher mm = MEMBER.matcher(String.valueOf(o));
      if (!mm.matches() || !portOk(mm.group(2)) || (mm.group(3) != null && (!portOk(mm.group(3))
          || Integer.parseInt(mm.group(3)) < Integer.parseInt(mm.group(2))
          || Integer.parseInt(mm.group(3)) - Integer.parseInt(mm.group(2)) >= MAX_RANGE))) {
        throw new ConfigException(s.key("members") + ": each must be host:port or host:first-last with ports in"
            + " [1, 65535], at most " + MAX_RANGE + " in a range, was '" + o + "'");
      }
      members.add(String.valueOf(o));
    }
    int heartbeat = (int) s.integer("heartbeat_timeout_s", 10, 2, 300);
    Tls tls = null;
    if (s.has("tls")) {
      Settings t = s.section("tls").requireOnly(Set.of("cert", "key", "ca"));
      tls = new Tls(file(t, "cert", base), file(t, "key", base), file(t, "ca", base));
    }
    Models models = s.has("models") ? Models.from(s.section("models")) : null;
    return new ClusterSpec(name, host, port, members, heartbeat, tls, models);
  }

  private static Path file(Settings t, String key, Path base) {
    Path p = Path.of(t.requiredString(key));
    if (!p.isAbsolute() && base != null) {
      p = base.resolve(p).normalize();
    }
    if (!Files.isReadable(p)) {
      throw new ConfigException(t.key(key) + ": cannot read '" + p + "' (a PEM file)");
    }
    return p;
  }

  /** The members as single {@code host:port} addresses, port ranges expanded. */
  public List<String> addresses() {
    List<String> out = new ArrayList<>();
    for (String m : members) {
      Matcher mm = MEMBER.matcher(m);
      if (!mm.matches()) {
        throw new IllegalStateException("not a member address: " + m);
      }
      int first = Integer.parseInt(mm.group(2));
      int last = mm.group(3) == null ? first : Integer.parseInt(mm.group(3));
      for (int p = first; p <= last; p++) {
        out.add(mm.group(1) + ":" + p);
      }
    }
    return out;
  }

  /** The most ports one {@code host:first-last} may span. */
  public static final int MAX_RANGE = 100;

  private static boolean portOk(String p) {
    int v = Integer.parseInt(p);
    return v >= 1 && v <= 65535;
  }
}
