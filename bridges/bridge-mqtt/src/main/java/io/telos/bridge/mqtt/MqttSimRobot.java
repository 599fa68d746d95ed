package io.telos.bridge.mqtt;

import io.telos.api.Clock;
import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.ObjectPose;
import io.telos.api.Vec;
import io.telos.api.camera.CameraFrame;
import io.telos.api.config.ConfigException;
import io.telos.api.spi.RobotHardware;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The robot side of the MQTT contract: exposes a local {@link RobotHardware} (a simulator, a
 * mock, a driver) to an agent over a broker, exactly as a real robot controller would.
 *
 * <p>One loop thread, at {@code state_rate_hz} (default 250): apply the newest command received
 * on {@code <prefix>command} unless its MQTT 5 message expiry has run out (then it is dropped and
 * counted), advance the robot with the optional stepper ({@code stepper.accept(periodNs)}, for a
 * simulator the caller steps), read it and publish the state on {@code <prefix>state} (with the
 * same expiry as commands). Commands are matched by joint name; an invalid one is dropped and
 * counted. Publishes a retained {@code online} on {@code <prefix>robot_status}, with a retained
 * {@code offline} last will. Commands that arrive while the loop is between ticks are replaced by
 * newer ones; nothing received before a disconnect is applied after it. All calls to the robot
 * happen on the loop thread. The caller starts and closes the robot itself.
 *
 * <p>Paced by the injected clock, which must be a wall clock.
 *
 * <p>The robot's own dynamics are its business: {@code telos sim-robot --lag-s … --dead-time-ms …
 * --max-velocity …} hands it a slow simulated arm (the {@code sim} bridge's {@code lag_s},
 * {@code dead_time_ms} and {@code max_velocity}), which this class serves unchanged.
 */
public final class MqttSimRobot implements AutoCloseable {
  public static final String STATE_RATE_HZ = "state_rate_hz";
  public static final double DEFAULT_STATE_RATE_HZ = 250;

  private static final Logger LOG = LoggerFactory.getLogger(MqttSimRobot.class);

  private final RobotHardware robot;
  private final MqttConfig config;
  private final Clock clock;
  private final LongConsumer stepper;
  private volatile long framesPublished;
  private final long periodNs;
  private final Topics topics;
  private final JointJson json;
  private final String component;
  private final AtomicReference<Pending> mailbox = new AtomicReference<>();

  private EmbeddedBroker broker;
  private MqttLink link;
  private Thread loop;
  private volatile boolean running;

  private volatile long statesPublished;
  private volatile long commandsReceived;
  private volatile long commandsApplied;
  private volatile long commandsRejected;
  private volatile long commandsExpired;
  private volatile String lastRejection;
  private volatile JointCommand lastApplied;

  private record Pending(JointCommand command, long deadlineNs) {}

  /**
   * @param robot the local robot; its {@link RobotHardware#jointNames()} give the joint order
   * @param config broker, prefix, QoS, expiry, credentials (its client id should differ from the agent's)
   * @param stateRateHz loop and state rate, in (0, 10000]
   * @param stepper called with the period on every tick before reading, or null when the robot runs on its own
   */
  public MqttSimRobot(RobotHardware robot, MqttConfig config, Clock clock, double stateRateHz, LongConsumer stepper) {
    this.robot = Objects.requireNonNull(robot, "robot");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (!(stateRateHz > 0 && stateRateHz <= 10_000)) {
      throw new IllegalArgumentException(STATE_RATE_HZ + " must be in (0, 10000], was " + stateRateHz);
    }
    this.periodNs = Math.round(1e9 / stateRateHz);
    this.stepper = stepper;
    this.topics = config.topics();
    this.json = new JointJson(robot.jointNames());
    this.component = "mqtt-robot/" + robot.robotId();
    robot.onFrame(this::publishFrame); // a simulated arm with scene.camera: its pictures, on its camera thread
  }

  /**
   * Builds one from a {@code bridge:}-style section: the {@link MqttConfig} keys (the default
   * client id is {@code telos-<robotId>-robot}) plus {@code state_rate_hz}.
   *
   * @throws ConfigException naming the key
   */
  public static MqttSimRobot create(RobotHardware robot, Map<String, ?> settings, Clock clock, LongConsumer stepper) {
    Map<String, Object> rest = new HashMap<>(settings);
    Object rate = rest.remove(STATE_RATE_HZ);
    double hz = DEFAULT_STATE_RATE_HZ;
    if (rate != null) {
      if (!(rate instanceof Number n) || !(n.doubleValue() > 0 && n.doubleValue() <= 10_000)) {
        throw new ConfigException("bridge." + STATE_RATE_HZ + ": must be a number in (0, 10000], was " + rate);
      }
      hz = n.doubleValue();
    }
    String id = robot.robotId();
    MqttConfig config = MqttConfig.parse(id, rest, "telos-" + id + "-robot");
    return new MqttSimRobot(robot, config, clock, hz, stepper);
  }

  /** Starts the embedded broker when configured, then connects in the background and starts the loop. */
  public synchronized void start() throws IOException, MqttException {
    if (running) {
      return;
    }
    String uri = config.broker();
    if (config.embedded()) {
      broker = new EmbeddedBroker(config.port(), config.brokerUsers()).start();
      uri = broker.uri();
    }
    link = new MqttLink(component, config, uri, topics.robotStatus(), Map.of(topics.command(), config.qosCommand()),
        new Listener());
    running = true;
    loop = Thread.ofPlatform().name("telos-mqtt-robot-" + robot.robotId()).daemon(true).unstarted(this::run);
    loop.start();
    link.start();
    LOG.info("component={} event=start broker={} prefix={} rateHz={}", component, uri, topics.prefix(),
        1e9 / periodNs);
  }

  public boolean awaitConnected(long timeout, TimeUnit unit) throws InterruptedException {
    MqttLink l = link;
    return l != null && l.awaitUp(timeout, unit);
  }

  public boolean connected() {
    MqttLink l = link;
    return l != null && l.up();
  }

  /** The broker URI in use (the embedded broker's real port once started). */
  public String brokerUri() {
    MqttLink l = link;
    return l == null ? config.broker() : l.uri();
  }

  /** The embedded broker, or null. */
  public EmbeddedBroker embeddedBroker() {
    return broker;
  }

  public MqttConfig config() {
    return config;
  }

  public long statesPublished() {
    return statesPublished;
  }

  public long commandsReceived() {
    return commandsReceived;
  }

  public long commandsApplied() {
    return commandsApplied;
  }

  public long commandsRejected() {
    return commandsRejected;
  }

  /** Commands whose message expiry ran out before the loop could apply them. */
  public long commandsExpired() {
    return commandsExpired;
  }

  public String lastRejection() {
    return lastRejection;
  }

  /** The last command passed to the robot, or null. */
  public JointCommand lastApplied() {
    return lastApplied;
  }

  @Override
  public synchronized void close() {
    if (!running) {
      return;
    }
    running = false;
    Thread t = loop;
    if (t != null) {
      LockSupport.unpark(t);
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    link.close();
    if (broker != null) {
      broker.stop();
    }
    LOG.info("component={} event=stop states={} applied={} rejected={} expired={}", component, statesPublished,
        commandsApplied, commandsRejected, commandsExpired);
  }

  private void run() {
    long next = clock.nanos();
    List<String> names = robot.jointNames();
    while (running) {
      try {
        tick(names);
      } catch (RuntimeException e) {
        LOG.warn("component={} event=tick-failed", component, e);
      }
      next += periodNs;
      long now = clock.nanos();
      long wait = next - now;
      if (wait > 0) {
        LockSupport.parkNanos(this, wait);
      } else if (-wait > 5 * periodNs) {
        next = now; // fell far behind: drop the lag instead of bursting
      }
    }
  }

  private void tick(List<String> names) {
    Pending p = mailbox.getAndSet(null);
    if (p != null) {
      if (clock.nanos() > p.deadlineNs) {
        commandsExpired++;
      } else {
        robot.write(p.command);
        lastApplied = p.command;
        commandsApplied++;
      }
    }
    if (stepper != null) {
      stepper.accept(periodNs);
    }
    JointState s = robot.read();
    if (s == null || !link.up()) {
      return;
    }
    try {
      link.publish(topics.state(), JointJson.encodeState(s), config.qosState(), false, config.commandExpiryS(), true);
      statesPublished++;
      List<ObjectPose> tracked = robot.objects();
      if (!tracked.isEmpty()) { // what a tracker beside the robot would publish
        link.publish(topics.objects(), ObjectsJson.encode(tracked, s.header().stampNs()), config.qosState(), false,
            config.commandExpiryS(), true);
      }
    } catch (MqttException e) {
      LOG.debug("component={} event=state-not-sent cause={}", component, e.toString());
    }
  }

  /** Sends a picture on {@code <prefix>camera} (QoS 0: a late picture is worth less than the next one). */
  private void publishFrame(CameraFrame frame) {
    MqttLink l = link;
    if (l == null || !l.up()) {
      return;
    }
    try {
      l.publish(topics.camera(), CameraImages.encode(frame), 0, false, config.commandExpiryS(), false);
      framesPublished++;
    } catch (MqttException e) {
      LOG.debug("component={} event=frame_not_sent cause={}", component, e.toString());
    }
  }

  /** Pictures sent on {@code <prefix>camera}. */
  public long framesPublished() {
    return framesPublished;
  }

  private final class Listener implements MqttLink.Listener {
    @Override
    public void message(String topic, MqttMessage message) {
      if (!topic.equals(topics.command())) {
        return;
      }
      long now = clock.nanos();
      commandsReceived++;
      JointJson.Command c;
      try {
        c = json.decodeCommand(message.getPayload());
      } catch (JointJson.Rejected e) {
        lastRejection = e.getMessage(); // before the count: whoever sees the count sees the reason
        long n = ++commandsRejected;
        if (Long.bitCount(n) == 1) {
          LOG.warn("component={} event=command-rejected count={} reason={}", component, n, e.getMessage());
        }
        return;
      }
      Long expiry = message.getProperties() == null ? null : message.getProperties().getMessageExpiryInterval();
      long deadline = expiry == null ? Long.MAX_VALUE : now + TimeUnit.SECONDS.toNanos(expiry);
      JointCommand cmd = new JointCommand(new Header(c.seq(), now, "mqtt/" + robot.robotId() + "/agent", ""),
          robot.jointNames(), Vec.of(c.position()), Vec.of(c.velocity()), c.mode());
      mailbox.set(new Pending(cmd, deadline));
    }

    @Override
    public void down() {
      mailbox.set(null);
    }
  }
}
