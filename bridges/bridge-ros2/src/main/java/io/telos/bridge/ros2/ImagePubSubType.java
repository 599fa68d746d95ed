package io.telos.bridge.ros2;

import us.ihmc.idl.CDR;
import us.ihmc.pubsub.TopicDataType;

/**
 * {@code sensor_msgs/msg/Image} with room for a picture: IHMC's generated type bounds {@code data}
 * to a few elements and sizes its buffers for that. CDR layout as ROS 2 defines it: header (stamp
 * {@code int32 sec}, {@code uint32 nanosec}, {@code string frame_id}), {@code uint32 height},
 * {@code uint32 width}, {@code string encoding}, {@code uint8 is_bigendian}, {@code uint32 step},
 * {@code sequence<uint8> data}. At most {@link #MAX_DATA_BYTES} of pixels.
 */
final class ImagePubSubType extends CdrOnlyPubSubType<ImagePubSubType.Buffer> {
  /** The largest pixel buffer carried: 1920 × 1080 RGB8, rounded up to 6 MiB. */
  static final int MAX_DATA_BYTES = 6 << 20;

  /** The message's fields, reused between messages. */
  static final class Buffer extends StampedBytes {
    long height;
    long width;
    final StringBuilder encoding = new StringBuilder();
    byte isBigendian;
    long step;
  }

  ImagePubSubType() {
    super("sensor_msgs::msg::dds_::Image_", "sensor_msgs/Image", Buffer::new);
  }

  @Override
  String oversize(Buffer data) {
    if (data.length > MAX_DATA_BYTES) {
      return "image of " + data.length + " bytes, at most " + MAX_DATA_BYTES;
    }
    return data.frameId.length() > MAX_TEXT || data.encoding.length() > MAX_TEXT
        ? "frame_id or encoding longer than " + MAX_TEXT + " bytes" : null;
  }

  @Override
  public void serialize(Buffer d, CDR cdr) {
    d.writeHeader(cdr);
    cdr.write_type_4(d.height);
    cdr.write_type_4(d.width);
    cdr.write_type_d(d.encoding);
    cdr.write_type_9(d.isBigendian);
    cdr.write_type_4(d.step);
    d.writeData(cdr);
  }

  @Override
  public void deserialize(Buffer d, CDR cdr) {
    d.readHeader(cdr);
    d.height = cdr.read_type_4();
    d.width = cdr.read_type_4();
    readText(cdr, d.encoding, MAX_TEXT, "encoding");
    d.isBigendian = cdr.read_type_9();
    d.step = cdr.read_type_4();
    d.readData(cdr, MAX_DATA_BYTES, "image data");
  }

  @Override
  public void copy(Buffer src, Buffer dest) {
    dest.copyHeader(src);
    dest.height = src.height;
    dest.width = src.width;
    copyText(src.encoding, dest.encoding);
    dest.isBigendian = src.isBigendian;
    dest.step = src.step;
    dest.copyData(src);
  }

  @Override
  public int getTypeSize() {
    return CDR.getTypeSize(4 + 4 + 4 + MAX_TEXT + 1 + 4 + 4 + 4 + MAX_TEXT + 1 + 1 + 4 + 4 + MAX_DATA_BYTES);
  }

  @Override
  public TopicDataType<Buffer> newInstance() {
    return new ImagePubSubType();
  }
}
