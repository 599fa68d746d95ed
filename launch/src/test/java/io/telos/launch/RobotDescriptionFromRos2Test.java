package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.telos.api.config.ConfigException;
import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code robot.description: ros2:/topic}: kept as written by the launch file, fetched by the composer. */
class RobotDescriptionFromRos2Test {
  private static LaunchSpec parse(String description) {
    String yaml = "robot: { id: arm1, description: " + description + " }\n"
        + "bridge: { type: ros2, domain_id: 231, loopback_only: true }\nplanner: { type: mppi }\nmemory: { type: none }\n";
    return LaunchFile.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
        Path.of("/tmp/cell/arm.yaml"));
  }

  @Test
  void theLocationIsNotTakenForAPathNextToTheLaunchFile() {
    assertEquals("ros2:/robot_description", parse("ros2:/robot_description").robot().description());
  }

  @Test
  void aDescriptionThatNeverArrivesIsOneLineNamingTheTopic() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> Composer.withFetchedDescription(parse("ros2:/nobody_publishes_this"), 0.5));
    assertEquals("robot.description: no std_msgs/String on /nobody_publishes_this within 0.5 s (robot_state_publisher"
        + " publishes it reliable, transient-local; check ROS_DOMAIN_ID and that it runs)", e.getMessage());
  }

  @Test
  void otherDescriptionsAreLeftAlone() {
    LaunchSpec spec = parse("builtin:telos6");
    assertSame(spec, Composer.withFetchedDescription(spec, 0.5));
  }
}
