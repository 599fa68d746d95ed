package io.telos.bridge.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MQTT 5 connection with the behaviour both ends of the contract need: clean start (the
 * broker keeps nothing for us while we are away), a retained {@code online} status published on
 * every (re)connect with a retained {@code offline} last will, subscriptions renewed on every
 * connect, and reconnection with exponential back-off (100 ms doubling to 2 s) that also covers a
 * broker that is not up yet at start. Connects and subscribes on its own thread, never on Paho's
 * callback thread.
 */
final class MqttLink implements AutoCloseable {
  /** Receives messages on Paho's callback thread; must not block. */
  interface Listener {
    void message(String topic, MqttMessage message);

    default void up() {}

    default void down() {}
  }

  static final long MIN_BACKOFF_MS = 100;
  static final long MAX_BACKOFF_MS = 2000;
  private static final int CONNECT_TIMEOUT_S = 3;
  private static final long WAIT_MS = 4000;
  private static final Logger LOG = LoggerFactory.getLogger(MqttLink.class);
  /** Paho logs an INFO line per QoS 2 message through java.util.logging; held strongly so the level sticks. */
  private static final java.util.logging.Logger PAHO =
      java.util.logging.Logger.getLogger("org.eclipse.paho.mqttv5.client");

  static {
    if (PAHO.getLevel() == null) { // leave an application's own logging configuration alone
      PAHO.setLevel(Level.WARNING);
    }
  }

  private final String component;
  private final MqttConfig config;
  private final String uri;
  private final String statusTopic;
  private final Map<String, Integer> subscriptions;
  private final Listener listener;
  private final ScheduledExecutorService connector;
  private final AtomicBoolean attemptPending = new AtomicBoolean();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition upChanged = lock.newCondition();

  private MqttAsyncClient client;
  private volatile boolean up;
  private volatile boolean closed;
  private volatile long connects;
  private volatile long losses;
  private long backoffMs = MIN_BACKOFF_MS;
  private int failedAttempts;

  /**
   * @param component for log lines, e.g. {@code mqtt/arm1}
   * @param uri the broker URI
   * @param statusTopic where {@code online} / {@code offline} (retained, and the will) go
   * @param subscriptions topic → QoS, subscribed on every connect
   */
  MqttLink(String component, MqttConfig config, String uri, String statusTopic, Map<String, Integer> subscriptions,
      Listener listener) {
    this.component = component;
    this.config = config;
    this.uri = uri;
    this.statusTopic = statusTopic;
    this.subscriptions = new LinkedHashMap<>(subscriptions);
    this.listener = listener;
    this.connector = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "telos-mqtt-connect-" + config.clientId());
      t.setDaemon(true);
      return t;
    });
  }

  /** Creates the client and starts connecting in the background; returns at once. */
  void start() throws MqttException {
    client = new MqttAsyncClient(uri, config.clientId(), new MemoryPersistence());
    client.setCallback(new Callback());
    scheduleAttempt(0);
  }

  boolean up() {
    return up;
  }

  long connects() {
    return connects;
  }

  long losses() {
    return losses;
  }

  String uri() {
    return uri;
  }

  /** Waits until connected and subscribed; false on timeout. */
  boolean awaitUp(long timeout, TimeUnit unit) throws InterruptedException {
    long left = unit.toNanos(timeout);
    lock.lock();
    try {
      while (!up) {
        if (left <= 0) {
          return false;
        }
        left = upChanged.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until the connection is down; false on timeout. */
  boolean awaitDown(long timeout, TimeUnit unit) throws InterruptedException {
    long left = unit.toNanos(timeout);
    lock.lock();
    try {
      while (up) {
        if (left <= 0) {
          return false;
        }
        left = upChanged.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Publishes without waiting.
   *
   * @param expiryS MQTT 5 message expiry interval, or 0 for none
   * @throws MqttException when not connected (nothing is buffered while disconnected)
   */
  IMqttToken publish(String topic, byte[] payload, int qos, boolean retained, long expiryS, boolean json)
      throws MqttException {
    MqttMessage m = new MqttMessage(payload, qos, retained, null);
    MqttProperties p = new MqttProperties();
    if (expiryS > 0) {
      p.setMessageExpiryInterval(expiryS);
    }
    p.setPayloadFormat(true);
    if (json) {
      p.setContentType("application/json");
    }
    m.setProperties(p);
    return client.publish(topic, m);
  }

  private void scheduleAttempt(long delayMs) {
    if (closed || !attemptPending.compareAndSet(false, true)) {
      return;
    }
    try {
      connector.schedule(() -> {
        attemptPending.set(false);
        attempt();
      }, delayMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      attemptPending.set(false); // closing
    }
  }

  private MqttConnectionOptions options() {
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setCleanStart(true);
    o.setSessionExpiryInterval(0L);
    o.setAutomaticReconnect(false);
    o.setKeepAliveInterval(config.keepAliveS());
    o.setConnectionTimeout(CONNECT_TIMEOUT_S);
    if (config.username() != null) {
      o.setUserName(config.username());
    }
    if (config.password() != null) {
      o.setPassword(config.password().getBytes(StandardCharsets.UTF_8));
    }
    o.setSocketFactory(config.tls() ? NoDelaySockets.tls(config.socketFactory()) : NoDelaySockets.plain());
    MqttMessage will = new MqttMessage(Topics.OFFLINE.getBytes(StandardCharsets.UTF_8), 1, true, null);
    o.setWill(statusTopic, will);
    return o;
  }

  private void attempt() {
    if (closed || up) {
      return;
    }
    try {
      client.connect(options()).waitForCompletion(WAIT_MS);
      for (Map.Entry<String, Integer> s : subscriptions.entrySet()) {
        client.subscribe(s.getKey(), s.getValue()).waitForCompletion(WAIT_MS);
      }
      publish(statusTopic, Topics.ONLINE.getBytes(StandardCharsets.UTF_8), 1, true, 0, false)
          .waitForCompletion(WAIT_MS);
    } catch (MqttException | RuntimeException e) {
      failedAttempts++;
      if (failedAttempts == 1 || Long.bitCount(failedAttempts) == 1) {
        LOG.warn("component={} event=connect-failed broker={} attempts={} retryMs={} cause={}", component, uri,
            failedAttempts, backoffMs, e.toString());
      }
      forceDisconnect();
      long delay = backoffMs;
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      scheduleAttempt(delay);
      return;
    }
    if (closed) {
      return;
    }
    if (!client.isConnected()) { // lost again while subscribing: the callback has scheduled a retry
      scheduleAttempt(backoffMs);
      return;
    }
    backoffMs = MIN_BACKOFF_MS;
    failedAttempts = 0;
    connects++;
    listener.up(); // before anyone waiting for the connection sees it
    setUp(true);
    LOG.info("component={} event=connected broker={} clientId={} connects={}", component, uri, config.clientId(),
        connects);
  }

  private void forceDisconnect() {
    try {
      if (client.isConnected()) {
        client.disconnectForcibly(0, 500, false);
      }
    } catch (MqttException | RuntimeException e) {
      LOG.debug("component={} event=force-disconnect-failed cause={}", component, e.toString());
    }
  }

  private void setUp(boolean value) {
    lock.lock();
    try {
      up = value;
      upChanged.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Publishes the retained {@code offline} status, disconnects cleanly and frees the client. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    connector.shutdownNow();
    try {
      connector.awaitTermination(WAIT_MS + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    MqttAsyncClient c = client;
    if (c == null) {
      return;
    }
    try {
      if (c.isConnected()) {
        publish(statusTopic, Topics.OFFLINE.getBytes(StandardCharsets.UTF_8), 1, true, 0, false)
            .waitForCompletion(1000);
        c.disconnect(0).waitForCompletion(1000);
      }
    } catch (MqttException | RuntimeException e) {
      LOG.debug("component={} event=disconnect-failed cause={}", component, e.toString());
      forceDisconnect();
    }
    try {
      c.close(true);
    } catch (MqttException | RuntimeException e) {
      LOG.debug("component={} event=close-failed cause={}", component, e.toString());
    }
    setUp(false);
    LOG.info("component={} event=closed", component);
  }

  private final class Callback implements MqttCallback {
    @Override
    public void disconnected(MqttDisconnectResponse response) {
      boolean wasUp = up;
      if (wasUp) {
        listener.down(); // before anyone waiting for the loss sees it
        losses++;
        if (!closed) {
          LOG.warn("component={} event=connection-lost broker={} cause={}", component, uri, response);
        }
      }
      setUp(false);
      scheduleAttempt(MIN_BACKOFF_MS);
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
      LOG.warn("component={} event=mqtt-error cause={}", component, exception.toString());
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      try {
        listener.message(topic, message);
      } catch (RuntimeException e) {
        LOG.warn("component={} event=listener-failed topic={}", component, topic, e);
      }
    }

    @Override
    public void deliveryComplete(IMqttToken token) {}

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {}

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {}
  }
}
