package io.telos.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.telos.memory.export.McapWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * The MCAP export's container under arbitrary content: whatever the writer accepts (ids, sequence
 * numbers, times, names, payloads, metadata) must come back unchanged from an independent reading of
 * the bytes (this file's reader of the MCAP specification), with a valid data-section CRC, footer
 * and closing magic; whatever it cannot represent it must refuse with {@link IllegalArgumentException}
 * instead of truncating.
 */
class McapRoundTripFuzzTest {
  private static final byte[] MAGIC = {(byte) 0x89, 'M', 'C', 'A', 'P', '0', '\r', '\n'};

  @FuzzTest(maxDuration = "2m")
  void writeThenRead(FuzzedDataProvider in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<String> expected = new ArrayList<>();
    String profile = in.consumeString(16);
    String library = in.consumeString(16);
    expected.add("header " + utf8(profile) + " " + utf8(library));
    try (McapWriter w = new McapWriter(bytes, profile, library)) {
      int n = in.consumeInt(0, 12);
      for (int i = 0; i < n; i++) {
        try {
          switch (in.consumeInt(0, 3)) {
            case 0 -> {
              int id = in.consumeInt();
              String name = in.consumeString(24);
              String data = in.consumeString(64);
              w.schema(id, name, "ros2msg", data);
              expected.add("schema " + id + " " + utf8(name) + " ros2msg " + utf8(data));
            }
            case 1 -> {
              int id = in.consumeInt();
              int schema = in.consumeInt();
              String topic = in.consumeString(24);
              Map<String, String> meta = map(in);
              w.channel(id, schema, topic, "cdr", meta);
              expected.add("channel " + id + " " + schema + " " + utf8(topic) + " cdr " + sorted(meta));
            }
            case 2 -> {
              int channel = in.consumeInt();
              long seq = in.consumeLong();
              long log = in.consumeLong();
              long pub = in.consumeLong();
              byte[] data = in.consumeBytes(64);
              int len = in.consumeInt(0, data.length);
              w.message(channel, seq, log, pub, data, len);
              expected.add("message " + channel + " " + seq + " " + log + " " + pub + " "
                  + Arrays.toString(Arrays.copyOf(data, len)));
            }
            default -> {
              String name = in.consumeString(24);
              Map<String, String> meta = map(in);
              w.metadata(name, meta);
              expected.add("metadata " + utf8(name) + " " + sorted(meta));
            }
          }
        } catch (IllegalArgumentException refused) {
          Finding.require(refused.getMessage() != null, "a refusal without a reason");
        }
      }
    }
    List<String> got = read(bytes.toByteArray());
    Finding.require(got.equals(expected), "round trip differs:\n wrote " + expected + "\n read  " + got);
  }

  private static Map<String, String> map(FuzzedDataProvider in) {
    Map<String, String> m = new LinkedHashMap<>();
    int k = in.consumeInt(0, 3);
    for (int i = 0; i < k; i++) {
      m.put(in.consumeString(12), in.consumeString(12));
    }
    return m;
  }

  /** What UTF-8 can carry of a Java string (unpaired surrogates become '?'). */
  private static String utf8(String s) {
    return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }

  private static String sorted(Map<String, String> m) {
    Map<String, String> t = new TreeMap<>();
    m.forEach((k, v) -> t.put(utf8(k), utf8(v)));
    return t.toString();
  }

  /** Reads the records of an unchunked MCAP file as text, checking its framing. */
  static List<String> read(byte[] file) {
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    Finding.require(file.length >= 2 * MAGIC.length, "shorter than two magics");
    Finding.require(Arrays.equals(Arrays.copyOf(file, 8), MAGIC), "bad opening magic");
    Finding.require(Arrays.equals(Arrays.copyOfRange(file, file.length - 8, file.length), MAGIC), "bad closing magic");
    b.position(8);
    List<String> out = new ArrayList<>();
    boolean dataEnd = false;
    boolean footer = false;
    while (b.position() < file.length - 8) {
      int start = b.position();
      int op = b.get() & 0xff;
      long len = b.getLong();
      Finding.require(len >= 0 && len <= b.remaining() - 8, "record " + op + " runs past the end: " + len);
      ByteBuffer c = b.slice(b.position(), (int) len).order(ByteOrder.LITTLE_ENDIAN);
      b.position(b.position() + (int) len);
      switch (op) {
        case 0x01 -> out.add("header " + str(c) + " " + str(c));
        case 0x03 -> out.add("schema " + (c.getShort() & 0xffff) + " " + str(c) + " " + str(c) + " " + bytesStr(c));
        case 0x04 -> out.add("channel " + (c.getShort() & 0xffff) + " " + (c.getShort() & 0xffff) + " " + str(c) + " "
            + str(c) + " " + map(c));
        case 0x05 -> {
          int ch = c.getShort() & 0xffff;
          long seq = c.getInt() & 0xffffffffL;
          long log = c.getLong();
          long pub = c.getLong();
          byte[] d = new byte[c.remaining()];
          c.get(d);
          out.add("message " + ch + " " + seq + " " + log + " " + pub + " " + Arrays.toString(d));
        }
        case 0x0C -> out.add("metadata " + str(c) + " " + map(c));
        case 0x0F -> {
          CRC32 crc = new CRC32();
          crc.update(file, 0, start);
          long stored = c.getInt() & 0xffffffffL;
          Finding.require(stored == crc.getValue(), "data section CRC " + stored + " != " + crc.getValue());
          dataEnd = true;
        }
        case 0x02 -> {
          Finding.require(dataEnd, "footer before data end");
          Finding.require(c.getLong() == 0 && c.getLong() == 0 && c.getInt() == 0, "a summary where none was written");
          footer = true;
        }
        default -> throw new Finding("unexpected opcode " + op);
      }
      Finding.require(c.remaining() == 0 || op == 0x05, "record " + op + " has " + c.remaining() + " bytes left");
    }
    Finding.require(dataEnd && footer, "no data end or footer");
    return out;
  }

  private static String str(ByteBuffer c) {
    int n = c.getInt();
    Finding.require(n >= 0 && n <= c.remaining(), "string length " + n);
    byte[] s = new byte[n];
    c.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }

  private static String bytesStr(ByteBuffer c) {
    return str(c);
  }

  private static String map(ByteBuffer c) {
    int n = c.getInt();
    Finding.require(n >= 0 && n <= c.remaining(), "map length " + n);
    ByteBuffer m = c.slice(c.position(), n).order(ByteOrder.LITTLE_ENDIAN);
    c.position(c.position() + n);
    Map<String, String> t = new TreeMap<>();
    while (m.hasRemaining()) {
      t.put(str(m), str(m));
    }
    return t.toString();
  }
}
