package io.telos.bridge.ros2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.telos.model.RobotModel;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code robot.description: ros2:/robot_description} against robot_state_publisher's behaviour on
 * Eclipse Cyclone DDS in another process ({@code src/test/cyclone/desc_publisher.c}: the URDF once,
 * reliable, keep last 1, transient local), fetched after it was published.
 */
@Timeout(120)
class Ros2DescriptionIT {
  @Test
  void theDescriptionOfARunningRos2System() throws Exception {
    assumeTrue(CycloneDdsInteropIT.onPath("idlc") && CycloneDdsInteropIT.onPath("gcc")
        && Files.exists(Path.of("/usr/include/dds/dds.h")),
        "needs Debian packages cyclonedds-dev cyclonedds-tools libcycloneddsidl0 and gcc");
    Path dir = CycloneDdsInteropIT.build();
    CycloneDdsInteropIT.run(dir, "gcc", "-O2", "-Wall", "-o", "desc_publisher",
        CycloneDdsInteropIT.SRC.toAbsolutePath().resolve("desc_publisher.c").toString(), "ros2_types.c", "-I.",
        "-lddsc");
    String urdf;
    try (InputStream in = RobotModel.class.getResourceAsStream("/io/telos/model/robots/telos6.urdf")) {
      urdf = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    // larger than one datagram, and not only ASCII
    urdf = urdf.replace("</robot>", "<!-- é " + "x".repeat(100_000) + " -->\n</robot>");
    Path file = dir.resolve("published.urdf");
    Files.writeString(file, urdf);
    int domain = Domains.next();
    ProcessBuilder pb = new ProcessBuilder(dir.resolve("desc_publisher").toString(), Integer.toString(domain), "60",
        file.toString()).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("CYCLONEDDS_URI", "file://" + dir.resolve("cyclonedds.xml"));
    Process rsp = pb.start();
    try {
      BufferedReader r = new BufferedReader(new InputStreamReader(rsp.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("published " + urdf.getBytes(StandardCharsets.UTF_8).length, r.readLine());
      long t0 = System.nanoTime();
      String got = Ros2Description.fetch("/robot_description", domain, true, Duration.ofSeconds(20));
      System.out.printf("robot description from Cyclone DDS (%d bytes, transient local, late joiner): %.0f ms%n",
          got.length(), (System.nanoTime() - t0) / 1e6);
      assertEquals(urdf, got);
      Path fetched = Files.writeString(dir.resolve("fetched.urdf"), got);
      assertEquals(List.of("shoulder_pan_joint", "shoulder_lift_joint", "elbow_joint", "wrist_1_joint",
          "wrist_2_joint", "wrist_3_joint"), RobotModel.load(fetched.toString()).jointNames());
    } finally {
      rsp.getOutputStream().close();
      if (!rsp.waitFor(10, TimeUnit.SECONDS)) {
        rsp.destroyForcibly();
      }
    }
  }
}
