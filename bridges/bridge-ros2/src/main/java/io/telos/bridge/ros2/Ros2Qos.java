package io.telos.bridge.ros2;

import java.util.Objects;

/**
 * The QoS of one ROS 2 endpoint: what a {@code rclcpp::QoS} names. History is always KEEP_LAST.
 *
 * @param reliability reliable (ROS 2's default) or best effort (sensor data)
 * @param depth KEEP_LAST history depth, at least 1
 * @param durability volatile (ROS 2's default) or transient local (latched)
 */
public record Ros2Qos(Reliability reliability, int depth, Durability durability) {
  /** ROS 2's default profile ({@code rclcpp::QoS(10)}): reliable, keep last 10, volatile. */
  public static final Ros2Qos DEFAULT = new Ros2Qos(Reliability.RELIABLE, 10, Durability.VOLATILE);

  /** ROS 2's {@code SensorDataQoS}: best effort, keep last 5, volatile. */
  public static final Ros2Qos SENSOR_DATA = new Ros2Qos(Reliability.BEST_EFFORT, 5, Durability.VOLATILE);

  /** A latched status topic: reliable, keep last 1, transient local. */
  public static final Ros2Qos LATCHED = new Ros2Qos(Reliability.RELIABLE, 1, Durability.TRANSIENT_LOCAL);

  public Ros2Qos {
    Objects.requireNonNull(reliability, "reliability");
    Objects.requireNonNull(durability, "durability");
    if (depth < 1) {
      throw new IllegalArgumentException("depth must be >= 1, was " + depth);
    }
  }

  /** DDS reliability kind. */
  public enum Reliability {
    RELIABLE,
    BEST_EFFORT
  }

  /** DDS durability kind. */
  public enum Durability {
    VOLATILE,
    TRANSIENT_LOCAL
  }
}
