package io.telos.bridge.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RejectionsTest {
  @Test
  void everyRefusalIsCountedAndThePowersOfTwoAreReported() {
    Rejections r = new Rejections("test/arm");
    List<String> reported = new ArrayList<>();
    r.onReported(reported::add);
    r.onReported(s -> {
      throw new IllegalStateException("a broken listener does not stop the others");
    });
    Rejections.Kind state = r.kind("state");
    Rejections.Kind objects = r.kind("objects");
    assertNull(state.last());
    assertFalse(state.recent(0, 1));
    for (int i = 1; i <= 9; i++) {
      state.refuse(i * 1_000L, "bad " + i);
    }
    objects.refuse(10_000L, "no name");
    assertEquals(9, state.count());
    assertEquals(1, objects.count());
    assertEquals("bad 9", state.last());
    assertEquals(List.of("state #1 refused: bad 1", "state #2 refused: bad 2", "state #4 refused: bad 4",
        "state #8 refused: bad 8", "objects #1 refused: no name"), reported);
    assertTrue(state.recent(9_500L, 1_000L));
    assertFalse(state.recent(10_000L, 1_000L));
  }
}
