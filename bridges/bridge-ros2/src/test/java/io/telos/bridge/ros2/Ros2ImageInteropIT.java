package io.telos.bridge.ros2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code sensor_msgs/Image}, {@code sensor_msgs/CompressedImage} and {@code sensor_msgs/CameraInfo}
 * between the bridge (IHMC, Fast DDS) and a camera on Eclipse Cyclone DDS in another process
 * ({@code src/test/cyclone/image_peer.c}, the types as rosidl maps them), both ways: the bridge
 * takes the C camera's raw pictures, its PNG pictures and its calibration, and the C side reads the
 * bridge's.
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

  @Test
  void theBridgeTakesACycloneCamerasPngPicturesAndCalibration() throws Exception {
    Path dir = peer();
    int domain = Domains.next();
    Process camera = start(dir, "cpub", Integer.toString(domain), "60");
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(camera.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("publishing compressed 4x3", out.readLine());
      Ros2RobotHardware hw = new Ros2RobotHardware("arm1", List.of("j1"), Ros2Config.parse(Map.of("domain_id", domain,
          "loopback_only", true, "image_transport", "compressed")), WallClock.INSTANCE);
      LinkedBlockingQueue<CameraFrame> frames = new LinkedBlockingQueue<>();
      hw.onFrame(frames::add);
      try (hw) {
        hw.start();
        CameraFrame f = frames.poll(30, TimeUnit.SECONDS);
        assertNotNull(f, "a PNG picture from the Cyclone camera");
        assertEquals(4, f.width());
        assertEquals(3, f.height());
        assertEquals("c_camera", f.camera());
        for (int y = 0; y < 3; y++) {
          for (int x = 0; x < 4; x++) {
            int[] want = {40 * x + 10, 90 * y + 5, 200 - 30 * x - 20 * y};
            for (int c = 0; c < 3; c++) {
              assertEquals(want[c], f.rgb()[3 * (y * 4 + x) + c] & 0xff, "pixel " + x + "," + y + " channel " + c);
            }
          }
        }
        assertTrue(Await.until(() -> hw.cameraInfo() != null, 30_000), "the Cyclone camera's camera_info");
        Ros2Msg.CameraInfo i = hw.cameraInfo();
        assertEquals(12, i.stampSec());
        assertEquals(345, i.stampNanosec());
        assertEquals("c_camera_optical", i.frameId());
        assertEquals(3, i.height());
        assertEquals(4, i.width());
        assertEquals("plumb_bob", i.distortionModel());
        assertArrayEquals(new double[] {-0.25, 0.125, 0.001, -0.002, 0.0625}, i.d());
        assertArrayEquals(new double[] {3.5, 0, 1.5, 0, 3.25, 1, 0, 0, 1}, i.k());
        assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, i.r());
        double[] p = new double[12];
        Arrays.setAll(p, k -> 0.5 * k - 1);
        assertArrayEquals(p, i.p());
        assertEquals(1, i.binningX());
        assertEquals(2, i.binningY());
        assertEquals(new Ros2Msg.RegionOfInterest(1, 2, 3, 4, true), i.roi());
        assertEquals(0, hw.imagesRejected(), "4x3 pictures agree with the 4x3 camera_info: " + hw.lastImageRejection());
      }
    } finally {
      camera.getOutputStream().close();
      if (!camera.waitFor(10, TimeUnit.SECONDS)) {
        camera.destroyForcibly();
      }
    }
  }

  @Test
  void aCycloneReaderTakesTheBridgesPngPicturesAndCalibration() throws Exception {
    Path dir = peer();
    int domain = Domains.next();
    Process reader = start(dir, "csub", Integer.toString(domain), "60");
    try (Ros2Transport t = new IhmcRos2Transport("telos_camera", domain, true)) {
      Ros2Transport.Publisher<Ros2Msg.CompressedImage> pictures = t.publisher(Ros2Type.COMPRESSED_IMAGE,
          "/camera/image_raw/compressed", Ros2Qos.SENSOR_DATA);
      Ros2Transport.Publisher<Ros2Msg.CameraInfo> infos = t.publisher(Ros2Type.CAMERA_INFO, "/camera/camera_info",
          Ros2Qos.SENSOR_DATA);
      byte[] png = Ros2CompressedImageLoopbackTest.png(Ros2CompressedImageLoopbackTest.picture(
          java.awt.image.BufferedImage.TYPE_INT_RGB, Ros2CompressedImageLoopbackTest::sharp));
      long sum = 0;
      for (byte b : png) {
        sum += b & 0xff;
      }
      Ros2Msg.CompressedImage picture = new Ros2Msg.CompressedImage(3, 4, "telos_camera", "bgr8; png compressed bgr8",
          png);
      Ros2Msg.CameraInfo info = new Ros2Msg.CameraInfo(-2, 1_000_000L, "telos_optical", 48, 64, "rational_polynomial",
          new double[] {0.1, -0.2, 0.3, 1e-300, 0, 0, 0, -4.5}, new double[] {60.5, 0, 31.5, 0, 61.25, 23.5, 0, 0, 1},
          new double[] {0, -1, 0, 1, 0, 0, 0, 0, 1}, new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12.125}, 3, 4,
          new Ros2Msg.RegionOfInterest(5, 6, 7, 8, false));
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (reader.isAlive() && System.nanoTime() < end) {
        infos.publish(info);
        pictures.publish(picture);
        reader.waitFor(100, TimeUnit.MILLISECONDS);
      }
      assertTrue(!reader.isAlive() && reader.exitValue() == 0, "the Cyclone reader got a picture and a camera_info");
      List<String> lines = new String(reader.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      String compressed = lines.stream().filter(l -> l.startsWith("compressed|")).findFirst().orElseThrow();
      assertEquals("compressed|telos_camera|bgr8; png compressed bgr8|" + png.length + "|" + (sum & 0xffffffffL),
          compressed);
      String[] f = lines.stream().filter(l -> l.startsWith("camera_info|")).findFirst().orElseThrow().split("\\|");
      assertEquals(List.of("camera_info", "-2", "1000000", "telos_optical", "48", "64", "rational_polynomial"),
          List.of(f).subList(0, 7));
      assertArrayEquals(info.d(), doubles(f[7]));
      assertArrayEquals(info.k(), doubles(f[8]));
      assertArrayEquals(info.r(), doubles(f[9]));
      assertArrayEquals(info.p(), doubles(f[10]));
      assertEquals(List.of("3", "4", "5 6 7 8 0"), List.of(f).subList(11, 14));
    } finally {
      if (reader.isAlive()) {
        reader.destroyForcibly();
      }
    }
  }

  private static double[] doubles(String spaced) {
    return spaced.isEmpty() ? new double[0] : Arrays.stream(spaced.split(" ")).mapToDouble(Double::parseDouble)
        .toArray();
  }
}
