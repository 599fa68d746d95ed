package io.telos.bridge.ros2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import us.ihmc.pubsub.TopicDataType;
import us.ihmc.pubsub.common.SerializedPayload;

/**
 * The hand-written CDR types against IHMC's generated ones for the same ROS 2 messages (rosidl's
 * layout, which Fast DDS and Cyclone DDS peers use): byte for byte the same payload both ways, and
 * what the hand-written ones refuse (more distortion coefficients than their bound, a payload cut
 * short, a string longer than its bound) is refused as an {@link IOException}.
 */
class CdrLayoutTest {
  private static <T> byte[] bytes(TopicDataType<T> type, T data) throws IOException {
    SerializedPayload payload = new SerializedPayload(type.getTypeSize());
    type.serialize(data, payload);
    ByteBuffer b = payload.getData();
    byte[] out = new byte[payload.getLength()];
    b.get(0, out);
    return out;
  }

  private static <T> T read(TopicDataType<T> type, byte[] bytes) throws IOException {
    SerializedPayload payload = new SerializedPayload(Math.max(type.getTypeSize(), bytes.length));
    payload.getData().put(0, bytes);
    payload.setLength(bytes.length);
    payload.getData().limit(bytes.length);
    T data = type.createData();
    type.deserialize(payload, data);
    return data;
  }

  private static sensor_msgs.msg.dds.CameraInfo ihmcCameraInfo(int distortion) {
    sensor_msgs.msg.dds.CameraInfo c = new sensor_msgs.msg.dds.CameraInfo();
    c.getHeader().getStamp().setSec(17);
    c.getHeader().getStamp().setNanosec(4_000_000_001L);
    c.getHeader().setFrameId("top_camera_optical"); // 18 + NUL: the next uint32 needs padding
    c.setHeight(480);
    c.setWidth(640);
    c.setDistortionModel("rational_polynomial");
    for (int i = 0; i < distortion; i++) {
      c.getD().add(0.01 * (i + 1));
    }
    for (int i = 0; i < 9; i++) {
      c.getK()[i] = 100 + i;
      c.getR()[i] = -1 - i * 0.5;
    }
    for (int i = 0; i < 12; i++) {
      c.getP()[i] = 1000.25 + i;
    }
    c.setBinningX(2);
    c.setBinningY(3);
    c.getRoi().setXOffset(10);
    c.getRoi().setYOffset(20);
    c.getRoi().setHeight(30);
    c.getRoi().setWidth(40);
    c.getRoi().setDoRectify(true);
    return c;
  }

  private static CameraInfoPubSubType.Buffer mine(sensor_msgs.msg.dds.CameraInfo c) {
    CameraInfoPubSubType.Buffer b = new CameraInfoPubSubType.Buffer();
    b.stampSec = c.getHeader().getStamp().getSec();
    b.stampNanosec = c.getHeader().getStamp().getNanosec();
    b.frameId.append(c.getHeader().getFrameId());
    b.height = c.getHeight();
    b.width = c.getWidth();
    b.distortionModel.append(c.getDistortionModel());
    b.dLength = c.getD().size();
    for (int i = 0; i < b.dLength; i++) {
      b.d[i] = c.getD().get(i);
    }
    System.arraycopy(c.getK(), 0, b.k, 0, 9);
    System.arraycopy(c.getR(), 0, b.r, 0, 9);
    System.arraycopy(c.getP(), 0, b.p, 0, 12);
    b.binningX = c.getBinningX();
    b.binningY = c.getBinningY();
    b.roiXOffset = c.getRoi().getXOffset();
    b.roiYOffset = c.getRoi().getYOffset();
    b.roiHeight = c.getRoi().getHeight();
    b.roiWidth = c.getRoi().getWidth();
    b.roiDoRectify = c.getRoi().getDoRectify();
    return b;
  }

  @Test
  void cameraInfoIsLaidOutAsRosidlSaysWithAndWithoutDistortion() throws IOException {
    for (int n : new int[] {0, 5, 8, 64}) {
      sensor_msgs.msg.dds.CameraInfo c = ihmcCameraInfo(n);
      byte[] theirs = bytes(new sensor_msgs.msg.dds.CameraInfoPubSubType(), c);
      byte[] ours = bytes(new CameraInfoPubSubType(), mine(c));
      assertArrayEquals(theirs, ours, n + " coefficients: the same bytes as IHMC's generated type");

      CameraInfoPubSubType.Buffer back = read(new CameraInfoPubSubType(), theirs);
      assertEquals(17, back.stampSec);
      assertEquals(4_000_000_001L, back.stampNanosec);
      assertEquals("top_camera_optical", back.frameId.toString());
      assertEquals(480, back.height);
      assertEquals(640, back.width);
      assertEquals("rational_polynomial", back.distortionModel.toString());
      assertEquals(n, back.dLength);
      assertArrayEquals(c.getD().toArray(), Arrays.copyOf(back.d, back.dLength));
      assertArrayEquals(c.getK(), back.k);
      assertArrayEquals(c.getR(), back.r);
      assertArrayEquals(c.getP(), back.p);
      assertEquals(2, back.binningX);
      assertEquals(3, back.binningY);
      assertEquals(10, back.roiXOffset);
      assertEquals(20, back.roiYOffset);
      assertEquals(30, back.roiHeight);
      assertEquals(40, back.roiWidth);
      assertTrue(back.roiDoRectify);
    }
  }

  @Test
  void moreDistortionCoefficientsThanTheBoundAreRefused() throws IOException {
    byte[] theirs = bytes(new sensor_msgs.msg.dds.CameraInfoPubSubType(), ihmcCameraInfo(65));
    IOException e = assertThrows(IOException.class, () -> read(new CameraInfoPubSubType(), theirs));
    assertTrue(e.getMessage().contains("d of 65 elements, at most 64"), e.getMessage());
    CameraInfoPubSubType.Buffer tooMany = mine(ihmcCameraInfo(64));
    tooMany.d = new double[65];
    tooMany.dLength = 65;
    e = assertThrows(IOException.class, () -> bytes(new CameraInfoPubSubType(), tooMany));
    assertTrue(e.getMessage().contains("d of 65 coefficients, at most 64"), e.getMessage());
  }

  @Test
  void compressedImageIsLaidOutAsRosidlSays() throws IOException {
    sensor_msgs.msg.dds.CompressedImage c = new sensor_msgs.msg.dds.CompressedImage();
    c.getHeader().getStamp().setSec(-3);
    c.getHeader().getStamp().setNanosec(999);
    c.getHeader().setFrameId("cam");
    c.setFormat("rgb8; jpeg compressed bgr8");
    byte[] data = new byte[37];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 13);
      c.getData().add(data[i]);
    }
    CompressedImagePubSubType.Buffer b = new CompressedImagePubSubType.Buffer();
    b.stampSec = -3;
    b.stampNanosec = 999;
    b.frameId.append("cam");
    b.format.append("rgb8; jpeg compressed bgr8");
    b.data = data;
    b.length = data.length;
    byte[] theirs = bytes(new sensor_msgs.msg.dds.CompressedImagePubSubType(), c);
    assertArrayEquals(theirs, bytes(new CompressedImagePubSubType(), b));
    CompressedImagePubSubType.Buffer back = read(new CompressedImagePubSubType(), theirs);
    assertEquals(-3, back.stampSec);
    assertEquals(999, back.stampNanosec);
    assertEquals("cam", back.frameId.toString());
    assertEquals("rgb8; jpeg compressed bgr8", back.format.toString());
    assertArrayEquals(data, Arrays.copyOf(back.data, back.length));

    // cut short inside the data, and a format longer than any the type takes
    IOException e = assertThrows(IOException.class,
        () -> read(new CompressedImagePubSubType(), Arrays.copyOf(theirs, theirs.length - 5)));
    assertTrue(e.getMessage().startsWith("sensor_msgs/CompressedImage refused"), e.getMessage());
    c.setFormat("x".repeat(250));
    c.getHeader().setFrameId("y".repeat(250)); // IHMC bounds each to 255, the bridge too
    read(new CompressedImagePubSubType(), bytes(new sensor_msgs.msg.dds.CompressedImagePubSubType(), c));
    b.format.setLength(0);
    b.format.append("x".repeat(300));
    e = assertThrows(IOException.class, () -> bytes(new CompressedImagePubSubType(), b));
    assertTrue(e.getMessage().contains("longer than 255 bytes"), e.getMessage());
  }

  @Test
  void aPayloadShorterThanItsEncapsulationHeaderIsRefusedNotThrown() {
    // found by fuzzing (Ros2PayloadsFuzzTest): the header read escaped as BufferUnderflowException
    for (byte[] tiny : new byte[][] {{}, {0}, {0, 1, 0}}) {
      IOException e = assertThrows(IOException.class, () -> read(new CameraInfoPubSubType(), tiny));
      assertTrue(e.getMessage().startsWith("sensor_msgs/CameraInfo refused"), e.getMessage());
      assertThrows(IOException.class, () -> read(new CompressedImagePubSubType(), tiny));
      assertThrows(IOException.class, () -> read(new ImagePubSubType(), tiny));
    }
  }

  @Test
  void theTypesTravelAsCdrOnly() {
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> new CameraInfoPubSubType().serialize(new CameraInfoPubSubType.Buffer(),
            (us.ihmc.idl.InterchangeSerializer) null));
    assertEquals("sensor_msgs/CameraInfo travels as CDR only", e.getMessage());
    assertEquals("sensor_msgs::msg::dds_::CameraInfo_", new CameraInfoPubSubType().getName());
    assertEquals("sensor_msgs::msg::dds_::CompressedImage_", new CompressedImagePubSubType().newInstance().getName());
    assertEquals("sensor_msgs::msg::dds_::Image_", new ImagePubSubType().getName());
    assertEquals("std_msgs::msg::dds_::String_", new UnboundedStringPubSubType().getName());
  }
}
