package io.telos.memory.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Writes the MCAP container format (https://mcap.dev/spec, version 0): magic, Header, then Schema,
 * Channel, Message and Metadata records in the data section, Data End with the data section's
 * CRC-32, an empty summary section, Footer and the closing magic. Unchunked and without indexes:
 * readers stream it from the start (indexed seeking is not offered). Every record is opcode
 * (1 byte), content length (uint64 LE), content; strings are uint32 length + UTF-8, maps are
 * uint32 byte length + key/value strings.
 */
public final class McapWriter implements AutoCloseable {
  static final byte[] MAGIC = {(byte) 0x89, 'M', 'C', 'A', 'P', '0', '\r', '\n'};
  private static final byte HEADER = 0x01;
  private static final byte FOOTER = 0x02;
  private static final byte SCHEMA = 0x03;
  private static final byte CHANNEL = 0x04;
  private static final byte MESSAGE = 0x05;
  private static final byte METADATA = 0x0C;
  private static final byte DATA_END = 0x0F;

  private final OutputStream out;
  private final CRC32 crc = new CRC32();
  private final Buf buf = new Buf();
  private boolean closed;

  /** Writes the magic and the Header record. The stream is closed with this writer. */
  public McapWriter(OutputStream out, String profile, String library) throws IOException {
    this.out = out;
    write(MAGIC);
    buf.reset().string(profile).string(library);
    record(HEADER);
  }

  /**
   * A Schema record.
   *
   * @param id 1..65535
   * @throws IllegalArgumentException when a field does not fit its MCAP type (nothing is written)
   */
  public void schema(int id, String name, String encoding, String data) throws IOException {
    u16("schema id", id, 1);
    byte[] d = data.getBytes(StandardCharsets.UTF_8);
    buf.reset().u16(id).string(name).string(encoding).u32(d.length).bytes(d);
    record(SCHEMA);
  }

  /**
   * A Channel record.
   *
   * @param id 0..65535
   * @param schemaId 0 (no schema) ..65535
   * @throws IllegalArgumentException when a field does not fit its MCAP type (nothing is written)
   */
  public void channel(int id, int schemaId, String topic, String messageEncoding, Map<String, String> metadata)
      throws IOException {
    u16("channel id", id, 0);
    u16("schema id", schemaId, 0);
    buf.reset().u16(id).u16(schemaId).string(topic).string(messageEncoding).map(metadata);
    record(CHANNEL);
  }

  /**
   * A Message record: {@code data} is the encoded message. Times are unsigned 64-bit nanoseconds.
   *
   * @param channelId 0..65535
   * @param sequence 0..4294967295
   * @throws IllegalArgumentException when a field does not fit its MCAP type (nothing is written)
   */
  public void message(int channelId, long sequence, long logTimeNs, long publishTimeNs, byte[] data, int length)
      throws IOException {
    u16("channel id", channelId, 0);
    if (sequence < 0 || sequence > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("message sequence must fit in 32 bits unsigned, was " + sequence);
    }
    if (length < 0 || length > data.length) {
      throw new IllegalArgumentException("message length " + length + " outside its " + data.length + " bytes");
    }
    buf.reset().u16(channelId).u32((int) sequence).u64(logTimeNs).u64(publishTimeNs).bytes(data, length);
    record(MESSAGE);
  }

  /** A Metadata record: named key/value pairs. */
  public void metadata(String name, Map<String, String> values) throws IOException {
    buf.reset().string(name).map(values);
    record(METADATA);
  }

  private static void u16(String what, int v, int min) {
    if (v < min || v > 0xFFFF) {
      throw new IllegalArgumentException(what + " must be in [" + min + ", 65535], was " + v);
    }
  }

  /** Data End, empty summary, Footer and the closing magic; closes the stream. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      buf.reset().u32((int) crc.getValue());
      record(DATA_END);
      // no summary section: summary_start = 0, summary_offset_start = 0, summary_crc = 0
      buf.reset().u64(0).u64(0).u32(0);
      record(FOOTER);
      write(MAGIC);
    } finally {
      out.close();
    }
  }

  private void record(byte opcode) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN);
    head.put(opcode).putLong(buf.size());
    write(head.array());
    write(buf.array(), buf.size());
  }

  private void write(byte[] b) throws IOException {
    write(b, b.length);
  }

  private void write(byte[] b, int n) throws IOException {
    out.write(b, 0, n);
    crc.update(b, 0, n);
  }

  /** A growable little-endian byte buffer. */
  static final class Buf {
    private byte[] a = new byte[1024];
    private int n;

    Buf reset() {
      n = 0;
      return this;
    }

    int size() {
      return n;
    }

    byte[] array() {
      return a;
    }

    private void room(int more) {
      if (n + more > a.length) {
        a = Arrays.copyOf(a, Math.max(a.length * 2, n + more));
      }
    }

    Buf u8(int v) {
      room(1);
      a[n++] = (byte) v;
      return this;
    }

    Buf u16(int v) {
      room(2);
      a[n++] = (byte) v;
      a[n++] = (byte) (v >>> 8);
      return this;
    }

    Buf u32(int v) {
      room(4);
      for (int i = 0; i < 4; i++) {
        a[n++] = (byte) (v >>> (8 * i));
      }
      return this;
    }

    Buf u64(long v) {
      room(8);
      for (int i = 0; i < 8; i++) {
        a[n++] = (byte) (v >>> (8 * i));
      }
      return this;
    }

    Buf f64(double v) {
      return u64(Double.doubleToRawLongBits(v));
    }

    Buf bytes(byte[] b) {
      return bytes(b, b.length);
    }

    Buf bytes(byte[] b, int len) {
      room(len);
      System.arraycopy(b, 0, a, n, len);
      n += len;
      return this;
    }

    Buf string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      return u32(b.length).bytes(b);
    }

    Buf map(Map<String, String> m) {
      int lengthAt = n;
      u32(0);
      for (Map.Entry<String, String> e : new TreeMap<>(m).entrySet()) {
        string(e.getKey());
        string(e.getValue());
      }
      int len = n - lengthAt - 4;
      for (int i = 0; i < 4; i++) {
        a[lengthAt + i] = (byte) (len >>> (8 * i));
      }
      return this;
    }

    /** Pads with zeros to a multiple of {@code k} counted from {@code origin} (CDR alignment). */
    Buf align(int origin, int k) {
      while ((n - origin) % k != 0) {
        u8(0);
      }
      return this;
    }
  }
}
