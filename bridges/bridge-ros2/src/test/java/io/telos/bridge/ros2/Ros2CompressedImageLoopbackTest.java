package io.telos.bridge.ros2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.telos.api.WallClock;
import io.telos.api.camera.CameraFrame;
import io.telos.api.camera.CameraSpec;
import io.telos.api.scene.Scene;
import io.telos.api.spi.HardwareContext;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code sensor_msgs/CompressedImage} and {@code sensor_msgs/CameraInfo} over IHMC's Fast DDS stack
 * on loopback, into the bridge: PNG pictures (RGB, BGR, grey, with alpha) arrive pixel for pixel,
 * JPEG ones within JPEG's error, under every format string image_transport writes; an unknown
 * format, a truncated PNG or JPEG, a PNG whose header claims 20000 × 20000 and a depth picture are
 * refused and counted while the next good picture still arrives. CameraInfo crosses with every
 * field; pictures are refused while the latest one disagrees with the expected intrinsics or the
 * picture's size, and taken again once it agrees.
 */
@Timeout(180)
class Ros2CompressedImageLoopbackTest {
  private static final int W = 64;
  private static final int H = 48;

  @AutoClose
  private final Opened opened = new Opened();

  private <T extends AutoCloseable> T track(T c) {
    return opened.track(c);
  }

  /** A bridge listening to the camera, and a camera on another participant. */
  private record Rig(Ros2RobotHardware hw, LinkedBlockingQueue<CameraFrame> frames, List<CameraFrame> all,
      Ros2Transport.Publisher<Ros2Msg.CompressedImage> compressed, Ros2Transport.Publisher<Ros2Msg.Image> raw,
      Ros2Transport.Publisher<Ros2Msg.CameraInfo> info) {}

  private Rig rig(String imageTransport, CameraSpec expected, Ros2Qos infoQos) {
    int domain = Domains.next();
    Map<String, Object> s = new HashMap<>();
    s.put("domain_id", domain);
    s.put("loopback_only", true);
    s.put("namespace", "/cell1");
    s.put("image_transport", imageTransport);
    Ros2RobotHardware hw = track(new Ros2RobotHardware("arm1", List.of("j1"), null, Ros2Config.parse(s),
        WallClock.INSTANCE, expected));
    LinkedBlockingQueue<CameraFrame> frames = new LinkedBlockingQueue<>();
    List<CameraFrame> all = new CopyOnWriteArrayList<>();
    hw.onFrame(frames::add);
    hw.onFrame(all::add);
    hw.start();
    Ros2Transport camera = track(new IhmcRos2Transport("fake_camera", domain, true));
    return new Rig(hw, frames, all,
        camera.publisher(Ros2Type.COMPRESSED_IMAGE, "/cell1/camera/image_raw/compressed", Ros2Qos.SENSOR_DATA),
        camera.publisher(Ros2Type.IMAGE, "/cell1/camera/image_raw", Ros2Qos.SENSOR_DATA),
        camera.publisher(Ros2Type.CAMERA_INFO, "/cell1/camera/camera_info", infoQos));
  }

  /** Channel c of pixel (x, y) of the sharp test pattern. */
  static int sharp(int x, int y, int c) {
    return (x * 7 + y * 3 + c * 50) & 0xff;
  }

  /** Channel c of pixel (x, y) of a smooth pattern (JPEG's error stays small on it). */
  static int smooth(int x, int y, int c) {
    return switch (c) {
      case 0 -> 2 * x + y;
      case 1 -> 100 + 2 * y;
      default -> 200 - x;
    };
  }

  interface Pattern {
    int at(int x, int y, int c);
  }

  static BufferedImage picture(int type, Pattern p) {
    BufferedImage img = new BufferedImage(W, H, type);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int alpha = (x * 4) & 0xff;
        img.setRGB(x, y, alpha << 24 | p.at(x, y, 0) << 16 | p.at(x, y, 1) << 8 | p.at(x, y, 2));
      }
    }
    return img;
  }

  static byte[] png(BufferedImage img) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(img, "png", out));
    return out.toByteArray();
  }

  static byte[] jpeg(BufferedImage img) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam q = writer.getDefaultWriteParam();
    q.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    q.setCompressionQuality(0.95f);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.write(null, new IIOImage(img, null, null), q);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /** {@code png} with its IHDR saying {@code w × h} (CRC fixed), the rest unchanged. */
  static byte[] claiming(byte[] png, int w, int h) {
    byte[] b = png.clone();
    ByteBuffer.wrap(b, 16, 8).putInt(w).putInt(h);
    CRC32 crc = new CRC32();
    crc.update(b, 12, 17); // "IHDR" and its 13 bytes
    ByteBuffer.wrap(b, 29, 4).putInt((int) crc.getValue());
    return b;
  }

  static Ros2Msg.CompressedImage msg(String frameId, String format, byte[] data) {
    return new Ros2Msg.CompressedImage(5, 6, frameId, format, data);
  }

  /** Publishes {@code m} until a picture from its frame id arrives. */
  private static <T> CameraFrame deliver(Rig r, Ros2Transport.Publisher<T> pub, T m, String frameId)
      throws InterruptedException {
    Predicate<CameraFrame> mine = f -> f.camera().equals(frameId);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < end) {
      pub.publish(m);
      CameraFrame f = r.frames().poll(100, TimeUnit.MILLISECONDS);
      if (f != null && mine.test(f)) {
        return f;
      }
    }
    fail("no picture '" + frameId + "' arrived; delivered " + r.hw().imagesDelivered() + ", refused "
        + r.hw().imagesRejected() + ", last: " + r.hw().lastImageRejection());
    return null;
  }

  /** Publishes {@code m} until a picture is refused; the reason. */
  private static <T> String refuse(Rig r, Ros2Transport.Publisher<T> pub, T m) throws InterruptedException {
    long before = r.hw().imagesRejected();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (r.hw().imagesRejected() == before && System.nanoTime() < end) {
      pub.publish(m);
      Await.until(() -> r.hw().imagesRejected() > before, 100);
    }
    assertTrue(r.hw().imagesRejected() > before, "not refused; delivered " + r.hw().imagesDelivered());
    return r.hw().lastImageRejection();
  }

  /** Publishes {@code info} until the bridge holds it. */
  private static void inform(Rig r, Ros2Msg.CameraInfo info) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Predicate<Ros2Msg.CameraInfo> held = c -> c != null && c.width() == info.width() && c.height() == info.height()
        && Arrays.equals(c.k(), info.k());
    while (!held.test(r.hw().cameraInfo()) && System.nanoTime() < end) {
      r.info().publish(info);
      Await.until(() -> held.test(r.hw().cameraInfo()), 100);
    }
    assertTrue(held.test(r.hw().cameraInfo()), "camera_info arrived");
  }

  private static void assertPixels(Pattern p, CameraFrame f, boolean gray) {
    assertEquals(W, f.width());
    assertEquals(H, f.height());
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        for (int c = 0; c < 3; c++) {
          int want = gray ? p.at(x, y, 0) : p.at(x, y, c);
          assertEquals(want, f.rgb()[3 * (y * W + x) + c] & 0xff,
              f.camera() + " pixel " + x + "," + y + " channel " + c);
        }
      }
    }
  }

  @Test
  void pngAndJpegPicturesArriveAsRgbAndBadOnesAreRefused() throws Exception {
    Rig r = rig("compressed", null, Ros2Qos.SENSOR_DATA);

    // PNG: RGB, BGR and RGBA pixel for pixel (alpha dropped), grey repeated into the three channels
    CameraFrame f = deliver(r, r.compressed(), msg("png_rgb", "png", png(picture(BufferedImage.TYPE_INT_RGB,
        Ros2CompressedImageLoopbackTest::sharp))), "png_rgb");
    assertPixels(Ros2CompressedImageLoopbackTest::sharp, f, false);
    f = deliver(r, r.compressed(), msg("png_bgr", "bgr8; png compressed bgr8",
        png(picture(BufferedImage.TYPE_3BYTE_BGR, Ros2CompressedImageLoopbackTest::sharp))), "png_bgr");
    assertPixels(Ros2CompressedImageLoopbackTest::sharp, f, false);
    f = deliver(r, r.compressed(), msg("png_rgba", "rgba8; png compressed rgba8",
        png(picture(BufferedImage.TYPE_4BYTE_ABGR, Ros2CompressedImageLoopbackTest::sharp))), "png_rgba");
    assertPixels(Ros2CompressedImageLoopbackTest::sharp, f, false);
    BufferedImage gray = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        gray.getRaster().setSample(x, y, 0, sharp(x, y, 0));
      }
    }
    f = deliver(r, r.compressed(), msg("png_mono", "mono8; png compressed mono8", png(gray)), "png_mono");
    assertPixels(Ros2CompressedImageLoopbackTest::sharp, f, true);

    // JPEG, short and long format: within JPEG's error of the smooth pattern
    byte[] jpg = jpeg(picture(BufferedImage.TYPE_INT_RGB, Ros2CompressedImageLoopbackTest::smooth));
    for (String format : List.of("jpeg", "jpg", "rgb8; jpeg compressed bgr8")) {
      String id = "jpeg_" + format.length();
      f = deliver(r, r.compressed(), msg(id, format, jpg), id);
      assertEquals(W, f.width());
      long sum = 0;
      int worst = 0;
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          for (int c = 0; c < 3; c++) {
            int e = Math.abs((f.rgb()[3 * (y * W + x) + c] & 0xff) - smooth(x, y, c));
            sum += e;
            worst = Math.max(worst, e);
          }
        }
      }
      assertTrue(sum / (3.0 * W * H) < 3 && worst < 24, format + ": mean error " + sum / (3.0 * W * H) + ", worst "
          + worst);
    }

    // refused, each followed by a good picture that still arrives
    byte[] good = png(picture(BufferedImage.TYPE_INT_RGB, Ros2CompressedImageLoopbackTest::sharp));
    Map<String, Ros2Msg.CompressedImage> bad = new java.util.LinkedHashMap<>();
    bad.put("format 'tiff' is not png or jpeg", msg("bad", "tiff", good));
    bad.put("the picture was 16UC1", msg("bad", "16UC1; png compressed mono16", good));
    bad.put("the png of " + good.length / 2 + " bytes does not decode", msg("bad", "png",
        Arrays.copyOf(good, good.length / 2)));
    bad.put("the jpeg of " + (jpg.length - 200) + " bytes", msg("bad", "jpeg", Arrays.copyOf(jpg, jpg.length - 200)));
    bad.put("compressed image of 20000x20000 (each side must be in [1, 4096])", msg("bad", "png",
        claiming(good, 20_000, 20_000)));
    bad.put("the jpeg of " + good.length + " bytes does not decode", msg("bad", "jpeg", good));
    int n = 0;
    for (Map.Entry<String, Ros2Msg.CompressedImage> b : bad.entrySet()) {
      String why = refuse(r, r.compressed(), b.getValue());
      assertTrue(why.contains(b.getKey()), "expected '" + b.getKey() + "' in: " + why);
      n++;
      String id = "good_after_" + n;
      assertPixels(Ros2CompressedImageLoopbackTest::sharp, deliver(r, r.compressed(), msg(id, "png", good), id),
          false);
    }
    assertTrue(r.hw().imagesRejected() >= bad.size(), "refused " + r.hw().imagesRejected());
    assertTrue(r.all().stream().noneMatch(x -> x.camera().equals("bad")), "no bad picture was delivered");
  }

  @Test
  void cameraInfoCrossesWithEveryFieldAndPicturesMustHaveItsSize() throws Exception {
    Rig r = rig("raw", null, Ros2Qos.DEFAULT); // a reliable camera_info, as some drivers publish it
    Ros2Msg.CameraInfo info = new Ros2Msg.CameraInfo(-7, 999_999_999L, "cam_optical", 480, 640, "rational_polynomial",
        new double[] {0.125, -0.25, 1e-3, -2e-3, 0.5, 0.0625, -0.03125, 7.5}, new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9},
        new double[] {0.5, 0, 0, 0, 0.5, 0, 0, 0, 1.5},
        new double[] {11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22}, 2, 4,
        new Ros2Msg.RegionOfInterest(8, 16, 240, 320, true));
    inform(r, info);
    Ros2Msg.CameraInfo got = r.hw().cameraInfo();
    assertEquals(-7, got.stampSec());
    assertEquals(999_999_999L, got.stampNanosec());
    assertEquals("cam_optical", got.frameId());
    assertEquals(480, got.height());
    assertEquals(640, got.width());
    assertEquals("rational_polynomial", got.distortionModel());
    assertArrayEquals(info.d(), got.d());
    assertArrayEquals(info.k(), got.k());
    assertArrayEquals(info.r(), got.r());
    assertArrayEquals(info.p(), got.p());
    assertEquals(2, got.binningX());
    assertEquals(4, got.binningY());
    assertEquals(new Ros2Msg.RegionOfInterest(8, 16, 240, 320, true), got.roi());
    assertTrue(r.hw().cameraInfos() >= 1);

    // a 64x48 picture while camera_info says 640x480: refused; once it says 64x48, taken
    Ros2Msg.Image img = Ros2ImageLoopbackTest.image("rgb8", W, H, 3 * W, 3);
    String why = refuse(r, r.raw(), img);
    assertEquals("picture of 64x48, camera_info says 640x480", why);
    inform(r, Ros2Msg.CameraInfo.pinhole(0, 0, "cam_optical", W, H, 50, 50, 31.5, 23.5));
    CameraFrame f = deliver(r, r.raw(), img, "top_camera");
    assertEquals(img.data()[3 * (5 * W + 9) + 2], f.rgb()[3 * (5 * W + 9) + 2]);
  }

  @Test
  void picturesAreRefusedWhileCameraInfoDisagreesWithTheExpectedIntrinsics() throws Exception {
    CameraSpec spec = new CameraSpec(W, H, 60, 60, 31.5, 23.5, new double[] {0, 0, 1}, new double[] {0, 0, 0}, 30, 0,
        Map.of());
    Rig r = rig("compressed", spec, Ros2Qos.SENSOR_DATA);
    byte[] good = png(picture(BufferedImage.TYPE_INT_RGB, Ros2CompressedImageLoopbackTest::sharp));
    deliver(r, r.compressed(), msg("before_info", "png", good), "before_info"); // no camera_info yet: taken

    inform(r, Ros2Msg.CameraInfo.pinhole(0, 0, "", W, H, 66, 60, 31.5, 23.5));
    String why = refuse(r, r.compressed(), msg("wrong_fx", "png", good));
    assertEquals("camera_info says fx=66.00, scene.camera says fx=60.00 (tolerance 0.50 px)", why);
    inform(r, Ros2Msg.CameraInfo.pinhole(0, 0, "", W, H, 60, 60, 31.5, 25));
    why = refuse(r, r.compressed(), msg("wrong_cy", "png", good));
    assertEquals("camera_info says cy=25.00, scene.camera says cy=23.50 (tolerance 0.50 px)", why);
    inform(r, Ros2Msg.CameraInfo.pinhole(0, 0, "", 2 * W, 2 * H, 60, 60, 31.5, 23.5));
    why = refuse(r, r.compressed(), msg("wrong_size", "png", good));
    assertEquals("camera_info says 128x96, scene.camera says 64x48", why);

    // within max(0.5 px, 0.2 %): taken again
    inform(r, Ros2Msg.CameraInfo.pinhole(0, 0, "", W, H, 60.1, 59.9, 31.9, 23.1));
    assertPixels(Ros2CompressedImageLoopbackTest::sharp, deliver(r, r.compressed(), msg("agrees", "png", good),
        "agrees"), false);
    assertFalse(r.all().stream().anyMatch(x -> x.camera().startsWith("wrong")), "no refused picture delivered");
    assertNotNull(r.hw().cameraInfo());
    assertTrue(r.hw().imagesRejected() >= 3);
  }

  @Test
  void theProviderGivesTheBridgeTheScenesCamera() throws Exception {
    int domain = Domains.next();
    CameraSpec spec = new CameraSpec(W, H, 60, 60, 31.5, 23.5, new double[] {0, 0, 1}, new double[] {0, 0, 0}, 30, 0,
        Map.of());
    Ros2RobotHardware hw = track(new Ros2RobotHardwareProvider().create(new HardwareContext("arm1", "builtin:telos6",
        Map.of("domain_id", domain, "loopback_only", true, "image_transport", "compressed"), WallClock.INSTANCE, 1,
        false, new Scene(0.02, List.of(), spec))));
    LinkedBlockingQueue<CameraFrame> frames = new LinkedBlockingQueue<>();
    hw.onFrame(frames::add);
    hw.start();
    Ros2Transport camera = track(new IhmcRos2Transport("fake_camera", domain, true));
    Rig r = new Rig(hw, frames, List.of(), camera.publisher(Ros2Type.COMPRESSED_IMAGE, "/camera/image_raw/compressed",
        Ros2Qos.SENSOR_DATA), null, camera.publisher(Ros2Type.CAMERA_INFO, "/camera/camera_info", Ros2Qos.SENSOR_DATA));
    inform(r, Ros2Msg.CameraInfo.pinhole(0, 0, "", W, H, 60, 70, 31.5, 23.5));
    byte[] good = png(picture(BufferedImage.TYPE_INT_RGB, Ros2CompressedImageLoopbackTest::sharp));
    assertEquals("camera_info says fy=70.00, scene.camera says fy=60.00 (tolerance 0.50 px)",
        refuse(r, r.compressed(), msg("wrong_fy", "png", good)));
    inform(r, Ros2Msg.CameraInfo.pinhole(0, 0, "", W, H, 60, 60, 31.5, 23.5));
    deliver(r, r.compressed(), msg("right", "png", good), "right");
  }
}
