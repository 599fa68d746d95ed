package io.telos.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker with a users file: log-in required, each role held to its own topics. */
class EmbeddedBrokerAuthTest {
  private static final Duration T = Duration.ofSeconds(5);
  private static final int NOT_AUTHORIZED = 0x87;
  private static final int BAD_USER_OR_PASSWORD = 0x86;

  @TempDir
  static Path dir;
  static EmbeddedBroker broker;

  @BeforeAll
  static void start() throws IOException {
    Path users = dir.resolve("users.yaml");
    Files.writeString(users, """
        users:
          agent: {role: agent, password_hash: "%s"}
          arm1: {role: robot, password_hash: "%s"}
          arm2: {role: robot, password_hash: "%s"}
          ana: {role: operator, robots: [arm1], password_hash: "%s"}
        """.formatted(hash("agent-pw"), hash("arm1-pw"), hash("arm2-pw"), hash("ana-pw")));
    broker = new EmbeddedBroker(0, BrokerUsers.read("bridge.broker_users", users)).start();
  }

  @AfterAll
  static void stop() {
    broker.stop();
  }

  private static String hash(String pw) {
    return BrokerUsers.hash(pw.toCharArray(), BrokerUsers.MIN_ITERATIONS);
  }

  @Test
  void anonymousAndWrongPasswordsAreRefusedAtConnect() {
    MqttException anon = assertThrows(MqttException.class, () -> RawClient.connect(broker.uri(), "anon"));
    assertEquals(NOT_AUTHORIZED, anon.getReasonCode(), anon.toString());
    MqttException wrong = assertThrows(MqttException.class,
        () -> RawClient.login(broker.uri(), "guess", "agent", "agent-PW"));
    assertEquals(BAD_USER_OR_PASSWORD, wrong.getReasonCode(), wrong.toString());
    MqttException unknown = assertThrows(MqttException.class,
        () -> RawClient.login(broker.uri(), "who", "mallory", "agent-pw"));
    assertEquals(BAD_USER_OR_PASSWORD, unknown.getReasonCode(), unknown.toString());
  }

  @Test
  void onlyTheAgentCommandsARobot() throws Exception {
    try (RawClient arm1 = RawClient.login(broker.uri(), "arm1", "arm1", "arm1-pw").subscribe("telos/arm1/command", 1);
        RawClient agent = RawClient.login(broker.uri(), "agent", "agent", "agent-pw");
        RawClient arm2 = RawClient.login(broker.uri(), "arm2", "arm2", "arm2-pw");
        RawClient ana = RawClient.login(broker.uri(), "ana", "ana", "ana-pw")) {
      refused(arm2, "telos/arm1/command", "from another robot");
      refused(ana, "telos/arm1/command", "from an operator");
      agent.publish("telos/arm1/command", "from the agent", 1, false);
      RawClient.Received r = arm1.next(T);
      assertNotNull(r, "the agent's command must arrive");
      assertEquals("from the agent", r.text(), "refused commands must not have been delivered before it");
    }
  }

  @Test
  void aRobotPublishesOnlyItsOwnState() throws Exception {
    try (RawClient agent = RawClient.login(broker.uri(), "agent", "agent", "agent-pw").subscribe("telos/#", 1);
        RawClient arm1 = RawClient.login(broker.uri(), "arm1", "arm1", "arm1-pw");
        RawClient arm2 = RawClient.login(broker.uri(), "arm2", "arm2", "arm2-pw")) {
      refused(arm2, "telos/arm1/state", "spoofed");
      arm1.publish("telos/arm1/state", "real", 1, false);
      RawClient.Received r = agent.next(T);
      assertNotNull(r);
      assertEquals("telos/arm1/state", r.topic());
      assertEquals("real", r.text());
    }
  }

  @Test
  void subscriptionsBeyondTheRoleAreRefused() throws Exception {
    try (RawClient arm1 = RawClient.login(broker.uri(), "arm1", "arm1", "arm1-pw");
        RawClient ana = RawClient.login(broker.uri(), "ana", "ana", "ana-pw")) {
      assertEquals(NOT_AUTHORIZED, subAck(arm1, "telos/arm2/command"), "another robot's commands");
      assertEquals(NOT_AUTHORIZED, subAck(arm1, "telos/#"), "everything");
      assertTrue(subAck(arm1, "telos/arm1/command") < 0x80, "its own commands");
      assertEquals(NOT_AUTHORIZED, subAck(ana, "telos/arm1/operator/reply/bob"), "another operator's replies");
      assertEquals(NOT_AUTHORIZED, subAck(ana, "telos/arm2/state"), "a robot outside her list");
      assertTrue(subAck(ana, "telos/arm1/operator/reply/ana") < 0x80, "her own replies");
    }
  }

  private static int subAck(RawClient c, String filter) throws MqttException {
    IMqttToken t = c.client.subscribe(filter, 1);
    t.waitForCompletion(5000);
    return t.getReasonCodes()[0];
  }

  @Test
  void aClientThatPublishesBeyondItsTopicsIsDisconnected() throws Exception {
    try (RawClient arm1 = RawClient.login(broker.uri(), "arm1b", "arm1", "arm1-pw")) {
      refused(arm1, "elsewhere/state", "outside its topics");
    }
  }

  /**
   * A refused QoS 1 publish is answered NOT_AUTHORIZED (MQTT 5), goes nowhere, and the broker
   * drops the publisher's connection.
   */
  private static void refused(RawClient c, String topic, String payload) throws MqttException {
    IMqttToken t = c.client.publish(topic, new MqttMessage(payload.getBytes(), 1, false, null));
    t.waitForCompletion(5000);
    int[] codes = t.getReasonCodes();
    assertTrue(codes != null && codes.length > 0 && codes[0] == NOT_AUTHORIZED,
        topic + ": expected NOT_AUTHORIZED, reason codes " + Arrays.toString(codes));
    Await.until("the broker drops the publisher", T, () -> c.lost);
  }
}
