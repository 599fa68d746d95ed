package io.telos.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.camera.CameraFrame;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The {@code <prefix>camera} payload: a lossless round trip, and every malformed form refused with its reason. */
class CameraImagesTest {
  static CameraFrame frame(int w, int h) {
    byte[] rgb = new byte[3 * w * h];
    new SplittableRandom(3).nextBytes(rgb);
    return new CameraFrame("top", 17, 123_456_789L, w, h, rgb, new float[w * h]);
  }

  static byte[] with(String header, byte[] image) {
    byte[] head = (header + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(head, head.length + image.length);
    System.arraycopy(image, 0, out, head.length, image.length);
    return out;
  }

  static byte[] png(int w, int h) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "png", out);
    return out.toByteArray();
  }

  static String refusal(byte[] payload) {
    return assertThrows(JointJson.Rejected.class, () -> CameraImages.decode(payload, 0)).getMessage();
  }

  @Test
  void aPictureCrossesLosslesslyAndIsStampedOnArrival() throws Exception {
    CameraFrame f = frame(37, 21);
    byte[] payload = CameraImages.encode(f);
    String header = new String(payload, 0, indexOf(payload, (byte) '\n'), StandardCharsets.UTF_8);
    assertEquals("{\"camera\":\"top\",\"sequence\":17,\"stamp_ns\":123456789,\"width\":37,\"height\":21,"
        + "\"encoding\":\"png\"}", header);
    BufferedImage img = ImageIO.read(new java.io.ByteArrayInputStream(payload, header.length() + 1,
        payload.length - header.length() - 1));
    assertEquals(37, img.getWidth(), "after the newline: a PNG any reader opens");
    CameraFrame back = CameraImages.decode(payload, 999);
    assertArrayEquals(f.rgb(), back.rgb());
    assertEquals(999, back.stampNs());
    assertEquals(17, back.sequence());
    assertEquals("top", back.camera());
  }

  @Test
  void malformedPicturesAreRefusedWithTheirReason() throws Exception {
    byte[] good = CameraImages.encode(frame(16, 16));
    String h = "{\"camera\":\"c\",\"sequence\":1,\"stamp_ns\":1,\"width\":16,\"height\":16,\"encoding\":\"png\"}";
    assertTrue(refusal(png(16, 16)).contains("no JSON header line"));
    assertTrue(refusal(with("{not json", png(16, 16))).contains("header is not JSON"));
    assertTrue(refusal(with("[1, 2]", png(16, 16))).contains("must be a JSON object"));
    assertTrue(refusal(with(h.replace("\"png\"", "\"bmp\""), png(16, 16))).contains("encoding must be png or jpeg"));
    assertTrue(refusal(with(h.replace("\"width\":16", "\"width\":40000"), png(16, 16)))
        .contains("'width' must be an integer in [1, 4096]"));
    assertTrue(refusal(with(h.replace("\"camera\":\"c\",", ""), png(16, 16))).contains("'camera'"));
    assertTrue(refusal(with(h.replace("16,\"height\":16", "640,\"height\":480"), png(16, 16)))
        .contains("the png is 16x16, the header says 640x480"), "a small file cannot claim a big picture");
    byte[] truncated = Arrays.copyOf(good, good.length / 2);
    assertTrue(refusal(truncated).contains("does not decode"), refusal(truncated));
    assertTrue(refusal(with(h, "not an image at all".getBytes(StandardCharsets.UTF_8))).contains("does not decode"));
    assertTrue(refusal(new byte[CameraImages.MAX_PAYLOAD_BYTES + 1]).contains("exceeds"));
    assertEquals(16, CameraImages.decode(with(h, png(16, 16)), 0).width(), "the same header on a matching PNG is taken");
  }

  private static int indexOf(byte[] b, byte v) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }
}
