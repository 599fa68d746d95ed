package io.telos.bridge.ros2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.WallClock;
import io.telos.api.camera.CameraFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Camera pictures as {@code sensor_msgs/Image} over IHMC's Fast DDS stack on loopback: a 640 × 480
 * picture arrives whole (several DDS fragments), {@code bgr8} and {@code mono8} become RGB, and
 * pictures that lie about their size or encoding are refused and reported.
 */
class Ros2ImageLoopbackTest {
  @AutoClose
  private final Opened opened = new Opened();

  private <T extends AutoCloseable> T track(T c) {
    return opened.track(c);
  }

  static Ros2Msg.Image image(String encoding, int w, int h, int step, int channels) {
    byte[] data = new byte[step * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < channels; c++) {
          data[y * step + channels * x + c] = (byte) (x * 7 + y * 3 + c * 50);
        }
      }
    }
    return new Ros2Msg.Image(1, 2, "top_camera", h, w, encoding, step, data);
  }

  @Test
  void picturesArriveWholeInRgbAndLiesAreRefused() throws Exception {
    int domain = Domains.next();
    Map<String, Object> s = new HashMap<>();
    s.put("domain_id", domain);
    s.put("loopback_only", true);
    s.put("namespace", "/cell1");
    Ros2RobotHardware hw = track(new Ros2RobotHardware("arm1", List.of("j1"), Ros2Config.parse(s), WallClock.INSTANCE));
    LinkedBlockingQueue<CameraFrame> frames = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<String> refused = new LinkedBlockingQueue<>();
    hw.onFrame(frames::add);
    hw.onRejected(refused::add);
    hw.start();
    Ros2Transport camera = track(new IhmcRos2Transport("fake_camera", domain, true));
    Ros2Transport.Publisher<Ros2Msg.Image> pub = camera.publisher(Ros2Type.IMAGE, "/cell1/camera/image_raw",
        Ros2Qos.SENSOR_DATA);

    // a full-size picture, bgr8: published until the first one gets through (discovery)
    Ros2Msg.Image bgr = image("bgr8", 640, 480, 640 * 3, 3);
    AtomicReference<CameraFrame> got = new AtomicReference<>();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (got.get() == null && System.nanoTime() < end) {
      pub.publish(bgr);
      got.set(frames.poll(100, TimeUnit.MILLISECONDS));
    }
    CameraFrame f = got.get();
    assertTrue(f != null, "a 640x480 picture crossed DDS");
    assertEquals(640, f.width());
    assertEquals(480, f.height());
    assertEquals("top_camera", f.camera());
    int k = 3 * (100 * 640 + 200); // pixel (200, 100): blue, green, red in the message
    byte[] src = bgr.data();
    int p = 100 * 640 * 3 + 200 * 3;
    assertEquals(src[p + 2], f.rgb()[k], "red first");
    assertEquals(src[p + 1], f.rgb()[k + 1]);
    assertEquals(src[p], f.rgb()[k + 2]);

    // mono8 with row padding
    frames.clear();
    Ros2Msg.Image mono = image("mono8", 10, 4, 16, 1);
    CameraFrame m = null;
    end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (m == null && System.nanoTime() < end) {
      pub.publish(mono);
      m = frames.poll(100, TimeUnit.MILLISECONDS);
      if (m != null && m.width() != 10) {
        m = null; // a late bgr8 picture
      }
    }
    assertTrue(m != null, "the mono8 picture arrived");
    assertEquals(mono.data()[2 * 16 + 7], m.rgb()[3 * (2 * 10 + 7)]);
    assertEquals(mono.data()[2 * 16 + 7], m.rgb()[3 * (2 * 10 + 7) + 2]);

    // lies: a step shorter than a row, data that is not step x height, an encoding the bridge cannot read
    List<Ros2Msg.Image> lies = List.of(
        new Ros2Msg.Image(0, 0, "", 4, 12, "rgb8", 20, new byte[80]),
        new Ros2Msg.Image(0, 0, "", 4, 12, "rgb8", 40, new byte[100]),
        new Ros2Msg.Image(0, 0, "", 4, 12, "16UC1", 24, new byte[96]));
    List<String> reports = new ArrayList<>();
    end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (hw.imagesRejected() < 3 && System.nanoTime() < end) {
      for (Ros2Msg.Image lie : lies) {
        pub.publish(lie);
      }
      String r = refused.poll(100, TimeUnit.MILLISECONDS);
      if (r != null) {
        reports.add(r);
      }
    }
    refused.drainTo(reports);
    assertTrue(hw.imagesRejected() >= 3, "refused: " + hw.imagesRejected());
    assertTrue(!reports.isEmpty(), "refusals are reported");
    for (String r : reports) {
      assertTrue(r.contains("step 20 is shorter than a row") || r.contains("step x height is 160")
          || r.contains("encoding '16UC1'"), r);
    }
    assertTrue(frames.stream().noneMatch(x -> x.width() == 12), "no lie (12 pixels wide) was delivered");
  }
}
