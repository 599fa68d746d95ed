package io.telos.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmbeddedBrokerTest {
  private static final Duration T = Duration.ofSeconds(5);
  private EmbeddedBroker broker;

  @BeforeEach
  void start() throws IOException {
    broker = new EmbeddedBroker(0).start();
  }

  @AfterEach
  void stop() {
    broker.stop();
  }

  @Test
  void forwardsWithQosAndMqtt5Properties() throws Exception {
    try (RawClient sub = RawClient.connect(broker.uri(), "sub").subscribe("a/#", 2);
        RawClient pub = RawClient.connect(broker.uri(), "pub")) {
      for (int qos = 0; qos <= 2; qos++) {
        MqttMessage m = new MqttMessage(("q" + qos).getBytes(), qos, false, null);
        MqttProperties p = new MqttProperties();
        p.setMessageExpiryInterval(7L);
        p.setContentType("application/json");
        m.setProperties(p);
        pub.client.publish("a/b", m).waitForCompletion(5000);
        RawClient.Received r = sub.next(T);
        assertNotNull(r, "qos " + qos);
        assertEquals("q" + qos, r.text());
        assertEquals(qos, r.message().getQos());
        assertEquals(7L, r.message().getProperties().getMessageExpiryInterval());
        assertEquals("application/json", r.message().getProperties().getContentType());
      }
      assertEquals(2, broker.clientCount());
    }
  }

  @Test
  void retainedMessagesReachLateSubscribersUntilCleared() throws Exception {
    try (RawClient pub = RawClient.connect(broker.uri(), "pub")) {
      pub.publish("r/status", "online", 1, true);
      try (RawClient late = RawClient.connect(broker.uri(), "late").subscribe("r/+", 1)) {
        RawClient.Received r = late.next(T);
        assertEquals("online", r.text());
        assertTrue(r.message().isRetained());
      }
      pub.publish("r/status", new byte[0], 1, true, null);
      pub.publish("r/marker", "m", 1, false);
      try (RawClient later = RawClient.connect(broker.uri(), "later").subscribe("r/+", 1)) {
        pub.publish("r/marker", "m2", 1, false);
        assertEquals("m2", later.next(T).text(), "the cleared retained message must not come first");
      }
    }
  }

  @Test
  void lastWillOnAbruptDisconnectOnlyThen() throws Exception {
    try (RawClient watcher = RawClient.connect(broker.uri(), "watcher").subscribe("w/#", 1)) {
      RawClient dying = RawClient.connect(broker.uri(), "dying", "w/status", "offline");
      assertTrue(broker.disconnect("dying"));
      RawClient.Received will = watcher.next(T);
      assertEquals("w/status", will.topic());
      assertEquals("offline", will.text());
      dying.close();

      RawClient polite = RawClient.connect(broker.uri(), "polite", "w/status", "gone");
      Await.until("2 clients", T, () -> broker.clientCount() == 2);
      polite.close(); // a normal DISCONNECT discards the will
      Await.until("polite left", T, () -> broker.clientCount() == 1);
      try (RawClient pub = RawClient.connect(broker.uri(), "pub")) {
        pub.publish("w/marker", "m", 1, false);
        assertEquals("w/marker", watcher.next(T).topic());
      }
    }
  }

  @Test
  void expiredRetainedMessagesAreNotDelivered() throws Exception {
    try (RawClient pub = RawClient.connect(broker.uri(), "pub")) {
      pub.publish("e/cmd", "old".getBytes(), 1, true, 1L);
      long t0 = System.nanoTime();
      Await.until("1.1 s have passed", Duration.ofSeconds(3), () -> System.nanoTime() - t0 > 1_100_000_000L);
      pub.publish("e/fresh", "new".getBytes(), 1, true, 60L);
      try (RawClient late = RawClient.connect(broker.uri(), "late").subscribe("e/#", 1)) {
        RawClient.Received r = late.next(T);
        assertEquals("new", r.text());
        long left = r.message().getProperties().getMessageExpiryInterval();
        assertTrue(left <= 60 && left >= 58, "remaining expiry " + left);
      }
    }
  }

  @Test
  void noLocalAndTakeover() throws Exception {
    try (RawClient a = RawClient.connect(broker.uri(), "a")) {
      MqttSubscription s = new MqttSubscription("n/t", 1);
      s.setNoLocal(true);
      a.client.subscribe(s).waitForCompletion(5000);
      a.publish("n/t", "own", 1, false);
      try (RawClient b = RawClient.connect(broker.uri(), "b")) {
        b.publish("n/t", "other", 1, false);
        assertEquals("other", a.next(T).text(), "no-local: own message skipped");
        try (RawClient a2 = RawClient.connect(broker.uri(), "a")) {
          Await.until("first 'a' dropped", T, () -> a.lost);
          assertTrue(a2.client.isConnected());
          assertEquals(2, broker.clientCount());
        }
      }
    }
  }

  @Test
  void restartKeepsThePickedPortAndForgetsEverything() throws Exception {
    int port = broker.port();
    try (RawClient pub = RawClient.connect(broker.uri(), "pub")) {
      pub.publish("x/retained", "v", 1, true);
    }
    broker.stop();
    assertFalse(broker.running());
    broker.start();
    assertEquals(port, broker.port());
    try (RawClient sub = RawClient.connect(broker.uri(), "sub").subscribe("x/#", 1);
        RawClient pub = RawClient.connect(broker.uri(), "pub")) {
      pub.publish("x/live", "l", 0, false);
      assertEquals("x/live", sub.next(T).topic(), "retained messages do not survive a restart");
    }
  }

  @Test
  void twoBrokersInOneProcessKeepTheirOwnClients() throws Exception {
    try (EmbeddedBroker second = new EmbeddedBroker(0).start();
        RawClient watcher = RawClient.connect(broker.uri(), "watcher").subscribe("w/#", 1);
        RawClient other = RawClient.connect(second.uri(), "other").subscribe("w/#", 1)) {
      RawClient dying = RawClient.connect(broker.uri(), "dying", "w/status", "offline");
      assertFalse(second.disconnect("dying"), "not a client of the second broker");
      assertTrue(broker.disconnect("dying"), "the first broker still reaches its own clients");
      assertEquals("offline", watcher.next(T).text());
      dying.close();
      try (RawClient pub = RawClient.connect(second.uri(), "pub")) {
        pub.publish("w/marker", "m", 1, false);
        assertEquals("w/marker", other.next(T).topic(), "the will stayed on its own broker");
      }
      assertEquals(1, broker.clientCount());
    }
  }

  @Test
  void busyPortIsReported() throws Exception {
    EmbeddedBroker second = new EmbeddedBroker(broker.port());
    IOException e = assertThrows(IOException.class, second::start);
    assertTrue(e.getMessage().contains("127.0.0.1:" + broker.port()), e.getMessage());
    assertFalse(second.running());
  }
}
