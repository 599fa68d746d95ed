package io.telos.bridge.ros2;

import java.util.List;
import java.util.Objects;

/**
 * Transport-neutral forms of the few ROS 2 messages the bridge uses, so that {@link Ros2Transport}
 * does not leak a client library's generated classes. Arrays are owned by the record: a transport
 * copies into fresh arrays when it decodes, and the bridge never mutates them after encoding.
 */
public final class Ros2Msg {
  private Ros2Msg() {}

  /** {@code sensor_msgs/msg/JointState}; {@code stampSec}/{@code stampNanosec} is header.stamp. */
  public record JointState(int stampSec, long stampNanosec, String frameId, List<String> name, double[] position,
      double[] velocity, double[] effort) {
    public JointState {
      frameId = frameId == null ? "" : frameId;
      name = List.copyOf(name);
      Objects.requireNonNull(position, "position");
      velocity = velocity == null ? new double[0] : velocity;
      effort = effort == null ? new double[0] : effort;
    }
  }

  /**
   * {@code trajectory_msgs/msg/JointTrajectory} with exactly one point (all the bridge sends);
   * header.stamp is zero, which a {@code joint_trajectory_controller} reads as "start now".
   */
  public record JointTrajectory(List<String> jointNames, double[] positions, double[] velocities,
      long timeFromStartNs) {
    public JointTrajectory {
      jointNames = List.copyOf(jointNames);
      Objects.requireNonNull(positions, "positions");
      velocities = velocities == null ? new double[0] : velocities;
    }
  }

  /** {@code std_msgs/msg/Float64MultiArray} with an empty layout. */
  public record Float64MultiArray(double[] data) {
    public Float64MultiArray {
      Objects.requireNonNull(data, "data");
    }
  }

  /** {@code std_msgs/msg/String}. */
  public record Text(String data) {
    public Text {
      data = data == null ? "" : data;
    }
  }

  /**
   * {@code sensor_msgs/msg/Image}: {@code height} rows of {@code step} bytes each in {@code data},
   * pixels as {@code encoding} says ({@code rgb8}, {@code bgr8}, {@code mono8}, …), little-endian.
   */
  public record Image(int stampSec, long stampNanosec, String frameId, int height, int width, String encoding,
      int step, byte[] data) {
    public Image {
      frameId = frameId == null ? "" : frameId;
      encoding = encoding == null ? "" : encoding;
      Objects.requireNonNull(data, "data");
    }
  }
}
