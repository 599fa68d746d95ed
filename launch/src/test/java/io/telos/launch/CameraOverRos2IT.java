package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.config.Settings;
import io.telos.bridge.ros2.Ros2Config;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The push task over ROS 2 seeing the puck only through the camera: the simulated arm (a driver on
 * IHMC's Fast DDS, loopback) renders the overhead camera of {@code push-camera-mqtt.yaml} and
 * publishes it on {@code /camera/image_raw} ({@code sensor_msgs/Image}) or, compressed, as PNG on
 * {@code /camera/image_raw/compressed}, each picture after its {@code /camera/camera_info}; the
 * agent's ROS 2 bridge takes the pictures (checking the camera_info against {@code scene.camera})
 * and its tracker finds the puck. No object pose crosses DDS.
 */
class CameraOverRos2IT {
  @Test
  void agentPushesThePuckFromPicturesOverRos2() throws Exception {
    push(Ros2Config.ImageTransport.RAW, 0);
  }

  @Test
  void agentPushesThePuckFromCompressedPicturesOverRos2() throws Exception {
    push(Ros2Config.ImageTransport.COMPRESSED, 1);
  }

  private static void push(Ros2Config.ImageTransport images, int domainOffset) throws Exception {
    Path file = Path.of("examples/push-camera-mqtt.yaml").toFile().exists() ? Path.of("examples/push-camera-mqtt.yaml")
        : Path.of("launch/examples/push-camera-mqtt.yaml");
    LaunchSpec base = LaunchFile.load(file);
    int domain = 150 + (int) ((ProcessHandle.current().pid() + 31 + domainOffset) % 60);
    try (Ros2SimRobot robot = Ros2SimRobot.start("arm1", "builtin:telos6", io.telos.api.spi.ArmChain.DEFAULT, domain,
        true, 42, Map.of(), base.scene(), images)) {
      LaunchSpec spec = base.withBridge(new Settings("bridge", Map.of("type", "ros2", "domain_id", domain,
          "loopback_only", true, "image_transport", images.name().toLowerCase(java.util.Locale.ROOT))));
      RunReport r = Session.run(spec, o -> { }, Duration.ofMinutes(2));
      assertEquals(2, r.outcomes().size(), r.outcomes().toString());
      assertEquals(2, r.reached(), images + ": pushed: " + r.outcomes() + " faults " + r.faults());
      assertEquals(0, r.commandViolations(), "commands outside limits");
      assertTrue(robot.framesPublished() > 30, "pictures sent: " + robot.framesPublished());
      double[] puck = {robot.arm().objects().get(0).xM(), robot.arm().objects().get(0).yM()};
      assertTrue(Math.hypot(puck[0] - 0.38, puck[1] - 0.08) < 0.03, "the simulated puck is at the last target: "
          + puck[0] + ", " + puck[1]);
    }
  }
}
