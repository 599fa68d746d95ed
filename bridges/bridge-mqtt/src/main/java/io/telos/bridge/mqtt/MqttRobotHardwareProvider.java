package io.telos.bridge.mqtt;

import io.telos.api.spi.HardwareContext;
import io.telos.api.spi.RobotHardwareProvider;
import io.telos.model.RobotModel;
import io.telos.model.UrdfException;
import java.util.Set;

/**
 * {@code bridge.type: mqtt}: a robot reached through an MQTT 5 broker, see
 * {@link MqttRobotHardware}. Settings (all optional):
 *
 * <table>
 *   <caption>bridge settings</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code broker}</td><td>{@code embedded}</td><td>{@code embedded} (start a broker on 127.0.0.1:{@code port}) or a {@code tcp://host:port} / {@code ssl://host:port} URI</td></tr>
 *   <tr><td>{@code port}</td><td>1883</td><td>embedded broker port, 0 = any free port</td></tr>
 *   <tr><td>{@code prefix}</td><td>{@code telos/<robot.id>/}</td><td>topic prefix</td></tr>
 *   <tr><td>{@code qos_state}</td><td>0</td><td>QoS of the state subscription</td></tr>
 *   <tr><td>{@code qos_command}</td><td>0</td><td>QoS of commands</td></tr>
 *   <tr><td>{@code command_expiry_s}</td><td>1</td><td>MQTT 5 message expiry of commands, integer seconds in [1, 3600]</td></tr>
 *   <tr><td>{@code username}, {@code password}</td><td>none</td><td>broker credentials</td></tr>
 *   <tr><td>{@code ca_file}, {@code cert_file}, {@code key_file}</td><td>none</td><td>PEM files for {@code ssl://}</td></tr>
 *   <tr><td>{@code client_id}</td><td>{@code telos-<robot.id>-agent}</td><td>MQTT client id</td></tr>
 *   <tr><td>{@code keep_alive_s}</td><td>5</td><td>MQTT keep-alive, seconds</td></tr>
 * </table>
 */
public final class MqttRobotHardwareProvider implements RobotHardwareProvider {
  public static final String TYPE = "mqtt";

  /** Scene objects are reported: {@code RobotHardware.objects()}. */
  @Override
  public boolean deliversFrames() {
    return true; // <prefix>camera
  }

  @Override
  public boolean tracksObjects() {
    return true;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Set<String> settingKeys() {
    return MqttConfig.KEYS;
  }

  /**
   * Validates the settings, loads the robot description for the joint order and builds (does not
   * start) the hardware.
   *
   * @throws IllegalArgumentException naming the key when a setting is invalid, or when the robot
   *     description cannot be loaded
   */
  @Override
  public MqttRobotHardware create(HardwareContext context) {
    MqttConfig config = MqttConfig.parse(context.robotId(), context.settings());
    RobotModel model;
    try {
      model = RobotModel.load(context.robotDescription(), context.armChain());
    } catch (UrdfException e) {
      throw new IllegalArgumentException("robot description '" + context.robotDescription() + "' for robot "
          + context.robotId() + ": " + e.getMessage(), e);
    }
    return new MqttRobotHardware(context.robotId(), model.jointNames(), config, context.clock());
  }
}
