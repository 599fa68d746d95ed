package io.telos.bridge.ros2;

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
  static final class Buffer extends StampedBytes {
    final StringBuilder format = new StringBuilder();
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
    d.writeHeader(cdr);
    cdr.write_type_d(d.format);
    d.writeData(cdr);
  }

  @Override
  public void deserialize(Buffer d, CDR cdr) {
    d.readHeader(cdr);
    readText(cdr, d.format, MAX_TEXT, "format");
    d.readData(cdr, MAX_DATA_BYTES, "compressed image data");
  }

  @Override
  public void copy(Buffer src, Buffer dest) {
    dest.copyHeader(src);
    copyText(src.format, dest.format);
    dest.copyData(src);
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
