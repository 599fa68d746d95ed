package io.telos.launch;

import io.telos.api.WallClock;
import io.telos.api.scene.Scene;
import io.telos.api.spi.ArmChain;
import io.telos.api.spi.HardwareContext;
import io.telos.bridge.mqtt.MqttSimRobot;
import io.telos.bridge.ros2.Ros2Config;
import io.telos.bridge.sim.SimRobotHardwareProvider;
import io.telos.bridge.sim.SimulatedArm;
import io.telos.runtime.config.LaunchException;
import io.telos.runtime.config.LaunchFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code telos sim-robot}: the simulated arm as a standalone robot process, exposing exactly the
 * wire contract a real arm's driver exposes, so the agent reaches it the way it reaches hardware
 * (simulation-in-the-loop). {@code --lag-s}, {@code --dead-time-ms} and {@code --max-velocity}
 * make it a slow arm (the {@code sim} bridge's {@code lag_s}, {@code dead_time_ms} and
 * {@code max_velocity}), on either transport.
 */
@Command(name = "sim-robot", description = {
    "Run the simulated arm as a standalone robot reached over MQTT or ROS 2.",
    "A slow arm: --lag-s, --dead-time-ms and --max-velocity pass each position command through a "
        + "dead time, a first-order lag and a speed ceiling before the joints follow it "
        + "(each one number for every joint, or a comma-separated list with one per joint)."})
final class SimRobotCommand implements Callable<Integer> {
  @Option(names = "--robot", description = "URDF path or builtin:<name> (default ${DEFAULT-VALUE}).")
  String description = "builtin:telos6";

  @Option(names = "--base-link", description = "The arm's base link in the URDF (default: the root link).")
  String baseLink;

  @Option(names = "--tip-link", description = "The arm's tip link in the URDF: needed when the tree branches (a"
      + " gripper's fingers), as robot.tip_link in a launch file.")
  String tipLink;

  @Option(names = "--id", description = "Robot id (default ${DEFAULT-VALUE}).")
  String id = "arm1";

  @Option(names = "--transport", description = "mqtt or ros2 (default ${DEFAULT-VALUE}).")
  String transport = "mqtt";

  @Option(names = "--domain-id", description = "ROS 2 domain id (default ${DEFAULT-VALUE}).")
  int domainId = 0;

  @Option(names = "--loopback-only", description = "ROS 2: DDS on 127.0.0.1 only.")
  boolean loopbackOnly;

  @Option(names = "--image-transport", paramLabel = "raw|compressed", description = "ROS 2: the camera's pictures as "
      + "sensor_msgs/Image on /camera/image_raw (raw) or PNG sensor_msgs/CompressedImage on "
      + "/camera/image_raw/compressed (compressed), as image_transport names them (default ${DEFAULT-VALUE}).")
  String imageTransport = "raw";

  @Option(names = "--broker", description = "'embedded' to host a broker here, or a tcp:// URI (default ${DEFAULT-VALUE}).")
  String broker = "embedded";

  @Option(names = "--port", description = "Port of the embedded broker (default ${DEFAULT-VALUE}).")
  int port = 1883;

  @Option(names = "--username", description = "MQTT: log in to the broker as this user (a robot of its users file).")
  String username;

  @Option(names = "--password-env", paramLabel = "VAR", description = "MQTT: the environment variable holding the"
      + " password of --username (default ${DEFAULT-VALUE}); never on the command line.")
  String passwordEnv = "TELOS_MQTT_PASSWORD";

  @Option(names = "--broker-users", paramLabel = "FILE", description = "MQTT: with --broker embedded, admit only the"
      + " users of this file, each held to its role's topics (see telos broker).")
  Path brokerUsers;

  @Option(names = "--seed", description = "Seed for sensor noise (default ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(names = "--scene", description = "A launch file whose scene: objects the simulated arm gets "
      + "(published on <prefix>objects like a tracker would; MQTT only).")
  Path scene;

  @Option(names = "--lag-s", split = ",", paramLabel = "S[,S...]",
      description = "Slow arm: first-order lag of each joint's response to its command, s, in [0, 5] (default: none).")
  List<Double> lagS;

  @Option(names = "--dead-time-ms", split = ",", paramLabel = "MS[,MS...]",
      description = "Slow arm: dead time before a command takes effect, ms, in [0, 1000] (default: none).")
  List<Double> deadTimeMs;

  @Option(names = "--max-velocity", split = ",", paramLabel = "V[,V...]",
      description = "Slow arm: joint speed ceiling, rad/s (m/s for prismatic joints), > 0; the URDF limit "
          + "still applies when lower (default: none).")
  List<Double> maxVelocity;

  @Option(names = "--link-collisions", description = "The arm's links collide with the table, each other and scene "
      + "objects (the URDF's collision shapes; default: only the tool touches objects).")
  boolean linkCollisions;

  /** Option and bridge key of each slow-arm setting. */
  private static final Map<String, String> RESPONSE_OPTIONS = Map.of(
      SimRobotHardwareProvider.LAG_S, "--lag-s",
      SimRobotHardwareProvider.DEAD_TIME_MS, "--dead-time-ms",
      SimRobotHardwareProvider.MAX_VELOCITY, "--max-velocity");

  /** The {@code sim} bridge settings of the options (a number, or a list for several values). */
  Map<String, Object> simSettings() {
    Map<String, Object> s = new LinkedHashMap<>();
    put(s, SimRobotHardwareProvider.LAG_S, lagS);
    put(s, SimRobotHardwareProvider.DEAD_TIME_MS, deadTimeMs);
    put(s, SimRobotHardwareProvider.MAX_VELOCITY, maxVelocity);
    if (linkCollisions) {
      s.put(SimRobotHardwareProvider.LINK_COLLISIONS, true);
    }
    return s;
  }

  private static void put(Map<String, Object> s, String key, List<Double> v) {
    if (v != null && !v.isEmpty()) {
      s.put(key, v.size() == 1 ? v.get(0) : List.copyOf(v));
    }
  }

  /**
   * {@code --image-transport} as the ROS 2 bridge names it.
   *
   * @throws LaunchException naming the option when it is neither {@code raw} nor {@code compressed},
   *     or {@code compressed} without {@code --transport ros2}
   */
  Ros2Config.ImageTransport imageTransport() {
    Ros2Config.ImageTransport t = switch (imageTransport) {
      case "raw" -> Ros2Config.ImageTransport.RAW;
      case "compressed" -> Ros2Config.ImageTransport.COMPRESSED;
      default -> throw new LaunchException("--image-transport: must be raw or compressed, was '" + imageTransport
          + "'");
    };
    if (t == Ros2Config.ImageTransport.COMPRESSED && !transport.equals("ros2")) {
      throw new LaunchException("--image-transport: compressed is for --transport ros2 (the MQTT robot's pictures"
          + " are PNG already)");
    }
    return t;
  }

  /** A refused slow-arm setting as the option spells it ({@code bridge.lag_s: …} → {@code --lag-s: …}). */
  static LaunchException asOptionError(IllegalArgumentException e) {
    String m = String.valueOf(e.getMessage());
    for (Map.Entry<String, String> o : RESPONSE_OPTIONS.entrySet()) {
      m = m.replace("bridge." + o.getKey(), o.getValue());
    }
    return new LaunchException(m, e);
  }

  @Override
  public Integer call() throws Exception {
    Map<String, Object> sim = simSettings();
    ArmChain chain;
    try {
      chain = new ArmChain(baseLink, tipLink, null);
    } catch (IllegalArgumentException e) {
      throw new LaunchException("--base-link/--tip-link: " + e.getMessage(), e);
    }
    try {
      SimRobotHardwareProvider.parse(sim);
    } catch (IllegalArgumentException e) {
      throw asOptionError(e);
    }
    if (!transport.equals("mqtt") && !transport.equals("ros2")) {
      throw new LaunchException("--transport: must be mqtt or ros2, was '" + transport + "'");
    }
    Ros2Config.ImageTransport images = imageTransport();
    Scene objects = scene == null ? Scene.EMPTY
        : LaunchFile.load(scene).scene();
    if (transport.equals("ros2")) {
      if (!objects.isEmpty() && objects.camera() == null) {
        throw new LaunchException("--scene: over ROS 2 the objects are seen only through the scene's camera"
            + " (scene.camera); object poses are published over MQTT only (--transport mqtt)");
      }
      try (Ros2SimRobot robot = start(() -> Ros2SimRobot.start(id, description, chain, domainId, loopbackOnly, seed,
          sim, objects, images))) {
        System.out.printf("telos sim-robot: %s (%s) on ROS 2 domain %d: /joint_states, /%s/commands%s — Ctrl-C to"
            + " stop%n", id, description, domainId, Ros2SimRobot.CONTROLLER, objects.camera() == null ? ""
            : ", " + (images == Ros2Config.ImageTransport.COMPRESSED ? Ros2SimRobot.COMPRESSED_IMAGE_TOPIC
            : Ros2SimRobot.IMAGE_TOPIC) + ", " + Ros2SimRobot.CAMERA_INFO_TOPIC);
        awaitShutdown();
      }
      return 0;
    }
    Map<String, Object> login = login();
    try (Standalone robot = start(() -> Standalone.start(id, description, chain, broker, port, seed, objects, sim,
        login))) {
      System.out.printf("telos sim-robot: %s (%s) on %s, prefix telos/%s/ — Ctrl-C to stop%n", id, description,
          robot.mqtt().brokerUri(), id);
      awaitShutdown();
    }
    return 0;
  }

  /** The MQTT log-in settings of the options (the password read from the environment). */
  private Map<String, Object> login() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (brokerUsers != null) {
      m.put("broker_users", brokerUsers.toString());
    }
    if (username != null) {
      String pw = System.getenv(passwordEnv);
      if (pw == null || pw.isEmpty()) {
        throw new LaunchException("--username " + username + ": set its password in the environment variable "
            + passwordEnv + " (--password-env names another)");
      }
      m.put("username", username);
      m.put("password", pw);
    } else if (brokerUsers != null) {
      throw new LaunchException("--broker-users: this robot must log in to the broker it hosts: give --username");
    }
    return m;
  }

  private interface Starter<T> {
    T start() throws Exception;
  }

  /** Starts a robot; a slow-arm setting that does not fit the arm is refused under its option name. */
  private static <T> T start(Starter<T> starter) throws Exception {
    try {
      return starter.start();
    } catch (IllegalArgumentException e) {
      String m = String.valueOf(e.getMessage());
      if (RESPONSE_OPTIONS.keySet().stream().anyMatch(k -> m.contains("bridge." + k))) {
        throw asOptionError(e);
      }
      if (m.startsWith("robot description")) { // the arm cannot be taken from it (e.g. a branching tree)
        throw new LaunchException("--robot: " + m + (m.contains("tip link") ? " (--tip-link names it)" : ""), e);
      }
      throw new LaunchException(m, e);
    }
  }

  private static void awaitShutdown() throws InterruptedException {
    {
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
  }

  /** A simulated arm in real time, published over MQTT. */
  record Standalone(SimulatedArm arm, MqttSimRobot mqtt) implements AutoCloseable {
    static Standalone start(String id, String description, String broker, int port, long seed) throws Exception {
      return start(id, description, broker, port, seed, Scene.EMPTY);
    }

    static Standalone start(String id, String description, String broker, int port, long seed,
        Scene scene) throws Exception {
      return start(id, description, broker, port, seed, scene, Map.of());
    }

    /**
     * @param sim settings of the {@code sim} bridge for the arm (e.g. {@code lag_s},
     *     {@code dead_time_ms}, {@code max_velocity}); empty for the defaults
     */
    static Standalone start(String id, String description, String broker, int port, long seed,
        Scene scene, Map<String, Object> sim) throws Exception {
      return start(id, description, ArmChain.DEFAULT, broker, port, seed, scene, sim);
    }

    /** @param chain the arm's base and tip links in the description (a branching vendor URDF needs the tip) */
    static Standalone start(String id, String description, ArmChain chain, String broker, int port, long seed,
        Scene scene, Map<String, Object> sim) throws Exception {
      return start(id, description, chain, broker, port, seed, scene, sim, Map.of());
    }

    /** @param login MQTT settings for logging in ({@code username}, {@code password}, {@code broker_users}) */
    static Standalone start(String id, String description, ArmChain chain, String broker, int port, long seed,
        Scene scene, Map<String, Object> sim, Map<String, Object> login) throws Exception {
      SimulatedArm arm = new SimRobotHardwareProvider().create(
          new HardwareContext(id, description, Map.copyOf(sim), WallClock.INSTANCE, seed, false, scene, chain));
      arm.start();
      Map<String, Object> settings = new LinkedHashMap<>();
      settings.put("broker", broker);
      if (broker.equals("embedded")) {
        settings.put("port", port);
      }
      settings.putAll(login);
      MqttSimRobot mqtt = MqttSimRobot.create(arm, settings, WallClock.INSTANCE, null);
      try {
        mqtt.start();
      } catch (Exception e) {
        arm.close();
        throw e;
      }
      return new Standalone(arm, mqtt);
    }

    @Override
    public void close() {
      mqtt.close();
      arm.close();
    }
  }
}
