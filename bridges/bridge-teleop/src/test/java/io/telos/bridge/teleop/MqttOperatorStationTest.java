package io.telos.bridge.teleop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.telos.bridge.mqtt.BrokerUsers;
import io.telos.bridge.mqtt.EmbeddedBroker;
import io.telos.bridge.mqtt.Mosquitto;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator protocol over a real broker: signed messages (or passwords on an authenticated broker), replies per user, telemetry. */
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
      MqttClient c = client(broker.uri(), got);
      c.connect();
      c.subscribe("telos/arm/operator/#", 1);

      c.publish(station.commandTopic(), new MqttMessage(new JsonObject().put("type", "take").put("id", 1)
          .put("user", "ana").put("password", "correct horse").encode().getBytes(StandardCharsets.UTF_8)));
      JsonObject unsigned = next(got, station.replyTopic("ana"));
      assertEquals("error", unsigned.getString("type"));
      assertTrue(unsigned.getString("message").contains("unsigned messages are refused on a broker without log-in"),
          unsigned.encode());

      byte[] anaKey = OperatorSignature.key("ana", "correct horse");
      c.publish(station.commandTopic(), signed(new JsonObject().put("type", "take").put("id", 2).put("user", "ana"),
          OperatorSignature.key("ana", "guessing-it"), "nonce-0001"));
      JsonObject forged = next(got, station.replyTopic("ana"));
      assertEquals("not authenticated: bad signature", forged.getString("message"), forged.encode());

      MqttMessage take = signed(new JsonObject().put("type", "take").put("id", 3).put("user", "ana"), anaKey,
          "nonce-0002");
      c.publish(station.commandTopic(), take);
      JsonObject ok = next(got, station.replyTopic("ana"));
      assertTrue(ok.getBoolean("accepted"), ok.encode());
      assertEquals("ana", ok.getString("holder"));
      assertEquals(1, agent.received.size(), "only the signed command reached the agent");

      c.publish(station.commandTopic(), take); // captured and sent again
      JsonObject replayed = next(got, station.replyTopic("ana"));
      assertEquals("not accepted: replayed (nonce already used)", replayed.getString("message"), replayed.encode());

      MqttMessage tampered = signed(new JsonObject().put("type", "release").put("id", 4).put("user", "ana"), anaKey,
          "nonce-0003");
      tampered.setPayload(new String(tampered.getPayload(), StandardCharsets.UTF_8).replace("release", "take   ")
          .getBytes(StandardCharsets.UTF_8));
      c.publish(station.commandTopic(), tampered);
      assertEquals("not authenticated: bad signature", next(got, station.replyTopic("ana")).getString("message"));

      JsonObject stale = new JsonObject().put("type", "take").put("id", 5).put("user", "ana");
      MqttMessage old = signed(stale, anaKey, "nonce-0004", System.currentTimeMillis() - 60_000);
      c.publish(station.commandTopic(), old);
      assertTrue(next(got, station.replyTopic("ana")).getString("message").contains("from the station's clock"));
      assertEquals(1, agent.received.size(), "nothing refused reached the agent");

      c.publish(station.commandTopic(), signed(new JsonObject().put("type", "jog").put("id", 6)
          .put("v", new io.vertx.core.json.JsonArray().add("fast")).put("user", "bob"),
          OperatorSignature.key("*", "mqtt-token-0123456789"), "nonce-0005"));
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

  @Test
  void onAnAuthenticatedBrokerAPasswordInTheMessageIsEnough() throws Exception {
    String h = BrokerUsers.hash("station-pw".toCharArray(), BrokerUsers.MIN_ITERATIONS);
    String o = BrokerUsers.hash("ana-broker-pw".toCharArray(), BrokerUsers.MIN_ITERATIONS);
    Path users = dir.resolve("users.yaml");
    Files.writeString(users, "users:\n  agent: {role: agent, password_hash: \"" + h + "\"}\n"
        + "  ana: {role: operator, robots: [arm], password_hash: \"" + o + "\"}\n");
    Vertx vertx = Vertx.vertx();
    try (EmbeddedBroker broker = new EmbeddedBroker(0, BrokerUsers.read("users", users)).start()) {
      FakeAgent agent = new FakeAgent(vertx, "arm");
      ConsoleConfig cfg = ConsoleConfig.withToken("127.0.0.1", 0, "mqtt-token-0123456789")
          .withUsers(Map.of("ana", "correct horse")).withMqtt(broker.uri(), "telos").withMqttLogin("agent", "station-pw");
      assertTrue(cfg.mqttAuthenticated());
      MqttOperatorStation station = new MqttOperatorStation("arm", FakeAgent.ARM, cfg);
      vertx.deployVerticle(station).await();

      LinkedBlockingQueue<String[]> got = new LinkedBlockingQueue<>();
      MqttClient c = client(broker.uri(), got);
      MqttConnectionOptions login = new MqttConnectionOptions();
      login.setUserName("ana");
      login.setPassword("ana-broker-pw".getBytes(StandardCharsets.UTF_8));
      c.connect(login);
      c.subscribe(station.replyTopic("ana"), 1);
      c.publish(station.commandTopic(), new MqttMessage(new JsonObject().put("type", "take").put("id", 1)
          .put("user", "ana").put("password", "correct horse").encode().getBytes(StandardCharsets.UTF_8)));
      JsonObject ok = next(got, station.replyTopic("ana"));
      assertTrue(ok.getBoolean("accepted"), ok.encode());
      assertEquals(1, agent.received.size());
      c.disconnect();
      c.close();
    } finally {
      vertx.close().await();
    }
  }

  /** A signed operator message, stamped now. */
  static MqttMessage signed(JsonObject m, byte[] key, String nonce) {
    return signed(m, key, nonce, System.currentTimeMillis());
  }

  static MqttMessage signed(JsonObject m, byte[] key, String nonce, long tsMs) {
    byte[] payload = m.copy().put("ts_ms", tsMs).put("nonce", nonce).encode().getBytes(StandardCharsets.UTF_8);
    MqttMessage msg = new MqttMessage(payload);
    msg.setQos(1);
    MqttProperties p = new MqttProperties();
    p.setUserProperties(List.of(new UserProperty(OperatorSignature.PROPERTY, OperatorSignature.sign(key, payload))));
    msg.setProperties(p);
    return msg;
  }

  static MqttClient client(String uri, LinkedBlockingQueue<String[]> got) throws MqttException {
    MqttClient c = new MqttClient(uri, "station-test-" + System.nanoTime(), new MemoryPersistence());
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
    return c;
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
