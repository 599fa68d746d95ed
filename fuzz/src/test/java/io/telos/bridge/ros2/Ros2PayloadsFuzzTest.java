package io.telos.bridge.ros2;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import us.ihmc.pubsub.TopicDataType;
import us.ihmc.pubsub.common.SerializedPayload;

/**
 * The ROS 2 bridge's hand-written CDR types, as a DDS peer's payloads arrive ({@code
 * sensor_msgs/Image}, {@code CompressedImage}, {@code CameraInfo}), and the compressed picture
 * decoder behind {@code image_transport}'s PNG: a payload is refused as an {@link IOException}
 * (a {@link CompressedPictures.Refused} for a picture) or read whole; any other exception, a hang
 * or an allocation the payload did not pay for is a finding. In the bridge's package: the types
 * are its own, not API.
 */
class Ros2PayloadsFuzzTest {
  private static final CameraInfoPubSubType CAMERA_INFO = new CameraInfoPubSubType();
  private static final CompressedImagePubSubType COMPRESSED = new CompressedImagePubSubType();
  private static final ImagePubSubType IMAGE = new ImagePubSubType();
  /** One payload buffer per type, as large as the type allows, reused (as a DDS reader's is). */
  private static final Map<TopicDataType<?>, SerializedPayload> PAYLOADS = new HashMap<>();

  private static <T> void read(TopicDataType<T> type, byte[] bytes) {
    SerializedPayload payload = PAYLOADS.computeIfAbsent(type, t -> new SerializedPayload(t.getTypeSize()));
    if (bytes.length > payload.getMax_size()) {
      return; // a DDS reader never hands over more than the type's largest payload
    }
    ByteBuffer b = payload.getData();
    b.clear();
    b.put(0, bytes);
    payload.setLength(bytes.length);
    payload.setPos(0);
    b.limit(bytes.length);
    try {
      type.deserialize(payload, type.createData());
    } catch (IOException expected) {
      if (expected.getMessage() == null) {
        throw new AssertionError("a refusal without a reason", expected);
      }
    }
  }

  @FuzzTest(maxDuration = "2m")
  void cameraInfo(byte[] payload) {
    read(CAMERA_INFO, payload);
  }

  @FuzzTest(maxDuration = "2m")
  void compressedImage(byte[] payload) {
    read(COMPRESSED, payload);
  }

  @FuzzTest(maxDuration = "2m")
  void image(byte[] payload) {
    read(IMAGE, payload);
  }

  @FuzzTest(maxDuration = "2m")
  void png(byte[] file) {
    try {
      CompressedPictures.Picture p = CompressedPictures.decode("png", file, (w, h) -> null);
      if (p.rgb().length != 3 * p.width() * p.height()) {
        throw new AssertionError("a picture whose pixels do not match its size");
      }
    } catch (CompressedPictures.Refused expected) {
      if (expected.getMessage() == null) {
        throw new AssertionError("a refusal without a reason", expected);
      }
    }
  }
}
