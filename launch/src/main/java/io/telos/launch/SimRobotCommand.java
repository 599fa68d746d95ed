package io.telos.launch;

import io.telos.api.WallClock;
import io.telos.api.spi.HardwareContext;
import io.telos.bridge.mqtt.MqttSimRobot;
import io.telos.bridge.sim.SimRobotHardwareProvider;
import io.telos.bridge.sim.SimulatedArm;
import io.telos.runtime.config.LaunchException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code telos sim-robot}: the simulated arm as a standalone robot process, exposing exactly the
 * wire contract a real arm's driver exposes, so the agent reaches it the way it reaches hardware
 * (simulation-in-the-loop).
 */
@Command(name = "sim-robot", description = "Run the simulated arm as a standalone robot reached over MQTT.")
final class SimRobotCommand implements Callable<Integer> {
  @Option(names = "--robot", description = "URDF path or builtin:<name> (default ${DEFAULT-VALUE}).")
  String description = "builtin:telos6";

  @Option(names = "--id", description = "Robot id (default ${DEFAULT-VALUE}).")
  String id = "arm1";

  @Option(names = "--transport", description = "mqtt or ros2 (default ${DEFAULT-VALUE}).")
  String transport = "mqtt";

  @Option(names = "--domain-id", description = "ROS 2 domain id (default ${DEFAULT-VALUE}).")
  int domainId = 0;

  @Option(names = "--loopback-only", description = "ROS 2: DDS on 127.0.0.1 only.")
  boolean loopbackOnly;

  @Option(names = "--broker", description = "'embedded' to host a broker here, or a tcp:// URI (default ${DEFAULT-VALUE}).")
  String broker = "embedded";

  @Option(names = "--port", description = "Port of the embedded broker (default ${DEFAULT-VALUE}).")
  int port = 1883;

  @Option(names = "--seed", description = "Seed for sensor noise (default ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(names = "--scene", description = "A launch file whose scene: objects the simulated arm gets "
      + "(published on <prefix>objects like a tracker would; MQTT only).")
  java.nio.file.Path scene;

  @Override
  public Integer call() throws Exception {
    if (scene != null && !transport.equals("mqtt")) {
      throw new LaunchException("--scene: object poses are published over MQTT only (--transport mqtt)");
    }
    if (transport.equals("ros2")) {
      try (Ros2SimRobot robot = Ros2SimRobot.start(id, description, domainId, loopbackOnly, seed)) {
        System.out.printf("telos sim-robot: %s (%s) on ROS 2 domain %d: /joint_states, /%s/commands — Ctrl-C to stop%n",
            id, description, domainId, Ros2SimRobot.CONTROLLER);
        awaitShutdown();
      }
      return 0;
    }
    if (!transport.equals("mqtt")) {
      throw new LaunchException("--transport: must be mqtt or ros2, was '" + transport + "'");
    }
    io.telos.api.scene.Scene objects = scene == null ? io.telos.api.scene.Scene.EMPTY
        : io.telos.runtime.config.LaunchFile.load(scene).scene();
    try (Standalone robot = Standalone.start(id, description, broker, port, seed, objects)) {
      System.out.printf("telos sim-robot: %s (%s) on %s, prefix telos/%s/ — Ctrl-C to stop%n", id, description,
          robot.mqtt().brokerUri(), id);
      awaitShutdown();
    }
    return 0;
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
      return start(id, description, broker, port, seed, io.telos.api.scene.Scene.EMPTY);
    }

    static Standalone start(String id, String description, String broker, int port, long seed,
        io.telos.api.scene.Scene scene) throws Exception {
      SimulatedArm arm = new SimRobotHardwareProvider().create(
          new HardwareContext(id, description, Map.of(), WallClock.INSTANCE, seed, false, scene));
      arm.start();
      Map<String, Object> settings = new LinkedHashMap<>();
      settings.put("broker", broker);
      if (broker.equals("embedded")) {
        settings.put("port", port);
      }
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
