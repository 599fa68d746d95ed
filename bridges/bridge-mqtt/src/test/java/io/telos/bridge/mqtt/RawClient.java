package io.telos.bridge.mqtt;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** A plain Paho MQTT 5 client for tests: what a robot, a dashboard or a script would be. */
/** A plain Paho MQTT 5 client for tests (also used by the launch module's end-to-end tests). */
public final class RawClient implements AutoCloseable {
  public record Received(String topic, MqttMessage message) {
    public String text() {
      return new String(message.getPayload(), StandardCharsets.UTF_8);
    }
  }

  final MqttAsyncClient client;
  final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  volatile boolean lost;

  RawClient(String uri, String clientId) throws MqttException {
    client = new MqttAsyncClient(uri, clientId, new MemoryPersistence());
    client.setCallback(new MqttCallback() {
      @Override
      public void disconnected(MqttDisconnectResponse r) {
        lost = true;
      }

      @Override
      public void mqttErrorOccurred(MqttException e) {}

      @Override
      public void messageArrived(String topic, MqttMessage m) {
        received.add(new Received(topic, m));
      }

      @Override
      public void deliveryComplete(IMqttToken t) {}

      @Override
      public void connectComplete(boolean reconnect, String uri) {}

      @Override
      public void authPacketArrived(int rc, MqttProperties p) {}
    });
  }

  public static RawClient connect(String uri, String clientId) throws MqttException {
    return connect(uri, clientId, null, null);
  }

  /** Connects; with a will on {@code willTopic} when not null. */
  static RawClient connect(String uri, String clientId, String willTopic, String willPayload) throws MqttException {
    RawClient c = new RawClient(uri, clientId);
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setCleanStart(true);
    o.setKeepAliveInterval(30);
    if (willTopic != null) {
      o.setWill(willTopic, new MqttMessage(willPayload.getBytes(StandardCharsets.UTF_8), 1, true, null));
    }
    c.client.connect(o).waitForCompletion(5000);
    return c;
  }

  /** Connects as {@code user}; the broker's refusal surfaces as the thrown exception. */
  static RawClient login(String uri, String clientId, String user, String password) throws MqttException {
    RawClient c = new RawClient(uri, clientId);
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setCleanStart(true);
    o.setKeepAliveInterval(30);
    o.setUserName(user);
    o.setPassword(password.getBytes(StandardCharsets.UTF_8));
    try {
      c.client.connect(o).waitForCompletion(5000);
    } catch (MqttException e) {
      c.close();
      throw e;
    }
    return c;
  }

  public RawClient subscribe(String filter, int qos) throws MqttException {
    client.subscribe(filter, qos).waitForCompletion(5000);
    return this;
  }

  void publish(String topic, String payload, int qos, boolean retained) throws MqttException {
    publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retained, null);
  }

  void publish(String topic, byte[] payload, int qos, boolean retained, Long expiryS) throws MqttException {
    MqttMessage m = new MqttMessage(payload, qos, retained, null);
    MqttProperties p = new MqttProperties();
    if (expiryS != null) {
      p.setMessageExpiryInterval(expiryS);
    }
    m.setProperties(p);
    client.publish(topic, m).waitForCompletion(5000);
  }

  /** The next message, or null after {@code timeout}. */
  public Received next(Duration timeout) throws InterruptedException {
    return received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The next message on {@code topic} (others are skipped), or null after {@code timeout}. */
  Received next(String topic, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      Received r = received.poll(left, TimeUnit.NANOSECONDS);
      if (r == null || r.topic().equals(topic)) {
        return r;
      }
    }
  }

  @Override
  public void close() {
    try {
      if (client.isConnected()) {
        client.disconnect(0).waitForCompletion(2000);
      }
    } catch (MqttException e) {
      // best effort
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      // best effort
    }
  }
}
