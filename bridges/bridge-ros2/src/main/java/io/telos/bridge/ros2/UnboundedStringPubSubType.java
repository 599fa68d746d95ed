package io.telos.bridge.ros2;

import java.io.IOException;
import us.ihmc.idl.CDR;
import us.ihmc.idl.InterchangeSerializer;
import us.ihmc.pubsub.TopicDataType;
import us.ihmc.pubsub.common.SerializedPayload;

/**
 * {@code std_msgs/msg/String} without IHMC's 255-character bound (its generated type refuses longer
 * data and sizes its buffers for it): for a robot description, which is tens of kilobytes. The
 * {@link StringBuilder} holds one char per CDR byte (UTF-8 encoded by the caller); at most
 * {@link #MAX_BYTES}.
 */
final class UnboundedStringPubSubType implements TopicDataType<StringBuilder> {
  /** The largest string carried, in bytes. */
  static final int MAX_BYTES = 4 << 20;

  private final CDR serializer = new CDR();
  private final CDR deserializer = new CDR();

  @Override
  public void serialize(StringBuilder data, SerializedPayload payload) throws IOException {
    if (data.length() > MAX_BYTES) {
      throw new IOException("string of " + data.length() + " bytes, at most " + MAX_BYTES);
    }
    serializer.serialize(payload);
    serializer.write_type_d(data);
    serializer.finishSerialize();
  }

  @Override
  public void deserialize(SerializedPayload payload, StringBuilder data) throws IOException {
    deserializer.deserialize(payload);
    deserializer.read_type_d(data);
    deserializer.finishDeserialize();
  }

  @Override
  public void serialize(StringBuilder data, InterchangeSerializer serializer) {
    serializer.write_type_d("data", data);
  }

  @Override
  public void deserialize(InterchangeSerializer serializer, StringBuilder data) {
    serializer.read_type_d("data", data);
  }

  @Override
  public void serialize(StringBuilder data, CDR cdr) {
    cdr.write_type_d(data);
  }

  @Override
  public void deserialize(StringBuilder data, CDR cdr) {
    cdr.read_type_d(data);
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
  public String getName() {
    return "std_msgs::msg::dds_::String_";
  }

  @Override
  public StringBuilder createData() {
    return new StringBuilder();
  }

  @Override
  public TopicDataType<StringBuilder> newInstance() {
    return new UnboundedStringPubSubType();
  }
}
