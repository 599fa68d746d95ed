package io.telos.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.Mode;
import io.telos.api.Vec;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JointJsonTest {
  private static final List<String> JOINTS = List.of("j1", "j2", "j3");
  private final JointJson json = new JointJson(JOINTS);

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void stateIsMappedByNameIntoTheConfiguredOrder() throws Exception {
    JointJson.State s = json.decodeState(b("""
        {"stamp_ns": 12, "name": ["j3", "j1", "j2"], "position": [3, 1.5, 2e0],
         "velocity": [0.3, 0.1, 0.2], "effort": [], "extra": {"ignored": [1, 2]}}"""));
    assertEquals(12, s.stampNs());
    assertArrayEquals(new double[] {1.5, 2, 3}, s.position());
    assertArrayEquals(new double[] {0.1, 0.2, 0.3}, s.velocity());
    assertArrayEquals(new double[0], s.effort());
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "{\"stamp_ns\":1,\"name\":[\"j1\",\"j2\",\"j3\"],\"position\":[1,2,1e999]} | not finite",
      "{\"stamp_ns\":1,\"name\":[\"j1\",\"j2\",\"j3\"],\"position\":[1,2,NaN]} | malformed JSON",
      "{\"stamp_ns\":1,\"name\":[\"j1\",\"j2\",\"j3\"],\"position\":[1,2,\"NaN\"]} | is not a number",
      "{\"stamp_ns\":1,\"name\":[\"j1\",\"j2\",\"j3\"],\"position\":[1,2,null]} | is not a number",
      "{\"stamp_ns\":1,\"name\":[\"j1\",\"j2\",\"jX\"],\"position\":[1,2,3]} | unknown joint 'jX'",
      "{\"stamp_ns\":1,\"name\":[\"j1\",\"j2\"],\"position\":[1,2]} | missing joint 'j3'",
      "{\"stamp_ns\":1,\"name\":[\"j1\",\"j1\",\"j3\"],\"position\":[1,2,3]} | named twice",
      "{\"stamp_ns\":1,\"name\":[\"j1\",\"j2\",\"j3\"],\"position\":[1,2]} | 'position' has 2 values for 3 names",
      "{\"stamp_ns\":1,\"name\":[\"j1\",\"j2\",\"j3\"],\"position\":[1,2,3],\"velocity\":[1]} | 'velocity' has 1 values",
      "{\"name\":[\"j1\",\"j2\",\"j3\"],\"position\":[1,2,3]} | missing field 'stamp_ns'",
      "{\"stamp_ns\":-1,\"name\":[\"j1\",\"j2\",\"j3\"],\"position\":[1,2,3]} | must be >= 0",
      "{\"stamp_ns\":1,\"name\":[\"j1\",\"j2\",\"j3\"]} | missing field 'position'",
      "{\"stamp_ns\":1,\"stamp_ns\":2,\"name\":[\"j1\",\"j2\",\"j3\"],\"position\":[1,2,3]} | malformed JSON",
      "{\"stamp_ns\":1,\"name\":[\"j1\",\"j2\",\"j3\"],\"position\":[1,2,3]} x | malformed JSON",
      "{\"stamp_ns\":1,\"name\":[\"j1\",\"j2\",\"j3\"],\"position\":[1,2,3]}{} | trailing content",
      "[1,2,3] | not a JSON object",
      "{\"stamp_ns\":1,\"name\":[\"j1\",\"j2\",\"j3\"],\"position\":[1,2, | malformed JSON",
      "'' | empty payload",
  })
  void badStatesAreRejectedWithAReason(String payload, String reason) {
    JointJson.Rejected e = assertThrows(JointJson.Rejected.class, () -> json.decodeState(b(payload)));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @Test
  void encodedStateDecodesToTheSameValues() throws Exception {
    JointState s = new JointState(Header.of(3, 99, "t"), List.of("j2", "j3", "j1"), Vec.of(2, 3, 1e-9),
        Vec.of(0.2, 0.3, 0.1), Vec.of(-2, -3, -1));
    String text = new String(JointJson.encodeState(s), StandardCharsets.UTF_8);
    JsonNode n = new ObjectMapper().readTree(text);
    assertEquals(99, n.get("stamp_ns").asLong());
    JointJson.State d = json.decodeState(JointJson.encodeState(s));
    assertArrayEquals(new double[] {1e-9, 2, 3}, d.position());
    assertArrayEquals(new double[] {0.1, 0.2, 0.3}, d.velocity());
    assertArrayEquals(new double[] {-1, -2, -3}, d.effort());
  }

  @Test
  void commandRoundTripAndFieldNames() throws Exception {
    JointCommand c = new JointCommand(new Header(41, 1234, "safety/arm", ""), List.of("j3", "j1", "j2"),
        Vec.of(3, 1, 2), Vec.of(0.3, 0.1, 0.2), Mode.HOLD);
    byte[] bytes = JointJson.encodeCommand(c);
    JsonNode n = new ObjectMapper().readTree(bytes);
    List<String> fields = new ArrayList<>();
    n.fieldNames().forEachRemaining(fields::add);
    assertEquals(List.of("stamp_ns", "seq", "name", "position", "velocity", "mode"), fields);
    assertEquals("HOLD", n.get("mode").asText());
    JointJson.Command d = json.decodeCommand(bytes);
    assertEquals(41, d.seq());
    assertEquals(1234, d.stampNs());
    assertEquals(Mode.HOLD, d.mode());
    assertArrayEquals(new double[] {1, 2, 3}, d.position());
    assertArrayEquals(new double[] {0.1, 0.2, 0.3}, d.velocity());
  }

  @Test
  void commandNeedsEveryField() {
    String full = "{\"stamp_ns\":1,\"seq\":2,\"name\":[\"j1\",\"j2\",\"j3\"],\"position\":[1,2,3],"
        + "\"velocity\":[0,0,0],\"mode\":\"autonomous\"}";
    for (String f : List.of("stamp_ns", "seq", "name", "position", "velocity", "mode")) {
      String without = full.replaceFirst("\"" + f + "\":(\\[[^\\]]*\\]|\"[^\"]*\"|[0-9]+),?", "").replace(",}", "}");
      JointJson.Rejected e = assertThrows(JointJson.Rejected.class, () -> json.decodeCommand(b(without)), without);
      assertTrue(e.getMessage().contains(f), e.getMessage());
    }
    JointJson.Rejected e = assertThrows(JointJson.Rejected.class,
        () -> json.decodeCommand(b(full.replace("autonomous", "fast"))));
    assertTrue(e.getMessage().contains("AUTONOMOUS, HOLD, PROTECTIVE_STOP"), e.getMessage());
  }

  @Test
  void namesAreEscaped() throws Exception {
    JointJson odd = new JointJson(List.of("a\"b", "c\\d"));
    JointState s = new JointState(Header.of(0, 1, "t"), List.of("c\\d", "a\"b"), Vec.of(2, 1), null, null);
    assertArrayEquals(new double[] {1, 2}, odd.decodeState(JointJson.encodeState(s)).position());
  }

  @Test
  void schemasNameTheCodecFields() throws Exception {
    ObjectMapper m = new ObjectMapper();
    try (InputStream state = JointJson.class.getResourceAsStream("state.schema.json");
        InputStream command = JointJson.class.getResourceAsStream("command.schema.json")) {
      JsonNode s = m.readTree(state);
      JsonNode c = m.readTree(command);
      assertEquals(List.of("stamp_ns", "name", "position"), texts(s.get("required")));
      assertEquals(List.of("stamp_ns", "seq", "name", "position", "velocity", "mode"), texts(c.get("required")));
      for (String f : List.of("stamp_ns", "name", "position", "velocity", "effort")) {
        assertTrue(s.get("properties").has(f), f);
      }
      assertEquals(List.of("AUTONOMOUS", "HOLD", "PROTECTIVE_STOP"), texts(c.get("properties").get("mode").get("enum")));
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(e -> out.add(e.asText()));
    return out;
  }
}
