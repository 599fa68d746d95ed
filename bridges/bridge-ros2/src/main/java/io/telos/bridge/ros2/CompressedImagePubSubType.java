package io.telos.bridge.ros2;

import java.util.Arrays;
import us.ihmc.idl.CDR;
import us.ihmc.pubsub.TopicDataType;

/**
 * {@code sensor_msgs/msg/CompressedImage} with room for a picture (IHMC's generated type bounds
 * {@code data} as it does for {@link ImagePubSubType}). CDR layout as ROS 2 defines it: header
 * (stamp {@code int32 sec}, {@code uint32 nanosec}, {@code string frame_id}), {@code string format},
 * {@code sequence<uint8> data}. At most {@link #MAX_DATA_BYTES} of compressed data.
 */
final class CompressedImagePubSubType extends CdrOnlyPubSubType<CompressedImagePubSubType.Buffer> {
  /** The largest compressed picture carried, as for a raw one: 6 MiB. */
  static final int MAX_DATA_BYTES = 6 << 20;

  /** The message's fields, reused between messages. */
  static final class Buffer {
    int stampSec;
    long stampNanosec;
    final StringBuilder frameId = new StringBuilder();
    final StringBuilder format = new StringBuilder();
    byte[] data = new byte[0];
    int length;
  }

  CompressedImagePubSubType() {
    super("sensor_msgs::msg::dds_::CompressedImage_", "sensor_msgs/CompressedImage", Buffer::new);
  }

  @Override
  String oversize(Buffer data) {
    if (data.length > MAX_DATA_BYTES) {
      return "compressed image of " + data.length + " bytes, at most " + MAX_DATA_BYTES;
    }
    return data.frameId.length() > MAX_TEXT || data.format.length() > MAX_TEXT
        ? "frame_id or format longer than " + MAX_TEXT + " bytes" : null;
  }

  @Override
  public void serialize(Buffer d, CDR cdr) {
    cdr.write_type_2(d.stampSec);
    cdr.write_type_4(d.stampNanosec);
    cdr.write_type_d(d.frameId);
    cdr.write_type_d(d.format);
    cdr.write_type_2(d.length);
    for (int i = 0; i < d.length; i++) {
      cdr.write_type_9(d.data[i]);
    }
  }

  @Override
  public void deserialize(Buffer d, CDR cdr) {
    d.stampSec = cdr.read_type_2();
    d.stampNanosec = cdr.read_type_4();
    readText(cdr, d.frameId, MAX_TEXT, "frame_id");
    readText(cdr, d.format, MAX_TEXT, "format");
    int n = readLength(cdr, MAX_DATA_BYTES, "compressed image data");
    if (d.data.length < n) {
      d.data = new byte[n];
    }
    for (int i = 0; i < n; i++) {
      d.data[i] = cdr.read_type_9();
    }
    d.length = n;
  }

  @Override
  public void copy(Buffer src, Buffer dest) {
    dest.stampSec = src.stampSec;
    dest.stampNanosec = src.stampNanosec;
    dest.frameId.setLength(0);
    dest.frameId.append(src.frameId);
    dest.format.setLength(0);
    dest.format.append(src.format);
    dest.data = Arrays.copyOf(src.data, src.length);
    dest.length = src.length;
  }

  @Override
  public int getTypeSize() {
    // stamp, frame_id, format (each string padded to 4), data length, data
    return CDR.getTypeSize(4 + 4 + 4 + MAX_TEXT + 1 + 3 + 4 + MAX_TEXT + 1 + 3 + 4 + MAX_DATA_BYTES);
  }

  @Override
  public TopicDataType<Buffer> newInstance() {
    return new CompressedImagePubSubType();
  }
}
