package io.telos.launch;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.JointCommand;
import io.telos.api.Observation;
import io.telos.planner.InstrumentedPlanner;
import io.telos.planner.MppiPlanner;
import io.telos.planner.PlanDiagnostics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warm-starts the low-level planner from similar past situations: at each new goal and then every
 * {@code intervalNs} of observation time it asks the memory's recall service (request/reply on the
 * bus) for the steps nearest to the current state, takes what was done next in the nearest episode
 * that reached its goal (the same goal id first), turns those recorded command positions into joint
 * velocities at the planner's model step, and offers them to MPPI before its next call. MPPI scores
 * the suggestion like any sample, so a poor one costs one sample, never safety.
 *
 * <p>Replies arrive asynchronously: a lock-step run with recall is repeatable only up to when the
 * replies land, so recall is opt-in ({@code memory.recall: true}).
 */
final class RecallWarmStart implements InstrumentedPlanner {
  private static final Logger LOG = LoggerFactory.getLogger(RecallWarmStart.class);

  private final MppiPlanner inner;
  private final Vertx vertx;
  private final String address;
  private final double recordPeriodS;
  private final long intervalNs;
  private final AtomicReference<double[]> pending = new AtomicReference<>();
  private final AtomicBoolean inFlight = new AtomicBoolean();
  private final AtomicLong asked = new AtomicLong();
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong offered = new AtomicLong();
  private String lastGoal = "";
  private long lastAskNs = Long.MIN_VALUE;

  /**
   * @param recordPeriodS spacing of the recorded steps (the observation period of the recording run)
   */
  RecallWarmStart(MppiPlanner inner, Vertx vertx, String address, double recordPeriodS, long intervalNs) {
    this.inner = inner;
    this.vertx = vertx;
    this.address = address;
    this.recordPeriodS = recordPeriodS;
    this.intervalNs = intervalNs;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public ActionChunk plan(Observation obs, Goal goal) {
    double[] suggestion = pending.getAndSet(null);
    if (suggestion != null && suggestion.length > 0) {
      inner.offerWarmStart(suggestion);
      offered.incrementAndGet();
    }
    long t = obs.header().stampNs();
    boolean newGoal = !goal.id().equals(lastGoal);
    if ((newGoal || t - lastAskNs >= intervalNs) && inFlight.compareAndSet(false, true)) {
      lastGoal = goal.id();
      lastAskNs = t;
      ask(obs, goal.id());
    }
    return inner.plan(obs, goal);
  }

  private void ask(Observation obs, String goalId) {
    JsonArray state = new JsonArray();
    for (int i = 0; i < obs.position().size(); i++) {
      state.add(obs.position().get(i));
    }
    for (int i = 0; i < obs.velocity().size(); i++) {
      state.add(obs.velocity().get(i));
    }
    int needed = (int) Math.min(1000, Math.ceil(inner.config().horizon() * inner.config().dtS() / recordPeriodS) + 1);
    JsonObject req = new JsonObject().put("vector", state).put("k", 8).put("horizon", needed).put("space", "state");
    asked.incrementAndGet();
    vertx.eventBus().<JsonObject>request(address, req).onComplete(r -> {
      inFlight.set(false);
      if (r.failed()) {
        LOG.debug("component=recall-warm-start event=no_reply reason=\"{}\"", r.cause().toString());
        return;
      }
      answered.incrementAndGet();
      double[] actions = actions(r.result().body(), goalId, obs.position().size());
      if (actions != null) {
        pending.set(actions);
      }
    });
  }

  /** The nearest successful neighbour's next commands as velocities at the model step, or null. */
  double[] actions(JsonObject reply, String goalId, int n) {
    JsonArray ns = reply.getJsonArray("neighbours", new JsonArray());
    JsonObject best = null;
    for (int pass = 0; pass < 2 && best == null; pass++) {
      for (int i = 0; i < ns.size(); i++) {
        JsonObject nb = ns.getJsonObject(i);
        if ("reached".equalsIgnoreCase(nb.getString("outcome", "")) && (pass == 1 || goalId.equals(nb.getString("goal")))) {
          best = nb;
          break;
        }
      }
    }
    if (best == null) {
      return null;
    }
    JsonArray first = best.getJsonArray("command", new JsonArray());
    JsonArray next = best.getJsonArray("next", new JsonArray());
    if (first.size() != n || next.isEmpty()) {
      return null;
    }
    double[][] seq = new double[next.size() + 1][n];
    for (int j = 0; j < n; j++) {
      seq[0][j] = first.getDouble(j);
    }
    for (int s = 0; s < next.size(); s++) {
      JsonArray p = next.getJsonArray(s);
      if (p.size() != n) {
        return null;
      }
      for (int j = 0; j < n; j++) {
        seq[s + 1][j] = p.getDouble(j);
      }
    }
    double dt = inner.config().dtS();
    double span = (seq.length - 1) * recordPeriodS;
    int steps = (int) Math.min(inner.config().horizon(), Math.floor(span / dt));
    if (steps < 1) {
      return null;
    }
    double[] out = new double[steps * n];
    for (int k = 0; k < steps; k++) {
      for (int j = 0; j < n; j++) {
        out[k * n + j] = (at(seq, (k + 1) * dt, j) - at(seq, k * dt, j)) / dt;
        if (!Double.isFinite(out[k * n + j])) {
          return null;
        }
      }
    }
    return out;
  }

  private double at(double[][] seq, double t, int j) {
    double x = t / recordPeriodS;
    int i = (int) Math.floor(x);
    if (i >= seq.length - 1) {
      return seq[seq.length - 1][j];
    }
    double f = x - i;
    return seq[i][j] + f * (seq[i + 1][j] - seq[i][j]);
  }

  @Override
  public void commanded(JointCommand command) {
    inner.commanded(command);
  }

  @Override
  public void reset() {
    pending.set(null);
    lastGoal = "";
    inner.reset();
  }

  @Override
  public PlanDiagnostics lastDiagnostics() {
    return inner.lastDiagnostics();
  }

  /** Requests sent, replies received, suggestions offered, suggestions MPPI kept (won a sample). */
  String figures() {
    return "asked=" + asked.get() + " answered=" + answered.get() + " offered=" + offered.get() + " used="
        + inner.warmStartsUsed();
  }

  long offered() {
    return offered.get();
  }
}
