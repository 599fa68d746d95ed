package io.telos.bridge.ros2;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Takes the robot description (URDF) from a running ROS 2 system, as {@code robot.description:
 * ros2:/robot_description} asks: the {@code std_msgs/msg/String} that robot_state_publisher
 * publishes on {@code /robot_description} with reliable, keep-last-1, transient-local QoS, so a
 * late subscriber still receives it.
 */
public final class Ros2Description {
  /** The prefix of a launch file's {@code robot.description} that names a topic. */
  public static final String PREFIX = "ros2:";

  private Ros2Description() {}

  /** Whether {@code location} is {@code ros2:<topic>}. */
  public static boolean isRos2(String location) {
    return location != null && location.startsWith(PREFIX);
  }

  /**
   * The topic of {@code ros2:<topic>}.
   *
   * @throws IllegalArgumentException naming {@code robot.description} when it is not an absolute
   *     ROS 2 name
   */
  public static String topic(String location) {
    String topic = location.substring(PREFIX.length());
    if (!topic.matches("(/[A-Za-z_][A-Za-z0-9_]*)+")) {
      throw new IllegalArgumentException("robot.description: must be ros2:<absolute topic> like"
          + " ros2:/robot_description, was '" + location + "'");
    }
    return topic;
  }

  /**
   * Waits for the first message on {@code topic} and returns it.
   *
   * @param transport opened and closed by this call
   * @throws IllegalStateException with one line naming the topic and the timeout when nothing
   *     arrived in time
   */
  public static String fetch(Supplier<Ros2Transport> transport, String topic, Duration timeout)
      throws InterruptedException {
    Objects.requireNonNull(topic, "topic");
    CompletableFuture<String> first = new CompletableFuture<>();
    try (Ros2Transport t = transport.get()) {
      t.subscribe(Ros2Type.LONG_STRING, topic, Ros2Qos.LATCHED, m -> first.complete(m.data()));
      String urdf = first.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (urdf.isBlank()) {
        throw new IllegalStateException("robot.description: the std_msgs/String on " + topic + " is empty");
      }
      return urdf;
    } catch (TimeoutException e) {
      throw new IllegalStateException("robot.description: no std_msgs/String on " + topic + " within "
          + timeout.toMillis() / 1000.0 + " s (robot_state_publisher publishes it reliable, transient-local;"
          + " check ROS_DOMAIN_ID and that it runs)");
    } catch (ExecutionException e) {
      throw new IllegalStateException("robot.description: " + topic + ": " + e.getCause(), e.getCause());
    }
  }

  /** {@link #fetch(Supplier, String, Duration)} on IHMC's transport (node {@code telos_description}). */
  public static String fetch(String topic, int domainId, boolean loopbackOnly, Duration timeout)
      throws InterruptedException {
    return fetch(() -> new IhmcRos2Transport("telos_description", domainId, loopbackOnly), topic, timeout);
  }
}
