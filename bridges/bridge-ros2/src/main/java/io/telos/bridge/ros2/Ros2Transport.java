package io.telos.bridge.ros2;

import java.util.function.Consumer;

/**
 * The pluggable ROS 2 client boundary: one node on one DDS domain that can publish and subscribe
 * the few {@link Ros2Type}s the bridge needs with an explicit {@link Ros2Qos}. Topic names are
 * absolute ROS 2 names ({@code /joint_states}); the implementation applies ROS 2's DDS mangling.
 * {@link IhmcRos2Transport} implements it on IHMC's Java ROS 2 library (Fast DDS).
 */
public interface Ros2Transport extends AutoCloseable {
  /** Creates a publisher. */
  <T> Publisher<T> publisher(Ros2Type<T> type, String topic, Ros2Qos qos);

  /**
   * Subscribes. {@code listener} runs on a middleware thread, one message at a time per
   * subscription; it must not block.
   */
  <T> Subscription subscribe(Ros2Type<T> type, String topic, Ros2Qos qos, Consumer<? super T> listener);

  /** Destroys the node and every endpoint it made. */
  @Override
  void close();

  /** A typed writer. */
  interface Publisher<T> extends AutoCloseable {
    /** Sends one message; false when the middleware refused it. Thread-safe. */
    boolean publish(T message);

    String topic();

    @Override
    void close();
  }

  /** A subscription handle. */
  interface Subscription extends AutoCloseable {
    /** Remote writers currently matched (discovered with compatible QoS). */
    int matchedPublishers();

    String topic();

    @Override
    void close();
  }
}
