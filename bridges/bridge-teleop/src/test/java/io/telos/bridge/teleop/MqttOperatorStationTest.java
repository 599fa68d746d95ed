package io.telos.bridge.teleop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.telos.bridge.mqtt.Mosquitto;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator protocol over a real Mosquitto: credentials in every message, replies per user, telemetry. */
class MqttOperatorStationTest {
  @TempDir
  Path dir;

  @Test
  void authenticatedCommandsReachTheAgentAndOthersAreRefused() throws Exception {
    assumeTrue(Mosquitto.available(), "Debian mosquitto is not installed");
    Vertx vertx = Vertx.vertx();
    try (Mosquitto broker = new Mosquitto(dir)) {
      FakeAgent agent = new FakeAgent(vertx, "arm");
      ConsoleConfig cfg = ConsoleConfig.withToken("127.0.0.1", 0, "mqtt-token-0123456789")
          .withUsers(Map.of("ana", "correct horse")).withMqtt(broker.uri(), "telos");
      MqttOperatorStation station = new MqttOperatorStation("arm", FakeAgent.ARM, cfg);
      vertx.deployVerticle(station).await();

      LinkedBlockingQueue<String[]> got = new LinkedBlockingQueue<>();
      MqttClient c = new MqttClient(broker.uri(), "station-test", new MemoryPersistence());
      c.setCallback(new MqttCallback() {
        public void disconnected(MqttDisconnectResponse r) {}

        public void mqttErrorOccurred(MqttException e) {}

        public void messageArrived(String topic, MqttMessage m) {
          got.add(new String[] {topic, new String(m.getPayload(), StandardCharsets.UTF_8)});
        }

        public void deliveryComplete(IMqttToken t) {}

        public void connectComplete(boolean r, String u) {}

        public void authPacketArrived(int r, MqttProperties p) {}
      });
      c.connect();
      c.subscribe("telos/arm/operator/#", 1);

      c.publish(station.commandTopic(), new MqttMessage(new JsonObject().put("type", "take").put("id", 1)
          .put("user", "mallory").put("password", "guessing-it").encode().getBytes(StandardCharsets.UTF_8)));
      JsonObject refused = next(got, station.replyTopic("mallory"));
      assertEquals("error", refused.getString("type"));
      assertTrue(refused.getString("message").contains("not authenticated"));

      c.publish(station.commandTopic(), new MqttMessage(new JsonObject().put("type", "take").put("id", 2)
          .put("user", "ana").put("password", "correct horse").encode().getBytes(StandardCharsets.UTF_8)));
      JsonObject ok = next(got, station.replyTopic("ana"));
      assertTrue(ok.getBoolean("accepted"), ok.encode());
      assertEquals("ana", ok.getString("holder"));
      assertEquals(1, agent.received.size(), "only the authenticated command reached the agent");

      c.publish(station.commandTopic(), new MqttMessage(new JsonObject().put("type", "jog").put("id", 3)
          .put("v", new io.vertx.core.json.JsonArray().add("fast")).put("user", "bob").put("token", "mqtt-token-0123456789")
          .encode().getBytes(StandardCharsets.UTF_8)));
      JsonObject bad = next(got, station.replyTopic("bob"));
      assertEquals("error", bad.getString("type"));
      assertTrue(bad.getString("message").contains("v[0]"), bad.encode());

      JsonObject state = next(got, station.stateTopic());
      assertNotNull(state.getJsonArray("q"));
      c.disconnect();
      c.close();
    } finally {
      vertx.close().await();
    }
  }

  static JsonObject next(LinkedBlockingQueue<String[]> q, String topic) throws InterruptedException {
    while (true) {
      String[] m = q.poll(10, TimeUnit.SECONDS);
      if (m == null) {
        throw new AssertionError("nothing on " + topic);
      }
      if (m[0].equals(topic)) {
        return new JsonObject(m[1]);
      }
    }
  }
}
