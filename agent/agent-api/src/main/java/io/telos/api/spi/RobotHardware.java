package io.telos.api.spi;

import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.ObjectPose;
import io.telos.api.camera.CameraFrame;
import java.util.List;
import java.util.function.Consumer;

/**
 * The hardware interface of one robot, in the manner of ros2_control: the runtime reads the
 * latest state and writes commands; a bridge implements it for a wire (sim, ROS 2, MQTT).
 *
 * <p>Only the safety kernel's thread calls {@link #write(JointCommand)}. {@link #read()} must be
 * cheap and non-blocking (return the latest received state). Errors are reported by returning
 * {@code null} from {@link #read()} (no state yet) or through {@link #health()}, never by
 * throwing on the servo thread.
 */
public interface RobotHardware extends AutoCloseable {
  /** Robot id from the launch file. */
  String robotId();

  /** Joint names in the order used by {@link #read()} and expected by {@link #write}. */
  List<String> jointNames();

  /** Connects and configures. May block; called off the event loop. */
  void start() throws Exception;

  /** The latest measured state, or {@code null} when none has arrived yet. */
  JointState read();

  /** Sends a command that the safety kernel has already checked. */
  void write(JointCommand command);

  /** Current connection health; a bridge reports lost peers here. */
  default Health health() {
    return Health.OK;
  }

  /**
   * Registers a listener for e-stop requests that arrive through the bridge's own wire (e.g. an
   * MQTT {@code estop} topic). The runtime latches a protective stop on each. Default: the bridge
   * has no such channel.
   */
  default void onEstop(Consumer<String> listener) {}

  /**
   * Registers a listener for input the bridge refused: a malformed payload, non-finite or
   * out-of-range values, unknown or missing joint names. Called with a human-readable reason, on
   * the bridge's thread (must not block), for the 1st, 2nd, 4th, 8th… refusal so a flood of bad
   * input cannot flood the listener. The runtime turns it into a {@code BAD_INPUT} fault record;
   * the refused input never reaches the agent. Default: the bridge refuses nothing.
   */
  default void onRejected(Consumer<String> listener) {}

  /**
   * The latest poses of the scene objects this bridge tracks (a simulator's bodies, a pose topic
   * fed by a camera tracker), base frame, stamped with the runtime's clock. Cheap and non-blocking;
   * never null. Default: the bridge tracks no object.
   */
  default List<ObjectPose> objects() {
    return List.of();
  }

  /**
   * Registers a listener for the pictures of the bridge's camera (a simulator's rendering, an
   * image topic), called on the bridge's thread with each frame; it must return quickly (hand the
   * frame to another thread). Call before {@link #start()}. Default: the bridge has no camera.
   */
  default void onFrame(Consumer<CameraFrame> listener) {}

  @Override
  void close();

  /** Connection health of a bridge. */
  enum Health {
    OK,
    DEGRADED,
    LOST
  }
}
