package io.telos.launch.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.telos.api.Addresses;
import io.telos.api.GoalOutcome;
import io.telos.api.HandoverRequest;
import io.telos.runtime.AgentRuntime;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's presence in the fleet: publishes its robot's status on {@link Fleet#STATUS} every
 * {@link #PERIOD_MS} ms and forwards operator mode requests from any member
 * ({@link Fleet#modeAddress}) to the local mode arbiter — the same requests, with the same checks,
 * as the local console sends. It only reads the runtime and never blocks it: if the cluster is
 * lost the arm keeps its local deadman, watchdogs and kernel, and holds.
 *
 * <p>Status JSON: {@code robot}, {@code member} (this process), {@code mode}, {@code goals_ended},
 * {@code goals_reached}, {@code handover_open}, {@code last_goal}, {@code stamp_ms} (wall clock).
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

  /** @param member how this process names itself in the status (e.g. host/pid) */
  public FleetMember(AgentRuntime runtime, String member) {
    this.runtime = runtime;
    this.robotId = runtime.parts().robotId();
    this.member = member;
    runtime.onOutcome(this::outcome);
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<HandoverRequest>localConsumer(Addresses.handover(robotId), m -> handoverOpen = m.body().open());
    vertx.eventBus().<String>consumer(Fleet.modeAddress(robotId), this::request);
    timer = vertx.setPeriodic(0, PERIOD_MS, t -> vertx.eventBus().publish(Fleet.STATUS, status()));
    LOG.info("component=fleet/{} event=joined member={}", robotId, member);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void outcome(GoalOutcome o) {
    ended.incrementAndGet();
    if (o.reached()) {
      reached.incrementAndGet();
    }
    lastGoal = o.goalId();
  }

  /** The status this member publishes now. */
  String status() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("robot", robotId);
    s.put("member", member);
    s.put("mode", runtime.arbiter().mode().name());
    s.put("goals_ended", ended.get());
    s.put("goals_reached", reached.get());
    s.put("handover_open", handoverOpen);
    s.put("last_goal", lastGoal);
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
    LOG.info("component=fleet/{} event=operator_request request={}", robotId, body);
    // the same path as the local console: the runtime's mode-request address, answered by the arbiter
    vertx.eventBus().<String>request(Addresses.modeRequest(robotId), body, new DeliveryOptions().setLocalOnly(true))
        .onSuccess(r -> m.reply(r.body()))
        .onFailure(e -> m.fail(500, "mode request failed: " + e.getMessage()));
  }
}
