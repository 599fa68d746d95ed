package io.telos.bridge.ros2;

import io.telos.api.spi.HardwareContext;
import io.telos.api.spi.RobotHardwareProvider;
import io.telos.model.RobotModel;
import io.telos.model.UrdfException;
import java.util.Set;

/**
 * {@code bridge.type: ros2}: a robot driven by ros2_control, see {@link Ros2RobotHardware}.
 * Settings (all optional):
 *
 * <table>
 *   <caption>bridge settings</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code namespace}</td><td>none</td><td>ROS 2 namespace of every topic, e.g. {@code /arm1}</td></tr>
 *   <tr><td>{@code domain_id}</td><td>0</td><td>DDS domain (ROS_DOMAIN_ID), 0..232</td></tr>
 *   <tr><td>{@code controller}</td><td>{@code forward_position_controller}</td><td>controller taking commands</td></tr>
 *   <tr><td>{@code command_interface}</td><td>{@code forward}</td><td>{@code forward} (positions as Float64MultiArray on {@code <controller>/commands}), {@code velocity} (velocities, same topic) or {@code trajectory} (JointTrajectory on {@code <controller>/joint_trajectory})</td></tr>
 *   <tr><td>{@code controller_joints}</td><td>chain order</td><td>the controller's joints in its order (exactly the chain's)</td></tr>
 *   <tr><td>{@code velocity_gain}</td><td>10</td><td>1/s: position correction added to velocity commands</td></tr>
 *   <tr><td>{@code reliability}</td><td>{@code reliable}</td><td>{@code reliable} or {@code best_effort} (state and command topics)</td></tr>
 *   <tr><td>{@code history_depth}</td><td>10</td><td>KEEP_LAST depth</td></tr>
 *   <tr><td>{@code durability}</td><td>{@code volatile}</td><td>{@code volatile} or {@code transient_local}</td></tr>
 *   <tr><td>{@code servo_period_s}</td><td>0.01</td><td>time_from_start of the trajectory point</td></tr>
 *   <tr><td>{@code state_timeout_s}</td><td>0.5</td><td>health is LOST after this long without a valid state</td></tr>
 *   <tr><td>{@code loopback_only}</td><td>false</td><td>bind DDS to 127.0.0.1 only</td></tr>
 *   <tr><td>{@code image_transport}</td><td>{@code raw}</td><td>{@code raw} (sensor_msgs/Image on
 *       {@code camera/image_raw}) or {@code compressed} (sensor_msgs/CompressedImage, PNG or JPEG, on
 *       {@code camera/image_raw/compressed})</td></tr>
 * </table>
 */
public final class Ros2RobotHardwareProvider implements RobotHardwareProvider {
  public static final String TYPE = "ros2";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Set<String> settingKeys() {
    return Ros2Config.KEYS;
  }

  @Override
  public boolean deliversFrames() {
    return true; // <namespace>/camera/image_raw, or image_raw/compressed
  }

  /**
   * Validates the settings, loads the robot description for the joint order and builds (does not
   * start) the hardware. The scene's camera ({@code scene.camera}), when there is one, gives the
   * intrinsics the camera's {@code camera_info} must agree with for its pictures to be taken.
   *
   * @throws IllegalArgumentException naming the key when a setting is invalid, or when the robot
   *     description cannot be loaded
   */
  @Override
  public Ros2RobotHardware create(HardwareContext context) {
    Ros2Config config = Ros2Config.parse(context.settings());
    RobotModel model;
    try {
      model = RobotModel.load(context.robotDescription(), context.armChain());
    } catch (UrdfException e) {
      throw new IllegalArgumentException("robot description '" + context.robotDescription() + "' for robot "
          + context.robotId() + ": " + e.getMessage(), e);
    }
    return new Ros2RobotHardware(context.robotId(), model.jointNames(), model.limits().velocity(), config,
        context.clock(), context.scene().camera());
  }
}
