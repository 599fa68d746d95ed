package io.telos.api.spi;

import java.util.Set;

/**
 * Plug-in point for bridges, found with {@link java.util.ServiceLoader}. The launch file's
 * {@code bridge.type} selects the provider by {@link #type()}.
 */
public interface RobotHardwareProvider {
  /** The {@code bridge.type} this provider answers to, e.g. {@code sim}. */
  String type();

  /** Keys allowed in the bridge section besides {@code type}; others are refused at start-up. */
  Set<String> settingKeys();

  /**
   * True when the bridges it builds report scene objects ({@link RobotHardware#objects()}); a
   * launch file with {@code scene.objects} is refused on a bridge that cannot, since its goals and
   * guards would plan around objects nobody sees. Default false.
   */
  default boolean tracksObjects() {
    return false;
  }

  /**
   * True when the bridges it builds deliver camera pictures ({@link RobotHardware#onFrame}); a
   * launch file that takes its objects from the camera ({@code perception.objects: camera}) is
   * refused on a bridge that cannot. Default false.
   */
  default boolean deliversFrames() {
    return false;
  }

  /**
   * Builds (but does not start) the hardware.
   *
   * @throws IllegalArgumentException with a message naming the key when a setting is invalid
   */
  RobotHardware create(HardwareContext context);
}
