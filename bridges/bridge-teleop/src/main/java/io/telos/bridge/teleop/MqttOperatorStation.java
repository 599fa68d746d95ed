package io.telos.bridge.teleop;

import io.telos.api.Addresses;
import io.telos.api.OperatorCommand;
import io.telos.api.OperatorCommand.Kind;
import io.telos.api.OperatorReply;
import io.telos.model.RobotModel;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
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
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator protocol over MQTT 5, for operator stations that reach only a broker.
 *
 * <ul>
 *   <li>{@code <root>/<robot>/operator/cmd} (station → agent, QoS 1): the {@link OperatorProtocol}
 *       message with {@code "user"}, signed ({@link OperatorSignature}: {@code "ts_ms"},
 *       {@code "nonce"} and the MQTT 5 user property {@code telos-sig}). Only when the station's
 *       broker is authenticated ({@link ConsoleConfig#mqttAuthenticated()}) may a message carry
 *       {@code "password"} or {@code "token"} instead. A message that passes neither is refused
 *       and never reaches the agent.
 *   <li>{@code <root>/<robot>/operator/reply/<user>} (agent → station, QoS 1): replies and errors.
 *   <li>{@code <root>/<robot>/operator/state} (QoS 0, 10 Hz) and {@code .../event} (QoS 1): the
 *       console's telemetry and events.
 * </ul>
 *
 * The deadman is the same as in the browser: the lease holder sends {@code heartbeat} faster than
 * {@code teleop.heartbeat_ms}; a station that loses its broker loses the arm to a protective stop.
 */
public final class MqttOperatorStation extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MqttOperatorStation.class);

  private final String robotId;
  private final ConsoleConfig config;
  private final Authenticator auth;
  private final Telemetry telemetry;
  private final String prefix;
  private final AtomicLong sequence = new AtomicLong();
  private final Map<String, byte[]> userKeys = new HashMap<>();
  private final byte[] tokenKey;
  private final OperatorSignature replay = new OperatorSignature();
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
    config.users().forEach((u, pw) -> userKeys.put(u, OperatorSignature.key(u, pw)));
    this.tokenKey = config.token() == null ? null : OperatorSignature.key("*", config.token());
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
  public Future<?> start() {
    Promise<Void> started = Promise.promise();
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
          byte[] payload = message.getPayload();
          String sig = signature(message.getProperties());
          ctx.runOnContext(v -> command(payload, sig));
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
      if (config.mqttUsername() != null) {
        o.setUserName(config.mqttUsername());
        o.setPassword(config.mqttPassword().getBytes(StandardCharsets.UTF_8));
      }
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
      LOG.info("component=operator-mqtt/{} event=connected server={} commands={} accepts={}", robotId,
          config.mqttServer(), commandTopic(), config.mqttAuthenticated() ? "signed_or_password" : "signed_only");
      started.complete();
    }).onFailure(e -> started.fail(new IllegalStateException("operator MQTT station: cannot connect to "
        + config.mqttServer() + ": " + e.getMessage(), e)));
    return started.future();
  }

  @Override
  public Future<?> stop() {
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
    return Future.succeededFuture();
  }

  private static String signature(MqttProperties p) {
    if (p == null || p.getUserProperties() == null) {
      return null;
    }
    return p.getUserProperties().stream().filter(u -> OperatorSignature.PROPERTY.equals(u.getKey()))
        .map(UserProperty::getValue).findFirst().orElse(null);
  }

  /** The operator a message comes from, or an error text. */
  private Optional<String> operator(JsonObject m, byte[] payload, String sig, String user, String[] why) {
    if (sig != null) {
      byte[] key = userKeys.get(user);
      boolean ok = (key != null && OperatorSignature.valid(key, payload, sig))
          || (tokenKey != null && OperatorSignature.valid(tokenKey, payload, sig));
      if (!ok) {
        why[0] = "not authenticated: bad signature";
        return Optional.empty();
      }
      Object ts = m.getValue("ts_ms");
      String stale = replay.fresh(ts instanceof Number n ? n.longValue() : Long.MIN_VALUE / 2,
          m.getValue("nonce") instanceof String n ? n : null, System.currentTimeMillis());
      if (stale != null) {
        why[0] = "not accepted: " + stale;
        return Optional.empty();
      }
      return Optional.of(user);
    }
    if (!config.mqttAuthenticated()) {
      why[0] = "not authenticated: unsigned messages are refused on a broker without log-in; sign it ("
          + OperatorSignature.PROPERTY + ")";
      return Optional.empty();
    }
    Optional<String> op = auth.check(user, m.getString("password"), m.getString("token"));
    if (op.isEmpty()) {
      why[0] = "not authenticated: wrong password or token";
    }
    return op;
  }

  private void command(byte[] payload, String sig) {
    String text = new String(payload, StandardCharsets.UTF_8);
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
    String[] why = {null};
    Optional<String> op;
    try {
      op = operator(m, payload, sig, user, why);
    } catch (ClassCastException e) {
      op = Optional.empty();
      why[0] = "not authenticated: password, token and nonce must be strings";
    }
    if (op.isEmpty()) {
      LOG.warn("component=operator-mqtt/{} event=refused user={} reason=\"{}\"", robotId, user, why[0]);
      publish(replyTopic(user), OperatorProtocol.error(idValue, why[0]), 1);
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
