package io.telos.bridge.teleop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.OperatorCommand;
import io.telos.api.OperatorCommand.Frame;
import io.telos.api.OperatorCommand.Kind;
import org.junit.jupiter.api.Test;

class OperatorProtocolTest {
  static OperatorCommand parse(String s) throws OperatorProtocol.ProtocolException {
    return OperatorProtocol.parse(s, "ana", 3, 7);
  }

  @Test
  void readsEveryKindAndTakesTheOperatorFromTheSessionNotTheMessage() throws Exception {
    for (Kind k : Kind.values()) {
      if (k == Kind.JOG) {
        continue;
      }
      OperatorCommand c = parse("{\"type\":\"" + k.name().toLowerCase() + "\",\"operator\":\"mallory\"}");
      assertEquals(k, c.kind());
      assertEquals("ana", c.operator());
    }
    OperatorCommand jog = parse("{\"type\":\"jog\",\"frame\":\"tool\",\"v\":[0.1,0,-0.2,0,0,1]}");
    assertEquals(Frame.TOOL, jog.frame());
    assertArrayEquals(new double[] {0.1, 0, -0.2, 0, 0, 1}, jog.values().toArray());
    assertEquals(Frame.JOINT, parse("{\"type\":\"jog\",\"v\":[1]}").frame());
  }

  @Test
  void badMessagesAreRefusedWithTheReason() {
    String[][] cases = {
        {"not json", "JSON"},
        {"[1,2]", "JSON"},
        {"{}", "type"},
        {"{\"type\":\"fly\"}", "unknown type"},
        {"{\"type\":\"jog\",\"frame\":\"world\",\"v\":[1]}", "frame"},
        {"{\"type\":\"jog\"}", "\"v\""},
        {"{\"type\":\"jog\",\"v\":[]}", "\"v\""},
        {"{\"type\":\"jog\",\"v\":[1,\"x\"]}", "v[1]"},
        {"{\"type\":\"jog\",\"v\":[1e999]}", "v[0]"},
    };
    for (String[] c : cases) {
      var e = assertThrows(OperatorProtocol.ProtocolException.class, () -> parse(c[0]), c[0]);
      assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
    }
  }
}
