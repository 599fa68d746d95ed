package io.telos.bridge.ros2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code robot.description: ros2:<topic>} on Fast DDS in one JVM (loopback only). */
@Timeout(60)
class Ros2DescriptionTest {

  /** Longer than IHMC's bounded std_msgs/String (255) and than one UDP datagram, with UTF-8. */
  static String bigDescription() {
    StringBuilder b = new StringBuilder("<?xml version=\"1.0\"?>\n<robot name=\"big\"> <!-- café -->\n");
    while (b.length() < 200_000) {
      b.append("  <!-- padding to make the description larger than one datagram -->\n");
    }
    return b.append("  <link name=\"base_link\"/>\n</robot>\n").toString();
  }

  @Test
  void aLateSubscriberGetsTheTransientLocalDescription() throws Exception {
    int domain = Domains.next();
    String urdf = bigDescription();
    try (Ros2Transport rsp = new IhmcRos2Transport("robot_state_publisher", domain, true)) {
      assertTrue(rsp.publisher(Ros2Type.LONG_STRING, "/robot_description", Ros2Qos.LATCHED)
          .publish(new Ros2Msg.Text(urdf)));
      long t0 = System.nanoTime();
      String got = Ros2Description.fetch("/robot_description", domain, true, Duration.ofSeconds(20));
      System.out.printf("robot description (%d bytes) fetched in %.0f ms%n", got.length(),
          (System.nanoTime() - t0) / 1e6);
      assertEquals(urdf, got);
    }
  }

  @Test
  void nothingPublishedFailsWithOneLineNamingTopicAndTimeout() {
    int domain = Domains.next();
    long t0 = System.nanoTime();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Ros2Description.fetch("/robot_description", domain, true, Duration.ofMillis(1500)));
    double s = (System.nanoTime() - t0) / 1e9;
    assertEquals("robot.description: no std_msgs/String on /robot_description within 1.5 s (robot_state_publisher"
        + " publishes it reliable, transient-local; check ROS_DOMAIN_ID and that it runs)", e.getMessage());
    assertTrue(s >= 1.5 && s < 10, "waited " + s + " s");
  }

  @Test
  void locations() {
    assertTrue(Ros2Description.isRos2("ros2:/robot_description"));
    assertEquals("/arm1/robot_description", Ros2Description.topic("ros2:/arm1/robot_description"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ros2Description.topic("ros2:robot_description"));
    assertTrue(e.getMessage().startsWith("robot.description:"), e.getMessage());
  }
}
