package io.telos.bridge.ros2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.telos.api.WallClock;
import io.telos.api.camera.CameraFrame;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code sensor_msgs/Image} between the bridge (IHMC, Fast DDS) and a camera on Eclipse Cyclone
 * DDS in another process ({@code src/test/cyclone/image_peer.c}, the type as rosidl maps it), both
 * ways: the bridge takes the C camera's pictures, and the C side reads the bridge's.
 */
@Timeout(120)
class Ros2ImageInteropIT {
  static Path peer() throws Exception {
    assumeTrue(CycloneDdsInteropIT.onPath("idlc") && CycloneDdsInteropIT.onPath("gcc")
        && Files.exists(Path.of("/usr/include/dds/dds.h")),
        "needs Debian packages cyclonedds-dev cyclonedds-tools libcycloneddsidl0 and gcc");
    Path dir = CycloneDdsInteropIT.build();
    CycloneDdsInteropIT.run(dir, "gcc", "-O2", "-Wall", "-o", "image_peer",
        CycloneDdsInteropIT.SRC.toAbsolutePath().resolve("image_peer.c").toString(), "ros2_types.c", "-I.", "-lddsc");
    return dir;
  }

  static Process start(Path dir, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(dir.resolve("image_peer").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("CYCLONEDDS_URI", "file://" + dir.resolve("cyclonedds.xml"));
    return pb.start();
  }

  @Test
  void theBridgeTakesACycloneCamerasPictures() throws Exception {
    Path dir = peer();
    int domain = Domains.next();
    Process camera = start(dir, "pub", Integer.toString(domain), "60", "320", "240");
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(camera.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("publishing 320x240", out.readLine());
      Ros2RobotHardware hw = new Ros2RobotHardware("arm1", List.of("j1"),
          Ros2Config.parse(Map.of("domain_id", domain, "loopback_only", true)), WallClock.INSTANCE);
      LinkedBlockingQueue<CameraFrame> frames = new LinkedBlockingQueue<>();
      hw.onFrame(frames::add);
      try (hw) {
        hw.start();
        CameraFrame f = frames.poll(30, TimeUnit.SECONDS);
        assertNotNull(f, "a picture from the Cyclone camera");
        assertEquals(320, f.width());
        assertEquals(240, f.height());
        assertEquals("c_camera", f.camera());
        for (int[] p : new int[][] {{0, 0}, {319, 239}, {123, 45}}) {
          for (int c = 0; c < 3; c++) {
            assertEquals((byte) (p[0] * 7 + p[1] * 3 + c * 50), f.rgb()[3 * (p[1] * 320 + p[0]) + c],
                "pixel " + p[0] + "," + p[1] + " channel " + c);
          }
        }
      }
    } finally {
      camera.getOutputStream().close();
      if (!camera.waitFor(10, TimeUnit.SECONDS)) {
        camera.destroyForcibly();
      }
    }
  }

  @Test
  void aCycloneReaderTakesTheBridgesPictures() throws Exception {
    Path dir = peer();
    int domain = Domains.next();
    Process reader = start(dir, "sub", Integer.toString(domain), "60");
    try (Ros2Transport t = new IhmcRos2Transport("telos_camera", domain, true)) {
      Ros2Transport.Publisher<Ros2Msg.Image> pub = t.publisher(Ros2Type.IMAGE, "/camera/image_raw",
          Ros2Qos.SENSOR_DATA);
      Ros2Msg.Image img = Ros2ImageLoopbackTest.image("rgb8", 320, 240, 960, 3);
      long sum = 0;
      for (byte b : img.data()) {
        sum += b & 0xff;
      }
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (reader.isAlive() && System.nanoTime() < end) {
        pub.publish(img);
        reader.waitFor(100, TimeUnit.MILLISECONDS);
      }
      assertTrue(!reader.isAlive() && reader.exitValue() == 0, "the Cyclone reader got a picture");
      String line = new String(reader.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      assertEquals("image 320 240 rgb8 960 230400 " + (sum & 0xffffffffL), line);
    } finally {
      if (reader.isAlive()) {
        reader.destroyForcibly();
      }
    }
  }
}
