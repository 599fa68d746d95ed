package io.telos.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.ObjectPose;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ObjectsJsonTest {
  @Test
  void roundTripKeepsNamesPosesAndStampsWithTheReceiver() throws Exception {
    List<ObjectPose> in = List.of(new ObjectPose("puck", 0.5, -0.1, 0.03, 0.25, 7),
        new ObjectPose("can_2", -0.2, 0.3, 0.05, 0, 7));
    List<ObjectPose> out = ObjectsJson.decode(ObjectsJson.encode(in, 7), 99);
    assertEquals(2, out.size());
    assertEquals("puck", out.get(0).name());
    assertEquals(-0.1, out.get(0).yM(), 1e-6);
    assertEquals(0.25, out.get(0).yawRad(), 1e-6);
    assertEquals(99, out.get(1).stampNs(), "stamped on receipt with the agent's clock");
  }

  @Test
  void yawIsOptional() throws Exception {
    var out = ObjectsJson.decode(bytes("{\"objects\":[{\"name\":\"puck\",\"position\":[1,2,3]}]}"), 0);
    assertEquals(0, out.get(0).yawRad());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "not json|not JSON",
      "[1,2]|must be an object with an \"objects\" array",
      "{\"objects\":[{\"name\":\"Puck\",\"position\":[1,2,3]}]}|name: must be a unique",
      "{\"objects\":[{\"name\":\"a\",\"position\":[1,2,3]},{\"name\":\"a\",\"position\":[1,2,3]}]}|objects[1].name",
      "{\"objects\":[{\"name\":\"a\",\"position\":[1,2]}]}|position: must be [x, y, z]",
      "{\"objects\":[{\"name\":\"a\",\"position\":[1,\"x\",3]}]}|position[1]: must be a number",
      "{\"objects\":[{\"name\":\"a\",\"position\":[1,2,3],\"yaw\":\"north\"}]}|yaw: must be a number",
      "{\"objects\":[{\"name\":\"a\",\"position\":[1e300,2,3]}]}|within 100 m"})
  void malformedPayloadsAreRefusedWithAReason(String payload, String reason) {
    var e = assertThrows(JointJson.Rejected.class, () -> ObjectsJson.decode(bytes(payload), 0));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
