package io.telos.bridge.ros2;

import us.ihmc.idl.CDR;
import us.ihmc.pubsub.TopicDataType;

/**
 * {@code std_msgs/msg/String} without IHMC's 255-character bound (its generated type refuses longer
 * data and sizes its buffers for it): for a robot description, which is tens of kilobytes. The
 * {@link StringBuilder} holds one char per CDR byte (UTF-8 encoded by the caller); at most
 * {@link #MAX_BYTES}.
 */
final class UnboundedStringPubSubType extends CdrOnlyPubSubType<StringBuilder> {
  /** The largest string carried, in bytes. */
  static final int MAX_BYTES = 4 << 20;

  UnboundedStringPubSubType() {
    super("std_msgs::msg::dds_::String_", "std_msgs/String", StringBuilder::new);
  }

  @Override
  String oversize(StringBuilder data) {
    return data.length() > MAX_BYTES ? "string of " + data.length() + " bytes, at most " + MAX_BYTES : null;
  }

  @Override
  public void serialize(StringBuilder data, CDR cdr) {
    cdr.write_type_d(data);
  }

  @Override
  public void deserialize(StringBuilder data, CDR cdr) {
    readText(cdr, data, MAX_BYTES, "string");
  }

  @Override
  public void copy(StringBuilder src, StringBuilder dest) {
    dest.setLength(0);
    dest.append(src);
  }

  @Override
  public int getTypeSize() {
    return CDR.getTypeSize(4 + MAX_BYTES + 1);
  }

  @Override
  public TopicDataType<StringBuilder> newInstance() {
    return new UnboundedStringPubSubType();
  }
}
