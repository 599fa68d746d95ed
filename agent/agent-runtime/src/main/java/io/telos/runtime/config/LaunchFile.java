package io.telos.runtime.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.api.scene.Scene;
import io.telos.api.spi.ArmChain;
import io.telos.model.ActuatorResponse;
import io.telos.runtime.safety.SafetyConfig;
import io.telos.runtime.teleop.TeleopConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates a launch file. Unknown keys, missing parts and impossible values are refused
 * with a {@link LaunchException} whose message names the file and the key.
 *
 * <pre>{@code
 * robot:   { id: arm1, description: builtin:telos6, limits: { velocity_scale: 0.8 } }
 *          # a vendor URDF: base_link, tip_link, tool: { xyz: [0, 0, 0.1], rpy: [0, 0, 0] }
 * clock:   wall            # or sim (lock-step, deterministic)
 * seed:    42
 * bridge:  { type: sim }   # plus the bridge's own keys
 * perception: { rate_hz: 250 }
 * planner: { type: mppi, rate_hz: 50 }   # plus the planner's own keys
 * safety:  { rate_hz: 1000, state_timeout_ms: 50, plan_timeout_ms: 250 }
 * task:    { type: reach_random, count: 20, tolerance_m: 0.01, timeout_s: 8 }
 * teleop:  { heartbeat_ms: 250, tool_speed_mps: 0.25, triggers: { stuck: true }, console: { port: 8443 } }
 * }</pre>
 */
public final class LaunchFile {
  public static final Set<String> TOP_KEYS =
      Set.of("robot", "clock", "seed", "bridge", "perception", "planner", "safety", "task", "memory", "teleop",
          "scene", "cluster");
  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_]{0,31}");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private LaunchFile() {}

  public static LaunchSpec load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new LaunchException("launch file not found: " + file);
    }
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file);
    } catch (IOException e) {
      throw new LaunchException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Parses YAML from a stream; {@code source} is used for messages and relative URDF paths. */
  public static LaunchSpec parse(InputStream in, Path source) {
    String name = source == null ? "launch file" : source.toString();
    Object root;
    try {
      root = YAML.readValue(in, Object.class);
    } catch (JsonProcessingException e) {
      throw new LaunchException(name + ": not valid YAML: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"), e);
    } catch (IOException e) {
      throw new LaunchException(name + ": cannot read: " + e.getMessage(), e);
    }
    if (!(root instanceof Map<?, ?> m)) {
      throw new LaunchException(name + ": must be a YAML map with keys " + String.join(", ", TOP_KEYS));
    }
    Map<String, Object> map = new LinkedHashMap<>();
    m.forEach((k, v) -> map.put(String.valueOf(k), v));
    try {
      return fromSettings(new Settings("", map), source);
    } catch (ConfigException e) {
      throw new LaunchException(name + ": " + e.getMessage(), e);
    }
  }

  public static LaunchSpec fromSettings(Settings s, Path source) {
    s.requireOnly(TOP_KEYS);
    for (String required : List.of("robot", "bridge", "planner")) {
      if (!s.has(required)) {
        throw new ConfigException(required + ": missing (required section)");
      }
    }
    Settings robot = s.section("robot").requireOnly(Set.of("id", "description", "limits", "base_link", "tip_link",
        "tool", "response"));
    String id = robot.requiredString("id");
    if (!ID.matcher(id).matches()) {
      throw new ConfigException("robot.id: must match [a-z][a-z0-9_]* (at most 32 characters), was '" + id + "'");
    }
    String description = robot.requiredString("description");
    if (!description.startsWith("builtin:") && !description.startsWith("ros2:") && source != null
        && !Path.of(description).isAbsolute()) {
      Path parent = source.toAbsolutePath().getParent();
      description = parent.resolve(description).normalize().toString();
    }
    Settings limits = robot.section("limits").requireOnly(Set.of("velocity_scale", "acceleration"));
    limits.number("velocity_scale", 1, 0.01, 1);
    limits.numbers("acceleration", null, -1, 1e-3, 1e4);
    Settings response = robot.section("response").requireOnly(RobotSpec.RESPONSE_KEYS);
    ActuatorResponse.check(response);
    response.bool(RobotSpec.ADAPT, false);
    String clock = s.choice("clock", "wall", Set.of("wall", "sim"));
    long seed = s.integer("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE);

    Settings bridge = s.section("bridge");
    bridge.requiredString("type");
    Settings perception = s.section("perception");
    double perceptionRate = perception.number("rate_hz", 250, 1, 10_000);
    perception = perception.without("rate_hz");
    Settings planner = s.section("planner");
    planner.requiredString("type");
    double plannerRate = planner.number("rate_hz", 50, 0.5, 1000);
    planner = planner.without("rate_hz");
    SafetyConfig safety = SafetyConfig.from(s.section("safety"));
    if (plannerRate > safety.rateHz()) {
      throw new ConfigException("planner.rate_hz: must not exceed safety.rate_hz (" + safety.rateHz() + "), was " + plannerRate);
    }
    if (perceptionRate > safety.rateHz()) {
      throw new ConfigException("perception.rate_hz: must not exceed safety.rate_hz (" + safety.rateHz() + "), was " + perceptionRate);
    }
    TaskSpec task = task(s.section("task"));
    Scene scene = Scene.from(s.section("scene"));
    if (task.type().equals("push") && scene.object(task.object()).isEmpty()) {
      throw new ConfigException("task.object: '" + task.object() + "' is not an object of scene.objects (has: "
          + String.join(", ", scene.objects().stream().map(o -> o.name()).toList()) + ")");
    }
    Settings memory = s.section("memory");
    TeleopConfig teleop = s.has("teleop") ? TeleopConfig.from(s.section("teleop")) : TeleopConfig.defaults();
    return new LaunchSpec(source, new RobotSpec(id, description, limits, arm(robot), response), clock, seed, bridge,
        perception, planner,
        safety, task, memory, plannerRate, perceptionRate, teleop, scene, ClusterSpec.from(s.section("cluster"),
        source == null ? null : source.toAbsolutePath().getParent()));
  }

  /** {@code robot.base_link}, {@code robot.tip_link} and {@code robot.tool: {xyz, rpy}}. */
  private static ArmChain arm(Settings robot) {
    String base = robot.string("base_link", null);
    String tip = robot.string("tip_link", null);
    double[] tool = null;
    if (robot.has("tool")) {
      Settings t = robot.section("tool").requireOnly(Set.of("xyz", "rpy"));
      if (!t.has("xyz") && !t.has("rpy")) {
        throw new ConfigException(t.path() + ": needs xyz: [x, y, z] (m) and/or rpy: [roll, pitch, yaw] (rad)");
      }
      double[] xyz = t.numbers("xyz", new double[3], 3, -10, 10);
      double[] rpy = t.numbers("rpy", new double[3], 3, -2 * Math.PI, 2 * Math.PI);
      tool = new double[] {xyz[0], xyz[1], xyz[2], rpy[0], rpy[1], rpy[2]};
    }
    return new ArmChain(base, tip, tool);
  }

  private static TaskSpec task(Settings t) {
    t.requireOnly(Set.of("type", "count", "tolerance_m", "timeout_s", "settle_s", "points", "episodes", "tolerance_rad",
        "object", "goal_space"));
    String type = t.choice("type", "idle", Set.of("reach_random", "reach_sequence", "reach_recalled", "push", "idle"));
    boolean push = type.equals("push");
    String object = push ? t.requiredString("object") : t.string("object", "");
    String goalSpace = t.choice("goal_space", "joints", Set.of("joints", "latent"));
    if (t.has("goal_space") && !type.equals("reach_recalled")) {
      throw new ConfigException(t.key("goal_space") + ": only a reach_recalled task takes a goal space, task.type is "
          + type);
    }
    if (!push && !object.isEmpty()) {
      throw new ConfigException(t.key("object") + ": only a push task names an object, task.type is " + type);
    }
    double tolRad = t.number("tolerance_rad", 0.02, 1e-4, 1);
    List<Long> episodes = new ArrayList<>();
    if (t.has("episodes")) {
      Object raw = t.asMap().get("episodes");
      if (!(raw instanceof List<?> l) || l.isEmpty()) {
        throw new ConfigException(t.key("episodes") + ": must be a non-empty list of episode ids");
      }
      for (Object o : l) {
        if (!(o instanceof Number num) || num.longValue() <= 0 || num.doubleValue() != num.longValue()) {
          throw new ConfigException(t.key("episodes") + ": '" + o + "' is not an episode id (a positive integer)");
        }
        episodes.add(num.longValue());
      }
    }
    int count = (int) t.integer("count", 20, 1, 100_000);
    double tol = t.number("tolerance_m", 0.01, 1e-4, 1);
    double timeout = t.number("timeout_s", 8, 0.1, 3600);
    double settle = t.number("settle_s", 0.1, 0, 60);
    List<double[]> points = new ArrayList<>();
    if (t.has("points")) {
      Object raw = t.asMap().get("points");
      if (!(raw instanceof List<?> l)) {
        throw new ConfigException(t.key("points") + ": must be a list of " + (push ? "[x, y]" : "[x, y, z]") + " points");
      }
      for (int i = 0; i < l.size(); i++) {
        String k = "points[" + i + "]";
        Settings one = new Settings(t.path(), Map.of(k, l.get(i)));
        points.add(one.numbers(k, null, push ? 2 : 3, -100, 100));
      }
    }
    if (type.equals("reach_sequence") && points.isEmpty()) {
      throw new ConfigException(t.key("points") + ": reach_sequence needs at least one [x, y, z] point");
    }
    if (push && points.isEmpty()) {
      throw new ConfigException(t.key("points") + ": push needs at least one [x, y] point for the object");
    }
    return new TaskSpec(type, count, tol, timeout, settle, points, episodes, tolRad, object, goalSpace);
  }

}
