package io.telos.launch;

import io.telos.api.scene.Scene;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The simulated arm behind a wire, in real time, for benchmarks that run the agent against it the
 * way they would run it against hardware: over MQTT ({@code telos sim-robot --transport mqtt} with
 * its embedded broker on a free loopback port) or over ROS 2 ({@code telos sim-robot --transport
 * ros2}, DDS on 127.0.0.1 only). {@link #bridge()} is the {@code bridge:} section that reaches it.
 */
public final class RemoteSimRobot implements AutoCloseable {
  private final AutoCloseable robot;
  private final Map<String, Object> bridge;
  private final LongSupplier applied;

  private RemoteSimRobot(AutoCloseable robot, Map<String, Object> bridge, LongSupplier applied) {
    this.robot = robot;
    this.bridge = Map.copyOf(bridge);
    this.applied = applied;
  }

  /**
   * Starts the arm and returns once it is on the wire.
   *
   * @param transport {@code mqtt} or {@code ros2}
   * @param domainId the ROS 2 domain (ignored over MQTT)
   * @param sim settings of the {@code sim} bridge for the arm ({@code lag_s}, {@code dead_time_ms},
   *     {@code max_velocity}); empty for an arm that follows at once
   */
  public static RemoteSimRobot start(String transport, String id, String description, long seed, int domainId,
      Map<String, Object> sim) throws Exception {
    switch (transport) {
      case "mqtt" -> {
        SimRobotCommand.Standalone robot = SimRobotCommand.Standalone.start(id, description, "embedded", 0, seed,
            Scene.EMPTY, sim);
        if (!robot.mqtt().awaitConnected(10, TimeUnit.SECONDS)) {
          robot.close();
          throw new IllegalStateException("the simulated arm did not connect to its embedded broker");
        }
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("type", "mqtt");
        b.put("broker", robot.mqtt().brokerUri());
        return new RemoteSimRobot(robot, b, () -> robot.mqtt().commandsApplied());
      }
      case "ros2" -> {
        Ros2SimRobot robot = Ros2SimRobot.start(id, description, domainId, true, seed, sim);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("type", "ros2");
        b.put("domain_id", domainId);
        b.put("loopback_only", true);
        return new RemoteSimRobot(robot, b, robot::commandsApplied);
      }
      default -> throw new IllegalArgumentException("transport: mqtt or ros2, was '" + transport + "'");
    }
  }

  /** The agent's {@code bridge:} settings that reach this arm. */
  public Map<String, Object> bridge() {
    return bridge;
  }

  /** Commands the arm has executed. */
  public long commandsApplied() {
    return applied.getAsLong();
  }

  @Override
  public void close() throws Exception {
    robot.close();
  }
}
