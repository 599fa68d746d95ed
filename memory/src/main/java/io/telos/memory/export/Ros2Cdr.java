package io.telos.memory.export;

import io.telos.api.Vec;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * ROS 2 messages in CDR (XCDR1, little-endian: the encapsulation header {@code 00 01 00 00}, then
 * fields aligned to their size counted from the end of that header), and their {@code ros2msg}
 * schema texts, for the few types the export writes.
 */
final class Ros2Cdr {
  private Ros2Cdr() {}

  private static final String SEP = "=".repeat(80) + "\n";

  static final String TIME = "int32 sec\nuint32 nanosec\n";
  static final String HEADER = "builtin_interfaces/Time stamp\nstring frame_id\n";
  static final String HEADER_DEPS = SEP + "MSG: std_msgs/Header\n" + HEADER + SEP + "MSG: builtin_interfaces/Time\n" + TIME;

  /** sensor_msgs/msg/JointState. */
  static final String JOINT_STATE = "std_msgs/Header header\nstring[] name\nfloat64[] position\nfloat64[] velocity\n"
      + "float64[] effort\n" + HEADER_DEPS;

  /** geometry_msgs/msg/PointStamped. */
  static final String POINT_STAMPED = "std_msgs/Header header\ngeometry_msgs/Point point\n" + SEP
      + "MSG: geometry_msgs/Point\nfloat64 x\nfloat64 y\nfloat64 z\n" + HEADER_DEPS;

  /** std_msgs/msg/String. */
  static final String STRING = "string data\n";

  private static final int ORIGIN = 4;

  static void begin(McapWriter.Buf b) {
    b.reset().u8(0).u8(1).u8(0).u8(0);
  }

  static void header(McapWriter.Buf b, long stampNs, String frame) {
    long sec = Math.floorDiv(stampNs, 1_000_000_000L);
    long nsec = Math.floorMod(stampNs, 1_000_000_000L);
    b.align(ORIGIN, 4).u32((int) sec).u32((int) nsec);
    string(b, frame);
  }

  static void string(McapWriter.Buf b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    b.align(ORIGIN, 4).u32(bytes.length + 1).bytes(bytes).u8(0);
  }

  static void strings(McapWriter.Buf b, List<String> ss) {
    b.align(ORIGIN, 4).u32(ss.size());
    for (String s : ss) {
      string(b, s);
    }
  }

  static void doubles(McapWriter.Buf b, Vec v, int from, int count) {
    b.align(ORIGIN, 4).u32(count);
    if (count > 0) {
      b.align(ORIGIN, 8);
    }
    for (int i = 0; i < count; i++) {
      b.f64(v.get(from + i));
    }
  }

  static void float64(McapWriter.Buf b, double v) {
    b.align(ORIGIN, 8).f64(v);
  }
}
