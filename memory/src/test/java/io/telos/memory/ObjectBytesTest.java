package io.telos.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.ObjectPose;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectBytesTest {
  static final long STEP = 5_000_000_000L;

  @Test
  void noObjectsAreNullAndNullOrNothingReadsBackEmpty() {
    assertNull(ObjectBytes.encode(List.of(), STEP));
    assertNull(ObjectBytes.encode(null, STEP));
    assertEquals(List.of(), ObjectBytes.decode(null, STEP));
    assertEquals(List.of(), ObjectBytes.decode(new byte[0], STEP));
    assertEquals(List.of(), ObjectBytes.decode(new byte[] {1, 0}, STEP), "an explicit empty list");
  }

  @Test
  void objectsRoundTripInOrderWithTheirStamps() {
    List<ObjectPose> in = List.of(
        new ObjectPose("zeta_9", 0.45, -0.1, 0.025, Math.PI, STEP),
        new ObjectPose("box", -0.0, Double.NaN, Double.POSITIVE_INFINITY, -1e-300, STEP - 20_000_000L),
        new ObjectPose("cup", 1, 2, 3, 4, Long.MIN_VALUE),
        new ObjectPose("late", 1, 2, 3, 4, Long.MAX_VALUE));
    List<ObjectPose> back = ObjectBytes.decode(ObjectBytes.encode(in, STEP), STEP);
    assertEquals(in, back);
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(back.get(1).xM()));
  }

  @Test
  void theLayoutIsTheDocumentedOne() {
    byte[] b = ObjectBytes.encode(List.of(new ObjectPose("abcdefghijkl", 1.0, 0, 0, 0, STEP - 1)), STEP);
    assertEquals(2 + 46, b.length, "version, count, then 46 bytes for a 12-character name stamped near its step");
    assertEquals(1, b[0], "version");
    assertEquals(1, b[1], "count");
    assertEquals(12, b[2], "name length");
    assertEquals("abcdefghijkl", new String(b, 3, 12, java.nio.charset.StandardCharsets.US_ASCII));
    // x = 1.0 little-endian: 00 00 00 00 00 00 f0 3f
    assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, (byte) 0xf0, 0x3f}, Arrays.copyOfRange(b, 15, 23));
    assertEquals(1, b[b.length - 1], "stamp delta -1 as zigzag");
    byte[] same = ObjectBytes.encode(List.of(new ObjectPose("a", 0, 0, 0, 0, STEP)), STEP);
    assertEquals(0, same[same.length - 1], "stamped with the step: one zero byte");
  }

  @Test
  void badBytesAreRefusedWithAMessage() {
    byte[] good = ObjectBytes.encode(List.of(new ObjectPose("box", 1, 2, 3, 4, STEP)), STEP);
    IllegalArgumentException v = assertThrows(IllegalArgumentException.class,
        () -> ObjectBytes.decode(new byte[] {2, 0}, STEP));
    assertTrue(v.getMessage().contains("version 2"), v.getMessage());
    IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
        () -> ObjectBytes.decode(Arrays.copyOf(good, good.length - 1), STEP));
    assertTrue(t.getMessage().contains("truncated"), t.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ObjectBytes.decode(Arrays.copyOf(good, good.length + 1), STEP));
    byte[] huge = {1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
    assertThrows(IllegalArgumentException.class, () -> ObjectBytes.decode(huge, STEP), "a count past the end");
  }
}
