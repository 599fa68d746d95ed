package io.telos.bridge.ros2;

import java.io.IOException;
import java.util.Arrays;
import java.util.function.Supplier;
import us.ihmc.idl.CDR;
import us.ihmc.idl.InterchangeSerializer;
import us.ihmc.pubsub.TopicDataType;
import us.ihmc.pubsub.common.SerializedPayload;

/**
 * The scaffolding of a hand-written {@link TopicDataType} for IHMC's ROS 2 library, for messages
 * whose generated type bounds a sequence or a string too tightly (a picture, a robot description).
 * Such a type travels as CDR only: a subclass writes the fields in {@link #serialize(Object, CDR)}
 * and reads them in {@link #deserialize(Object, CDR)}, with the bounded readers here, and says in
 * {@link #oversize} what it refuses to send.
 *
 * <p>Whatever goes wrong while reading a sample (a bound exceeded, a truncated payload) becomes an
 * {@link IOException}: IHMC's subscriber then drops that sample instead of passing a runtime
 * exception up into Fast DDS's listener thread.
 *
 * @param <T> the reusable data object
 */
abstract class CdrOnlyPubSubType<T> implements TopicDataType<T> {
  /** Bound of the short strings of a message ({@code frame_id}, an encoding), in bytes. */
  static final int MAX_TEXT = 255;

  private final String ddsName;
  private final String rosName;
  private final Supplier<T> factory;
  private final CDR serializer = new CDR();
  private final CDR deserializer = new CDR();

  /**
   * @param ddsName the type as rosidl names it on DDS, e.g. {@code sensor_msgs::msg::dds_::Image_}
   * @param rosName the ROS 2 interface, for messages, e.g. {@code sensor_msgs/Image}
   * @param factory a fresh data object
   */
  CdrOnlyPubSubType(String ddsName, String rosName, Supplier<T> factory) {
    this.ddsName = ddsName;
    this.rosName = rosName;
    this.factory = factory;
  }

  /** Why {@code data} is too large to send, or null when it fits. */
  abstract String oversize(T data);

  @Override
  public abstract TopicDataType<T> newInstance();

  @Override
  public final void serialize(T data, SerializedPayload payload) throws IOException {
    String why = oversize(data);
    if (why != null) {
      throw new IOException(rosName + ": " + why);
    }
    serializer.serialize(payload);
    serialize(data, serializer);
    serializer.finishSerialize();
  }

  @Override
  public final void deserialize(SerializedPayload payload, T data) throws IOException {
    try {
      deserializer.deserialize(payload); // reads the encapsulation header: a payload may be shorter
      deserialize(data, deserializer);
      deserializer.finishDeserialize();
    } catch (RuntimeException e) { // a bound exceeded, or a payload shorter than its fields
      throw new IOException(rosName + " refused: " + e, e);
    }
  }

  @Override
  public void serialize(T data, InterchangeSerializer s) {
    throw new UnsupportedOperationException(rosName + " travels as CDR only");
  }

  @Override
  public void deserialize(InterchangeSerializer s, T data) {
    throw new UnsupportedOperationException(rosName + " travels as CDR only");
  }

  @Override
  public final String getName() {
    return ddsName;
  }

  @Override
  public final T createData() {
    return factory.get();
  }

  /**
   * The {@code std_msgs/Header} every stamped message starts with ({@code int32 sec},
   * {@code uint32 nanosec}, {@code string frame_id}), and what its messages' data objects share.
   */
  static class Stamped {
    int stampSec;
    long stampNanosec;
    final StringBuilder frameId = new StringBuilder();

    final void writeHeader(CDR cdr) {
      cdr.write_type_2(stampSec);
      cdr.write_type_4(stampNanosec);
      cdr.write_type_d(frameId);
    }

    final void readHeader(CDR cdr) {
      stampSec = cdr.read_type_2();
      stampNanosec = cdr.read_type_4();
      readText(cdr, frameId, MAX_TEXT, "frame_id");
    }

    final void copyHeader(Stamped src) {
      stampSec = src.stampSec;
      stampNanosec = src.stampNanosec;
      copyText(src.frameId, frameId);
    }
  }

  /** {@code dest} becomes a copy of {@code src}. */
  static void copyText(CharSequence src, StringBuilder dest) {
    dest.setLength(0);
    dest.append(src);
  }

  /** A stamped message that carries a {@code sequence<uint8>} last (a picture): its first {@code length} bytes of {@code data}. */
  static class StampedBytes extends Stamped {
    byte[] data = new byte[0];
    int length;

    final void writeData(CDR cdr) {
      cdr.write_type_2(length);
      for (int i = 0; i < length; i++) {
        cdr.write_type_9(data[i]);
      }
    }

    /** Reads the sequence, refusing more than {@code max} bytes before anything is allocated for it. */
    final void readData(CDR cdr, int max, String field) {
      int n = readLength(cdr, max, field);
      if (data.length < n) {
        data = new byte[n];
      }
      for (int i = 0; i < n; i++) {
        data[i] = cdr.read_type_9();
      }
      length = n;
    }

    final void copyData(StampedBytes src) {
      data = Arrays.copyOf(src.data, src.length);
      length = src.length;
    }
  }

  /**
   * Reads a CDR string (uint32 length with the terminating NUL, then the bytes, one char each) into
   * {@code into}, refusing one longer than {@code max} bytes before anything is allocated for it.
   */
  static void readText(CDR cdr, StringBuilder into, int max, String field) {
    long n = cdr.read_type_2() & 0xffffffffL;
    if (n == 0 || n - 1 > max) {
      throw new IllegalArgumentException(field + " of " + (n - 1) + " bytes, at most " + max);
    }
    int len = (int) (n - 1);
    into.setLength(len);
    for (int i = 0; i < len; i++) {
      into.setCharAt(i, (char) (cdr.read_type_9() & 0xff));
    }
    cdr.read_type_9(); // the NUL
  }

  /** Reads a sequence's uint32 length, refusing more than {@code max} elements. */
  static int readLength(CDR cdr, int max, String field) {
    long n = cdr.read_type_2() & 0xffffffffL;
    if (n > max) {
      throw new IllegalArgumentException(field + " of " + n + " elements, at most " + max);
    }
    return (int) n;
  }
}
