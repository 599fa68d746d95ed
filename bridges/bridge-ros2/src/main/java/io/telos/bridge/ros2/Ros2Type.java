package io.telos.bridge.ros2;

/**
 * The ROS 2 message types a {@link Ros2Transport} must carry, each tied to its Java form in
 * {@link Ros2Msg}.
 *
 * @param <T> the Java form
 */
public final class Ros2Type<T> {
  public static final Ros2Type<Ros2Msg.JointState> JOINT_STATE =
      new Ros2Type<>("sensor_msgs/msg/JointState", Ros2Msg.JointState.class);
  public static final Ros2Type<Ros2Msg.JointTrajectory> JOINT_TRAJECTORY =
      new Ros2Type<>("trajectory_msgs/msg/JointTrajectory", Ros2Msg.JointTrajectory.class);
  public static final Ros2Type<Ros2Msg.Float64MultiArray> FLOAT64_MULTI_ARRAY =
      new Ros2Type<>("std_msgs/msg/Float64MultiArray", Ros2Msg.Float64MultiArray.class);
  public static final Ros2Type<Ros2Msg.Text> STRING = new Ros2Type<>("std_msgs/msg/String", Ros2Msg.Text.class);
  /**
   * {@code std_msgs/msg/String} of any length (up to 4 MiB), UTF-8: a robot description as
   * robot_state_publisher publishes it. {@link #STRING} is for short texts only.
   */
  public static final Ros2Type<Ros2Msg.Text> LONG_STRING =
      new Ros2Type<>("std_msgs/msg/String", Ros2Msg.Text.class);

  /** {@code sensor_msgs/msg/Image}, up to 1920 × 1080 RGB (6 MiB of pixels). */
  public static final Ros2Type<Ros2Msg.Image> IMAGE = new Ros2Type<>("sensor_msgs/msg/Image", Ros2Msg.Image.class);

  /** {@code sensor_msgs/msg/CompressedImage}, up to 6 MiB of compressed data. */
  public static final Ros2Type<Ros2Msg.CompressedImage> COMPRESSED_IMAGE =
      new Ros2Type<>("sensor_msgs/msg/CompressedImage", Ros2Msg.CompressedImage.class);

  /** {@code sensor_msgs/msg/CameraInfo}, up to {@link Ros2Msg.CameraInfo#MAX_DISTORTION} distortion coefficients. */
  public static final Ros2Type<Ros2Msg.CameraInfo> CAMERA_INFO =
      new Ros2Type<>("sensor_msgs/msg/CameraInfo", Ros2Msg.CameraInfo.class);

  private final String rosName;
  private final Class<T> javaType;

  private Ros2Type(String rosName, Class<T> javaType) {
    this.rosName = rosName;
    this.javaType = javaType;
  }

  /** The ROS 2 interface name, e.g. {@code sensor_msgs/msg/JointState}. */
  public String rosName() {
    return rosName;
  }

  public Class<T> javaType() {
    return javaType;
  }

  @Override
  public String toString() {
    return rosName;
  }
}
