package io.telos.memory;

import io.telos.api.Vec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Vectors as bytes (SQLite BLOB, PostgreSQL bytea): IEEE 754 doubles, little-endian, back to back
 * (8 bytes each, no header; an empty vector is zero bytes). Shared by the stores.
 */
public final class VectorBytes {
  private VectorBytes() {}

  public static byte[] encode(Vec v) {
    int n = v.size();
    byte[] out = new byte[n * Double.BYTES];
    ByteBuffer bb = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      bb.putDouble(v.get(i));
    }
    return out;
  }

  public static Vec decode(byte[] blob) {
    if (blob == null || blob.length == 0) {
      return Vec.empty();
    }
    if (blob.length % Double.BYTES != 0) {
      throw new IllegalArgumentException("a vector BLOB must hold whole doubles, had " + blob.length + " bytes");
    }
    double[] d = new double[blob.length / Double.BYTES];
    ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(d);
    return Vec.of(d);
  }
}
