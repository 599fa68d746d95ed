package io.telos.launch.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.telos.api.Addresses;
import io.telos.api.GoalOutcome;
import io.telos.api.HandoverRequest;
import io.telos.api.OperatorCommand;
import io.telos.api.OperatorReply;
import io.telos.bridge.teleop.OperatorProtocol;
import io.telos.runtime.AgentRuntime;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's presence in the fleet: publishes its robot's status on {@link Fleet#STATUS} every
 * {@link #PERIOD_MS} ms and forwards operator mode requests from any member
 * ({@link Fleet#modeAddress}) to the local mode arbiter — the same requests, with the same checks,
 * as the local console sends. It only reads the runtime and never blocks it: if the cluster is
 * lost the arm keeps its local deadman, watchdogs and kernel, and holds.
 *
 * <p>Operators on other members take, jog and release the arm through
 * {@link Addresses#fleetOperator}: the command goes to this agent's own lease and teleop service,
 * with the operator named {@code name@node} after the cluster node of the console that sent it.
 * One authority per robot — this agent — decides who holds it, so the lease is exactly-one across
 * the cluster without a distributed lock; the cluster manager's failure detection tells when a
 * holder's member is gone ({@link Fleet#onMemberLeft}), and the arm then holds and the lease is
 * revoked. A member paused past that point finds, when it resumes, the lease revoked or held by
 * someone else: its heartbeats and jogs are refused. While an operator holds the lease, mode
 * requests from the fleet other than e-stop are refused (take the lease to change the mode).
 *
 * <p>Status JSON: {@code robot}, {@code member} (this process), {@code node} (its cluster node),
 * {@code mode}, {@code holder} (the lease), {@code goals_ended}, {@code goals_reached},
 * {@code handover_open}, {@code last_goal}, {@code stamp_ms} (wall clock); with a store
 * {@code steps_durable} (steps it acknowledged); following the fleet's models {@code model_version}
 * (0: the analytic model), {@code model_on_trial} and {@code model_withdrawn} (rolled back here).
 */
public final class FleetMember extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(FleetMember.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Status period, ms. */
  public static final long PERIOD_MS = 1000;
  /** What an operator may ask across the fleet ({@link Addresses#FLEET_REQUESTS}). */
  static final Set<String> REQUESTS = Addresses.FLEET_REQUESTS;

  private final AgentRuntime runtime;
  private final String robotId;
  private final String member;
  private final AtomicLong ended = new AtomicLong();
  private final AtomicLong reached = new AtomicLong();
  private volatile boolean handoverOpen;
  private volatile String lastGoal = "";
  private long timer;
  private long sequence;
  private final List<MessageConsumer<String>> consumers = new ArrayList<>();
  private long checkingSinceNs;
  private long checkFailures;
  /** How long one look-up of the fleet's models may take before it is given up, ns. */
  private static final long CHECK_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
  /** How often the fleet's newest model release is looked up, ms. */
  static final long MODEL_CHECK_MS = 1000;
  private String node = "local";
  private static final Pattern OPERATOR = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final Pattern NODE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final ModelInstaller models;

  private final LongSupplier durableSteps;

  /** A member that does not follow the fleet trainer's models and reports no store. */
  public FleetMember(AgentRuntime runtime, String member) {
    this(runtime, member, null, null);
  }

  /**
   * @param member how this process names itself in the status (e.g. host/pid)
   * @param models installs the fleet trainer's releases for the planner, or null to ignore them
   * @param durableSteps steps the episode store has acknowledged as durable so far, or null without a store
   */
  public FleetMember(AgentRuntime runtime, String member, ModelInstaller models, LongSupplier durableSteps) {
    this.runtime = runtime;
    this.robotId = runtime.parts().robotId();
    this.member = member;
    this.models = models;
    this.durableSteps = durableSteps;
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<HandoverRequest>localConsumer(Addresses.handover(robotId), m -> handoverOpen = m.body().open());
    node = Fleet.nodeId(vertx);
    var here = context;
    register();
    // a member that was cut off and merged back may have lost its place in the bus's registry
    Fleet.onRejoined(vertx, () -> here.runOnContext(v -> {
      LOG.warn("component=fleet/{} event=rejoined node={}: registering again", robotId, node);
      consumers.forEach(MessageConsumer::unregister);
      register();
    }));
    Fleet.onMemberLeft(vertx, left -> here.runOnContext(v -> memberLeft(left)));
    runtime.onOutcome(o -> here.runOnContext(v -> outcome(o)));
    if (models != null) { // the trainer's releases are read from the cluster-wide map, not awaited
      vertx.setPeriodic(MODEL_CHECK_MS, id -> checkModels());
    }
    timer = vertx.setPeriodic(0, PERIOD_MS, t -> vertx.eventBus().publish(Fleet.STATUS, status()));
    LOG.info("component=fleet/{} event=joined member={}", robotId, member);
    return Future.succeededFuture();
  }

  /** The addresses the fleet reaches this agent at. */
  private void register() {
    consumers.clear();
    consumers.add(vertx.eventBus().<String>consumer(Fleet.modeAddress(robotId), this::request));
    consumers.add(vertx.eventBus().<String>consumer(Addresses.fleetOperator(robotId), this::operator));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    Fleet.release(vertx, robotId);
    return Future.succeededFuture();
  }

  private void outcome(GoalOutcome o) {
    ended.incrementAndGet();
    if (o.reached()) {
      reached.incrementAndGet();
    }
    lastGoal = o.goalId();
    if (models != null) {
      models.outcome(o.reached());
    }
  }

  /** Reads the fleet's newest release number and fetches the release when it is the next to run here. */
  private void checkModels() {
    long now = System.nanoTime();
    if (checkingSinceNs != 0 && now - checkingSinceNs < CHECK_TIMEOUT_NS) {
      return; // the last look-up is still out (a look-up that never answers is given up after the timeout)
    }
    checkingSinceNs = now;
    vertx.sharedData().<String, String>getAsyncMap(Addresses.fleetModels())
        .compose(map -> map.get(FleetTrainer.LATEST).compose(latest -> {
          int want = latest == null ? 0 : models.wanted(Integer.parseInt(latest));
          return want == 0 ? Future.<String>succeededFuture() : map.get("v" + want);
        }))
        .timeout(CHECK_TIMEOUT_NS, TimeUnit.NANOSECONDS)
        .onComplete(ar -> {
          checkingSinceNs = 0;
          if (ar.failed()) {
            if (checkFailures++ % 30 == 0) { // the first, then every 30th: the cluster may be reshuffling
              LOG.warn("component=fleet/{} event=model_check_failed failures={} reason=\"{}\"", robotId,
                  checkFailures, ar.cause().toString());
            }
          } else if (ar.result() != null) {
            release(ar.result());
          }
        });
  }

  /** A model release from the fleet trainer: checked and, when it is the next to run here, installed. */
  private void release(String text) {
    ModelRelease r;
    try {
      r = ModelRelease.parse(text);
    } catch (IllegalArgumentException e) {
      LOG.warn("component=fleet/{} event=model_release_unreadable reason=\"{}\"", robotId, e.getMessage());
      return;
    }
    try {
      models.offer(r);
    } catch (RuntimeException e) {
      LOG.error("component=fleet/{} event=model_install_failed version={} reason=\"{}\"", robotId, r.version(),
          e.getMessage());
    }
  }

  /** The status this member publishes now. */
  String status() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("robot", robotId);
    s.put("member", member);
    s.put("node", node);
    s.put("mode", runtime.arbiter().mode().name());
    s.put("holder", runtime.lease().holder());
    s.put("goals_ended", ended.get());
    s.put("goals_reached", reached.get());
    s.put("handover_open", handoverOpen);
    s.put("last_goal", lastGoal);
    if (durableSteps != null) {
      s.put("steps_durable", durableSteps.getAsLong());
    }
    if (models != null) {
      s.put("model_version", models.version());
      s.put("model_on_trial", models.onTrial());
      s.put("model_withdrawn", models.withdrawn());
    }
    s.put("stamp_ms", System.currentTimeMillis());
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void request(Message<String> m) {
    String body = m.body() == null ? "" : m.body().strip();
    if (body.equals(Fleet.WHO)) {
      m.reply(member);
      return;
    }
    if (!REQUESTS.contains(body)) {
      m.reply("REFUSED unknown request '" + body + "' (one of " + String.join(", ", REQUESTS.stream().sorted().toList())
          + ")");
      return;
    }
    String holder = runtime.lease().holder();
    if (!holder.isEmpty() && !body.equals("estop")) {
      m.reply("REFUSED the lease is held by '" + holder + "'");
      return;
    }
    LOG.info("component=fleet/{} event=operator_request request={}", robotId, body);
    // the same path as the local console: the runtime's mode-request address, answered by the arbiter
    vertx.eventBus().<String>request(Addresses.modeRequest(robotId), body, LOCAL)
        .onSuccess(r -> m.reply(r.body()))
        .onFailure(e -> m.fail(500, "mode request failed: " + e.getMessage()));
  }

  /** An operator command from a console on any member (see the class comment). */
  private void operator(Message<String> m) {
    JsonObject o;
    try {
      o = OperatorProtocol.object(m.body() == null ? "" : m.body());
    } catch (OperatorProtocol.ProtocolException e) {
      m.reply(OperatorProtocol.error(null, e.getMessage()).encode());
      return;
    }
    Object id = o.getValue("id");
    String name = o.getValue("operator") instanceof String n ? n : "";
    String via = o.getValue("member") instanceof String v ? v : "";
    if (!OPERATOR.matcher(name).matches() || !NODE.matcher(via).matches()) {
      m.reply(OperatorProtocol.error(id, "a fleet operator command needs \"operator\" (a name) and \"member\""
          + " (the console's cluster node)").encode());
      return;
    }
    OperatorCommand cmd;
    try {
      cmd = OperatorProtocol.parse(o, name + "@" + via, sequence++, 0);
    } catch (OperatorProtocol.ProtocolException e) {
      m.reply(OperatorProtocol.error(id, e.getMessage()).encode());
      return;
    }
    vertx.eventBus().<OperatorReply>request(Addresses.teleop(robotId), cmd, LOCAL)
        .onSuccess(r -> m.reply(OperatorProtocol.reply(id, r.body()).encode()))
        .onFailure(e -> m.reply(OperatorProtocol.error(id, "the agent did not answer: " + e.getMessage()).encode()));
  }

  /** A member the cluster dropped: if it held this robot's lease, the arm holds and the lease goes. */
  private void memberLeft(String left) {
    String holder = runtime.lease().holder();
    if (!holder.endsWith("@" + left)) {
      return;
    }
    LOG.warn("component=fleet/{} event=lease_holder_left operator={} node={}", robotId, holder, left);
    // TELEOP -> HOLD: the teleop service revokes the lease on that transition, the arm brakes to rest
    vertx.eventBus().<String>request(Addresses.modeRequest(robotId), "HOLD", LOCAL)
        .onFailure(e -> LOG.error("component=fleet/{} event=hold_failed reason=\"{}\"", robotId, e.getMessage()));
  }
}
