package io.telos.memory;

import io.telos.api.ObjectPose;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Tracked object poses of a step as bytes (SQLite BLOB, PostgreSQL bytea, column {@code objects}).
 * Shared by the stores.
 *
 * <p>Encoding, version {@link #VERSION}: one byte {@code 1}, then the object count as an unsigned
 * LEB128 varint, then per object, in list order: the name's length in bytes (varint) and the name
 * (UTF-8; launch-file names are {@code [a-z][a-z0-9_]*}, so ASCII), {@code x}, {@code y},
 * {@code z} (metres) and {@code yaw} (rad) as little-endian IEEE 754 doubles (32 bytes, read back
 * bit for bit), and the object's stamp minus the step's stamp as a zigzag varint (0, one byte,
 * when the object was stamped with the step). A 12-character name costs 46 bytes.
 *
 * <p>An empty list is stored as SQL NULL ({@link #encode} returns null), so steps of an arm-only
 * run cost nothing extra; NULL and a zero-length value read back as the empty list.
 */
public final class ObjectBytes {
  /** The first byte of every encoded value; a reader refuses versions it does not know. */
  public static final int VERSION = 1;

  private ObjectBytes() {}

  /** The encoding of {@code objects} for a step stamped {@code stepStampNs}; null when there are none. */
  public static byte[] encode(List<ObjectPose> objects, long stepStampNs) {
    if (objects == null || objects.isEmpty()) {
      return null;
    }
    byte[][] names = new byte[objects.size()][];
    int size = 1 + varintSize(objects.size());
    for (int i = 0; i < names.length; i++) {
      ObjectPose o = objects.get(i);
      names[i] = o.name().getBytes(StandardCharsets.UTF_8);
      size += varintSize(names[i].length) + names[i].length + 4 * Double.BYTES
          + varintSize(zigzag(o.stampNs() - stepStampNs));
    }
    ByteBuffer bb = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    bb.put((byte) VERSION);
    putVarint(bb, objects.size());
    for (int i = 0; i < names.length; i++) {
      ObjectPose o = objects.get(i);
      putVarint(bb, names[i].length);
      bb.put(names[i]);
      bb.putDouble(o.xM()).putDouble(o.yM()).putDouble(o.zM()).putDouble(o.yawRad());
      putVarint(bb, zigzag(o.stampNs() - stepStampNs));
    }
    return bb.array();
  }

  /**
   * The objects in {@code blob}, for a step stamped {@code stepStampNs}; empty for null or zero bytes.
   *
   * @throws IllegalArgumentException when the bytes are not a valid encoding (unknown version,
   *     truncated, trailing bytes)
   */
  public static List<ObjectPose> decode(byte[] blob, long stepStampNs) {
    if (blob == null || blob.length == 0) {
      return List.of();
    }
    if (blob[0] != VERSION) {
      throw new IllegalArgumentException("objects: unknown encoding version " + (blob[0] & 0xff)
          + " (this build reads version " + VERSION + ")");
    }
    ByteBuffer bb = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
    bb.position(1);
    try {
      long n = getVarint(bb);
      // every object takes at least 34 bytes: a bound before allocating
      if (n > bb.remaining() / 34) {
        throw new IllegalArgumentException("objects: count " + n + " does not fit in " + blob.length + " bytes");
      }
      List<ObjectPose> out = new ArrayList<>((int) n);
      for (long i = 0; i < n; i++) {
        long len = getVarint(bb);
        if (len > bb.remaining()) {
          throw new IllegalArgumentException("objects: name of " + len + " bytes runs past the end");
        }
        byte[] name = new byte[(int) len];
        bb.get(name);
        double x = bb.getDouble();
        double y = bb.getDouble();
        double z = bb.getDouble();
        double yaw = bb.getDouble();
        long stamp = stepStampNs + unzigzag(getVarint(bb));
        out.add(new ObjectPose(new String(name, StandardCharsets.UTF_8), x, y, z, yaw, stamp));
      }
      if (bb.hasRemaining()) {
        throw new IllegalArgumentException("objects: " + bb.remaining() + " bytes after the last object");
      }
      return List.copyOf(out);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("objects: truncated (" + blob.length + " bytes)", e);
    }
  }

  private static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static long unzigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  private static int varintSize(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  private static void putVarint(ByteBuffer bb, long v) {
    while ((v & ~0x7FL) != 0) {
      bb.put((byte) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    bb.put((byte) v);
  }

  private static long getVarint(ByteBuffer bb) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = bb.get();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("objects: varint longer than 10 bytes");
  }
}
