package io.telos.bridge.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.telos.api.Clock;
import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.ObjectPose;
import io.telos.api.Vec;
import io.telos.api.camera.CameraFrame;
import io.telos.bridge.common.Rejections;
import io.telos.bridge.common.WireRobotHardware;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bridge.type: mqtt}: a robot that speaks the Telos MQTT 5 contract (see {@link Topics}
 * and the module README).
 *
 * <ul>
 *   <li>{@link #read()} returns the latest valid state from {@code <prefix>state}, joints matched
 *       by name and returned in {@link #jointNames()} order, stamped with the injected clock on
 *       arrival. A state that is not valid JSON, has a non-finite value, names an unknown joint or
 *       misses one is dropped and counted ({@link #rejectedStates()}); {@link #health()} is
 *       {@link Health#DEGRADED} for one second after each rejection. The runtime's watchdog turns
 *       a state that stops arriving into HOLD.
 *   <li>{@link #write(JointCommand)} never blocks: it puts the command into a one-slot mailbox
 *       (the latest wins) that a publisher thread sends to {@code <prefix>command} with an MQTT 5
 *       message expiry interval. Commands are dropped, never queued, while disconnected, and a
 *       command older than the expiry interval is never sent.
 *   <li>{@link #health()} is {@link Health#LOST} while disconnected from the broker or while the
 *       robot's retained {@code robot_status} is {@code offline}; the client reconnects with
 *       back-off on its own.
 *   <li>{@code <prefix>estop}: any non-empty message is passed to the {@link #onEstop} listeners
 *       (the composition root connects them to the mode arbiter).
 *   <li>{@code <prefix>camera}: pictures are decoded on the bridge's camera thread and handed to the
 *       {@link #onFrame} listeners; while one is being decoded or handed over, a newer arrival
 *       replaces the waiting one ({@link #imagesDropped()}). Refused pictures become
 *       {@code onRejected} reports.
 * </ul>
 */
public final class MqttRobotHardware extends WireRobotHardware {
  private static final Logger LOG = LoggerFactory.getLogger(MqttRobotHardware.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final long PUBLISH_WAIT_MS = 1000;

  private final MqttConfig config;
  private final Topics topics;
  private final JointJson json;
  private final long expiryNs;
  private final Rejections.Kind rejectedObjects;
  /** The newest picture not yet decoded, with its arrival time; a newer one replaces it. */
  private final AtomicReference<Arrived> images = new AtomicReference<>();
  private final AtomicLong imagesDropped = new AtomicLong();
  private Thread decoder;

  private record Arrived(byte[] payload, long stampNs) {}

  private EmbeddedBroker broker;
  private MqttLink link;
  private IMqttToken previous;
  private volatile boolean running;

  private volatile JointState latest;
  /** Objects older than this are no longer reported: a tracker that went quiet is not trusted. */
  static final long OBJECTS_TIMEOUT_NS = 500_000_000L;
  private volatile List<ObjectPose> objects = List.of();
  private long stateSequence;
  private volatile boolean robotOffline;

  /**
   * @param jointNames the chain's joint names: the order of {@link #read()} and of commands
   */
  public MqttRobotHardware(String robotId, List<String> jointNames, MqttConfig config, Clock clock) {
    super("mqtt", robotId, jointNames, clock);
    this.config = Objects.requireNonNull(config, "config");
    this.topics = config.topics();
    this.json = new JointJson(jointNames());
    this.expiryNs = TimeUnit.SECONDS.toNanos(config.commandExpiryS());
    this.rejectedObjects = rejections.kind("objects");
  }

  public MqttConfig config() {
    return config;
  }

  public Topics topics() {
    return topics;
  }

  /**
   * Starts the embedded broker when configured (and fails when its port is taken), then connects
   * in the background: returns without waiting for the broker. Use {@link #awaitConnected} to wait.
   */
  @Override
  public synchronized void start() throws Exception {
    if (running) {
      return;
    }
    String uri = config.broker();
    if (config.embedded()) {
      broker = new EmbeddedBroker(config.port(), config.brokerUsers());
      try {
        broker.start();
      } catch (IOException e) {
        throw new IllegalStateException("bridge." + MqttConfig.PORT + ": " + e.getMessage(), e);
      }
      uri = broker.uri();
    }
    running = true;
    previous = null;
    link = new MqttLink(component, config, uri, topics.status(),
        Map.of(topics.state(), config.qosState(), topics.robotStatus(), 1, topics.estop(), 1, topics.objects(),
            config.qosState(), topics.camera(), 0), new Listener());
    decoder = Thread.ofPlatform().daemon(true).name("telos-mqtt-camera-" + robotId()).start(this::decodeImages);
    outbox.start();
    link.start();
    LOG.info("component={} event=start broker={} prefix={} joints={} qosState={} qosCommand={} expiryS={}",
        component, uri, topics.prefix(), jointNames().size(), config.qosState(), config.qosCommand(),
        config.commandExpiryS());
  }

  /** Waits until connected and subscribed. */
  public boolean awaitConnected(long timeout, TimeUnit unit) throws InterruptedException {
    MqttLink l = link;
    return l != null && l.awaitUp(timeout, unit);
  }

  /** Waits until the connection is lost. */
  public boolean awaitDisconnected(long timeout, TimeUnit unit) throws InterruptedException {
    MqttLink l = link;
    return l == null || l.awaitDown(timeout, unit);
  }

  /** The broker URI in use (the embedded broker's real port once started). */
  public String brokerUri() {
    MqttLink l = link;
    return l == null ? config.broker() : l.uri();
  }

  /** The embedded broker, or null when {@code broker} is a URI. */
  public EmbeddedBroker embeddedBroker() {
    return broker;
  }

  @Override
  public JointState read() {
    return latest;
  }

  /** The poses of the last {@code objects} message, or none once it is older than 500 ms. */
  @Override
  public List<ObjectPose> objects() {
    List<ObjectPose> o = objects;
    return o.isEmpty() || clock.nanos() - o.get(0).stampNs() > OBJECTS_TIMEOUT_NS ? List.of() : o;
  }

  @Override
  public Health health() {
    MqttLink l = link;
    if (l == null || !l.up() || robotOffline) {
      return Health.LOST;
    }
    if (recentlyRefused()) {
      return Health.DEGRADED;
    }
    return Health.OK;
  }

  /** Successful (re)connections so far. */
  public long connects() {
    MqttLink l = link;
    return l == null ? 0 : l.connects();
  }

  @Override
  public synchronized void close() {
    if (!running) {
      return;
    }
    running = false;
    if (decoder != null) {
      LockSupport.unpark(decoder);
    }
    outbox.close(PUBLISH_WAIT_MS + 1000);
    link.close();
    if (broker != null) {
      broker.stop();
    }
    logStop();
  }

  // ------------------------------------------------------------------ publisher

  /** Sends one command on the outbox's thread, at most one in flight: false drops it (link down, stale). */
  @Override
  protected boolean send(JointCommand taken) throws MqttException {
    if (!link.up()) {
      return false;
    }
    if (clock.nanos() - taken.header().stampNs() > expiryNs) {
      return false; // written long ago (e.g. before a reconnect): never send a stale command
    }
    try {
      if (previous != null) {
        previous.waitForCompletion(PUBLISH_WAIT_MS);
      }
    } catch (MqttException e) {
      LOG.debug("component={} event=command_not_delivered cause=\"{}\"", component, e.toString());
    }
    JointCommand c = outbox.newest(taken); // the wait may have taken a while
    previous = null; // stays null when publishing throws
    previous = link.publish(topics.command(), JointJson.encodeCommand(c), config.qosCommand(), false,
        config.commandExpiryS(), true);
    return true;
  }

  // ------------------------------------------------------------------ receiver

  private final class Listener implements MqttLink.Listener {
    @Override
    public void message(String topic, MqttMessage message) {
      if (topic.equals(topics.state())) {
        state(message.getPayload());
      } else if (topic.equals(topics.robotStatus())) {
        String s = new String(message.getPayload(), StandardCharsets.UTF_8).trim();
        boolean offline = Topics.OFFLINE.equals(s);
        if (offline != robotOffline) {
          LOG.info("component={} event=robot_status status={}", component, offline ? Topics.OFFLINE : s);
        }
        robotOffline = offline;
      } else if (topic.equals(topics.estop())) {
        estopMessage(message.getPayload());
      } else if (topic.equals(topics.objects())) {
        objects(message.getPayload());
      } else if (topic.equals(topics.camera())) {
        if (images.getAndSet(new Arrived(message.getPayload(), clock.nanos())) != null) {
          imagesDropped.incrementAndGet();
        } else {
          LockSupport.unpark(decoder);
        }
      }
    }

    @Override
    public void down() {
      outbox.discard(); // whatever was waiting is stale by the time we are back
    }
  }

  private void state(byte[] payload) {
    JointJson.State s;
    try {
      s = json.decodeState(payload);
    } catch (JointJson.Rejected e) {
      rejectedState.refuse(clock.nanos(), e.getMessage());
      return;
    }
    latest = new JointState(Header.of(stateSequence++, clock.nanos(), component), jointNames(), Vec.of(s.position()),
        Vec.of(s.velocity()), Vec.of(s.effort()));
    accepted();
  }

  /** Decodes pictures off the MQTT client's thread (a PNG takes milliseconds) and hands them to the listeners. */
  private void decodeImages() {
    while (running) {
      Arrived a = images.getAndSet(null);
      if (a == null) {
        LockSupport.park(this);
        continue;
      }
      CameraFrame f;
      try {
        f = CameraImages.decode(a.payload(), a.stampNs());
      } catch (JointJson.Rejected e) {
        rejectedImages.refuse(clock.nanos(), e.getMessage());
        continue;
      }
      deliver(f);
    }
  }

  /** Pictures replaced by a newer one before they were decoded. */
  public long imagesDropped() {
    return imagesDropped.get();
  }

  private void objects(byte[] payload) {
    try {
      objects = ObjectsJson.decode(payload, clock.nanos());
    } catch (JointJson.Rejected e) {
      rejectedObjects.refuse(clock.nanos(), e.getMessage());
    }
  }

  private void estopMessage(byte[] payload) {
    if (payload.length == 0) {
      return; // clearing a retained e-stop
    }
    String reason = new String(payload, StandardCharsets.UTF_8).trim();
    try {
      JsonNode n = MAPPER.readTree(payload);
      if (n != null && n.hasNonNull("reason")) {
        reason = n.get("reason").asText();
      }
    } catch (IOException e) {
      // plain text is fine
    }
    estop(reason);
  }
}
