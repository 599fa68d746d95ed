package io.telos.bridge.ros2;

import java.io.IOException;
import us.ihmc.idl.CDR;
import us.ihmc.idl.InterchangeSerializer;
import us.ihmc.pubsub.TopicDataType;
import us.ihmc.pubsub.common.SerializedPayload;

/**
 * {@code sensor_msgs/msg/Image} with room for a picture: IHMC's generated type bounds {@code data}
 * to a few elements and sizes its buffers for that. CDR layout as ROS 2 defines it: header (stamp
 * {@code int32 sec}, {@code uint32 nanosec}, {@code string frame_id}), {@code uint32 height},
 * {@code uint32 width}, {@code string encoding}, {@code uint8 is_bigendian}, {@code uint32 step},
 * {@code sequence<uint8> data}. At most {@link #MAX_DATA_BYTES} of pixels.
 */
final class ImagePubSubType implements TopicDataType<ImagePubSubType.Buffer> {
  /** The largest pixel buffer carried: 1920 × 1080 RGB8, rounded up to 6 MiB. */
  static final int MAX_DATA_BYTES = 6 << 20;
  private static final int MAX_TEXT = 255;

  /** The message's fields, reused between messages. */
  static final class Buffer {
    int stampSec;
    long stampNanosec;
    final StringBuilder frameId = new StringBuilder();
    long height;
    long width;
    final StringBuilder encoding = new StringBuilder();
    byte isBigendian;
    long step;
    byte[] data = new byte[0];
    int length;
  }

  private final CDR serializer = new CDR();
  private final CDR deserializer = new CDR();

  @Override
  public void serialize(Buffer data, SerializedPayload payload) throws IOException {
    if (data.length > MAX_DATA_BYTES) {
      throw new IOException("image of " + data.length + " bytes, at most " + MAX_DATA_BYTES);
    }
    serializer.serialize(payload);
    serialize(data, serializer);
    serializer.finishSerialize();
  }

  @Override
  public void deserialize(SerializedPayload payload, Buffer data) throws IOException {
    deserializer.deserialize(payload);
    deserialize(data, deserializer);
    deserializer.finishDeserialize();
  }

  @Override
  public void serialize(Buffer d, CDR cdr) {
    cdr.write_type_2(d.stampSec);
    cdr.write_type_4(d.stampNanosec);
    cdr.write_type_d(d.frameId);
    cdr.write_type_4(d.height);
    cdr.write_type_4(d.width);
    cdr.write_type_d(d.encoding);
    cdr.write_type_9(d.isBigendian);
    cdr.write_type_4(d.step);
    cdr.write_type_2(d.length);
    for (int i = 0; i < d.length; i++) {
      cdr.write_type_9(d.data[i]);
    }
  }

  @Override
  public void deserialize(Buffer d, CDR cdr) {
    d.stampSec = cdr.read_type_2();
    d.stampNanosec = cdr.read_type_4();
    d.frameId.setLength(0);
    cdr.read_type_d(d.frameId);
    d.height = cdr.read_type_4();
    d.width = cdr.read_type_4();
    d.encoding.setLength(0);
    cdr.read_type_d(d.encoding);
    d.isBigendian = cdr.read_type_9();
    d.step = cdr.read_type_4();
    int n = cdr.read_type_2();
    if (n < 0 || n > MAX_DATA_BYTES) {
      throw new IllegalArgumentException("image data of " + (n & 0xffffffffL) + " bytes, at most " + MAX_DATA_BYTES);
    }
    if (d.data.length < n) {
      d.data = new byte[n];
    }
    for (int i = 0; i < n; i++) {
      d.data[i] = cdr.read_type_9();
    }
    d.length = n;
  }

  @Override
  public void serialize(Buffer data, InterchangeSerializer s) {
    throw new UnsupportedOperationException("sensor_msgs/Image travels as CDR only");
  }

  @Override
  public void deserialize(InterchangeSerializer s, Buffer data) {
    throw new UnsupportedOperationException("sensor_msgs/Image travels as CDR only");
  }

  @Override
  public void copy(Buffer src, Buffer dest) {
    dest.stampSec = src.stampSec;
    dest.stampNanosec = src.stampNanosec;
    dest.frameId.setLength(0);
    dest.frameId.append(src.frameId);
    dest.height = src.height;
    dest.width = src.width;
    dest.encoding.setLength(0);
    dest.encoding.append(src.encoding);
    dest.isBigendian = src.isBigendian;
    dest.step = src.step;
    dest.data = java.util.Arrays.copyOf(src.data, src.length);
    dest.length = src.length;
  }

  @Override
  public int getTypeSize() {
    return CDR.getTypeSize(4 + 4 + 4 + MAX_TEXT + 1 + 4 + 4 + 4 + MAX_TEXT + 1 + 1 + 4 + 4 + MAX_DATA_BYTES);
  }

  @Override
  public String getName() {
    return "sensor_msgs::msg::dds_::Image_";
  }

  @Override
  public Buffer createData() {
    return new Buffer();
  }

  @Override
  public TopicDataType<Buffer> newInstance() {
    return new ImagePubSubType();
  }
}
