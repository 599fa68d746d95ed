package io.telos.bridge.teleop;

import io.telos.api.Addresses;
import io.telos.api.OperatorCommand;
import io.telos.api.OperatorCommand.Kind;
import io.telos.api.OperatorReply;
import io.telos.model.RobotModel;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
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
 * The operator protocol over MQTT 5, for operator stations that reach only a broker.
 *
 * <ul>
 *   <li>{@code <root>/<robot>/operator/cmd} (station → agent, QoS 1): the {@link OperatorProtocol}
 *       message plus credentials in every message: {@code "user"} and {@code "password"}, or
 *       {@code "user"} and {@code "token"}. A message without valid credentials is refused and
 *       never reaches the agent.
 *   <li>{@code <root>/<robot>/operator/reply/<user>} (agent → station, QoS 1): replies and errors.
 *   <li>{@code <root>/<robot>/operator/state} (QoS 0, 10 Hz) and {@code .../event} (QoS 1): the
 *       console's telemetry and events.
 * </ul>
 *
 * The deadman is the same as in the browser: the lease holder sends {@code heartbeat} faster than
 * {@code teleop.heartbeat_ms}; a station that loses its broker loses the arm to a protective stop.
 */
public final class MqttOperatorStation extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(MqttOperatorStation.class);

  private final String robotId;
  private final ConsoleConfig config;
  private final Authenticator auth;
  private final Telemetry telemetry;
  private final String prefix;
  private final AtomicLong sequence = new AtomicLong();
  private MqttAsyncClient client;
  private long timer = -1;

  public MqttOperatorStation(String robotId, RobotModel model, ConsoleConfig config) {
    if (!config.mqtt()) {
      throw new IllegalArgumentException("teleop.console.mqtt.server is not set");
    }
    this.robotId = robotId;
    this.config = config;
    this.auth = new Authenticator(config);
    this.telemetry = new Telemetry(robotId, model);
    this.prefix = config.mqttTopicRoot() + "/" + robotId + "/operator/";
  }

  /** Topic of the commands. */
  public String commandTopic() {
    return prefix + "cmd";
  }

  public String replyTopic(String user) {
    return prefix + "reply/" + user;
  }

  public String stateTopic() {
    return prefix + "state";
  }

  public String eventTopic() {
    return prefix + "event";
  }

  @Override
  public void start(Promise<Void> started) {
    Context ctx = vertx.getOrCreateContext();
    vertx.executeBlocking(() -> {
      MqttAsyncClient c = new MqttAsyncClient(config.mqttServer(), "telos-operator-" + robotId + "-" + ProcessHandle.current().pid(),
          new MemoryPersistence());
      c.setCallback(new MqttCallback() {
        @Override
        public void disconnected(MqttDisconnectResponse r) {
          LOG.warn("component=operator-mqtt/{} event=disconnected reason=\"{}\"", robotId, r.getReasonString());
        }

        @Override
        public void mqttErrorOccurred(MqttException e) {
          LOG.warn("component=operator-mqtt/{} event=error reason=\"{}\"", robotId, e.toString());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
          String text = new String(message.getPayload(), StandardCharsets.UTF_8);
          ctx.runOnContext(v -> command(text));
        }

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void connectComplete(boolean reconnect, String uri) {
          try {
            c.subscribe(commandTopic(), 1);
          } catch (MqttException e) {
            LOG.warn("component=operator-mqtt/{} event=subscribe_failed reason=\"{}\"", robotId, e.toString());
          }
        }

        @Override
        public void authPacketArrived(int reason, MqttProperties properties) {}
      });
      MqttConnectionOptions o = new MqttConnectionOptions();
      o.setAutomaticReconnect(true);
      o.setCleanStart(true);
      o.setConnectionTimeout(5);
      c.connect(o).waitForCompletion(10_000);
      return c;
    }).onSuccess(c -> {
      client = c;
      telemetry.start(vertx, e -> publish(eventTopic(), e, 1));
      timer = vertx.setPeriodic(100, id -> {
        JsonObject s = telemetry.snapshot();
        if (s != null) {
          publish(stateTopic(), s, 0);
        }
      });
      LOG.info("component=operator-mqtt/{} event=connected server={} commands={}", robotId, config.mqttServer(),
          commandTopic());
      started.complete();
    }).onFailure(e -> started.fail(new IllegalStateException("operator MQTT station: cannot connect to "
        + config.mqttServer() + ": " + e.getMessage(), e)));
  }

  @Override
  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    telemetry.stop();
    MqttAsyncClient c = client;
    if (c != null) {
      try {
        c.disconnect().waitForCompletion(2000);
        c.close();
      } catch (MqttException e) {
        LOG.debug("component=operator-mqtt/{} event=close_failed reason=\"{}\"", robotId, e.toString());
      }
    }
  }

  private void command(String text) {
    JsonObject m;
    try {
      m = new JsonObject(text);
    } catch (RuntimeException e) {
      LOG.warn("component=operator-mqtt/{} event=bad_message reason=\"not a JSON object\"", robotId);
      return;
    }
    Object idValue = m.getValue("id");
    String user = m.getValue("user") instanceof String u ? u : null;
    if (user == null || !user.matches("[A-Za-z0-9_.-]{1,32}")) {
      LOG.warn("component=operator-mqtt/{} event=refused reason=\"no valid user name\"", robotId);
      return;
    }
    Optional<String> op = auth.check(user, m.getString("password"), m.getString("token"));
    if (op.isEmpty()) {
      LOG.warn("component=operator-mqtt/{} event=refused user={} reason=\"wrong password or token\"", robotId, user);
      publish(replyTopic(user), OperatorProtocol.error(idValue, "not authenticated: wrong password or token"), 1);
      return;
    }
    OperatorCommand cmd;
    try {
      cmd = OperatorProtocol.parse(m, op.get(), sequence.getAndIncrement(), 0);
    } catch (OperatorProtocol.ProtocolException e) {
      publish(replyTopic(user), OperatorProtocol.error(idValue, e.getMessage()), 1);
      return;
    }
    vertx.eventBus().<OperatorReply>request(Addresses.teleop(robotId), cmd).onComplete(r -> {
      if (r.failed()) {
        publish(replyTopic(user), OperatorProtocol.error(idValue, "the agent did not answer: " + r.cause().getMessage()), 1);
        return;
      }
      OperatorReply reply = r.result().body();
      boolean quiet = reply.accepted() && (cmd.kind() == Kind.HEARTBEAT || cmd.kind() == Kind.JOG) && idValue == null;
      if (!quiet) {
        publish(replyTopic(user), OperatorProtocol.reply(idValue, reply), 1);
      }
    });
  }

  private void publish(String topic, JsonObject o, int qos) {
    MqttAsyncClient c = client;
    if (c == null || !c.isConnected()) {
      return;
    }
    try {
      c.publish(topic, o.encode().getBytes(StandardCharsets.UTF_8), qos, false);
    } catch (MqttException e) {
      LOG.debug("component=operator-mqtt/{} event=publish_failed topic={} reason=\"{}\"", robotId, topic, e.toString());
    }
  }
}
