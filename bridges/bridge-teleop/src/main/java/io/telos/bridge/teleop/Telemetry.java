package io.telos.bridge.teleop;

import io.telos.api.Addresses;
import io.telos.api.Fault;
import io.telos.api.GoalOutcome;
import io.telos.api.HandoverRequest;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.LeaseChange;
import io.telos.api.Mode;
import io.telos.api.ModeChange;
import io.telos.api.ObjectPose;
import io.telos.api.Observation;
import io.telos.api.PlanSignals;
import io.telos.model.KinematicChain;
import io.telos.model.RobotModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What operators see: the latest state of one robot's agent gathered from the bus, as JSON.
 *
 * <p>{@link #snapshot()}: {@code {"type": "state", "t": seconds, "mode", "holder", "q": measured
 * joint positions, "points": [[x, y, z], ...] base-frame origins of every joint then the tool (for
 * drawing the arm), "energy", "uncertainty", "taskError", "goal", "handover": {"trigger", "detail"}
 * or null}}. Events, pushed as they happen: {@code {"type": "mode", "from", "to", "reason"}},
 * {@code {"type": "handover", "open", "trigger", "detail"}}, {@code {"type": "lease", "holder",
 * "previous", "reason"}}, {@code {"type": "fault", "severity", "code", "message"}},
 * {@code {"type": "outcome", "goal", "reached", "errorMm"}}. Event-loop confined.
 */
public final class Telemetry {
  private final String robotId;
  private final RobotModel model;
  private final KinematicChain.Scratch scratch;
  private final double[] points;
  private final double[] q;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  /** Tracked scene objects from the latest observation (drawn beside the arm). */
  private volatile List<ObjectPose> objects = List.of();
  private Consumer<JsonObject> events = e -> { };
  private JointState state;
  private long stampNs;
  private Mode mode = Mode.AUTONOMOUS;
  private String holder = "";
  private PlanSignals signals;
  private HandoverRequest handover;
  private JointCommand command;

  public Telemetry(String robotId, RobotModel model) {
    this.robotId = robotId;
    this.model = model;
    this.scratch = model.chain().newScratch();
    this.points = new double[3 * (model.dof() + 1)];
    this.q = new double[model.dof()];
  }

  /** Subscribes to the robot's addresses; {@code events} receives every event message. */
  public void start(Vertx vertx, Consumer<JsonObject> events) {
    this.events = events;
    var bus = vertx.eventBus();
    consumers.add(bus.<JointState>localConsumer(Addresses.robotState(robotId), m -> {
      state = m.body();
      stampNs = m.body().header().stampNs();
    }));
    consumers.add(bus.<JointCommand>localConsumer(Addresses.robotCommand(robotId), m -> command = m.body()));
    consumers.add(bus.<Observation>localConsumer(Addresses.observation(robotId), m -> objects = m.body().objects()));
    consumers.add(bus.<PlanSignals>localConsumer(Addresses.planSignals(robotId), m -> signals = m.body()));
    consumers.add(bus.<ModeChange>localConsumer(Addresses.mode(robotId), m -> {
      ModeChange c = m.body();
      mode = c.to();
      emit(new JsonObject().put("type", "mode").put("from", c.from().name()).put("to", c.to().name())
          .put("reason", c.reason()).put("t", c.header().stampNs() / 1e9));
    }));
    consumers.add(bus.<HandoverRequest>localConsumer(Addresses.handover(robotId), m -> {
      HandoverRequest r = m.body();
      handover = r.open() ? r : null;
      emit(new JsonObject().put("type", "handover").put("open", r.open()).put("trigger", r.trigger().name())
          .put("detail", r.detail()).put("t", r.header().stampNs() / 1e9));
    }));
    consumers.add(bus.<LeaseChange>localConsumer(Addresses.lease(robotId), m -> {
      LeaseChange c = m.body();
      holder = c.holder();
      emit(new JsonObject().put("type", "lease").put("holder", c.holder()).put("previous", c.previous())
          .put("reason", c.reason()));
    }));
    consumers.add(bus.<Fault>localConsumer(Addresses.fault(robotId), m -> {
      Fault f = m.body();
      emit(new JsonObject().put("type", "fault").put("severity", f.severity().name()).put("code", f.code())
          .put("message", f.message()));
    }));
    consumers.add(bus.<GoalOutcome>localConsumer(Addresses.goalOutcome(robotId), m -> {
      GoalOutcome o = m.body();
      emit(new JsonObject().put("type", "outcome").put("goal", o.goalId()).put("reached", o.reached())
          .put("errorMm", o.finalError() * 1000));
    }));
  }

  public void stop() {
    consumers.forEach(MessageConsumer::unregister);
    consumers.clear();
  }

  private void emit(JsonObject e) {
    events.accept(e);
  }

  /** The current picture, or null before the first joint state. */
  public JsonObject snapshot() {
    JointState s = state;
    if (s == null) {
      return null;
    }
    List<String> names = model.jointNames();
    for (int i = 0; i < names.size(); i++) {
      int j = s.names().indexOf(names.get(i));
      q[i] = j >= 0 && j < s.position().size() ? s.position().get(j) : 0;
    }
    model.chain().jointOrigins(q, points, scratch);
    JsonArray pts = new JsonArray();
    for (int i = 0; i < points.length; i += 3) {
      pts.add(new JsonArray().add(round(points[i])).add(round(points[i + 1])).add(round(points[i + 2])));
    }
    JsonArray qs = new JsonArray();
    for (double v : q) {
      qs.add(round(v));
    }
    JsonObject o = new JsonObject().put("type", "state").put("t", stampNs / 1e9).put("mode", mode.name())
        .put("holder", holder).put("q", qs).put("points", pts);
    PlanSignals p = signals;
    if (p != null) {
      o.put("energy", finite(p.energy())).put("uncertainty", finite(p.uncertainty()))
          .put("taskError", finite(p.taskError())).put("goal", p.goalId());
    }
    JsonArray objs = new JsonArray();
    for (ObjectPose p2 : objects) {
      objs.add(new JsonObject().put("name", p2.name()).put("p", new JsonArray().add(round(p2.xM())).add(round(p2.yM()))
          .add(round(p2.zM()))));
    }
    o.put("objects", objs);
    HandoverRequest h = handover;
    o.put("handover", h == null ? null : new JsonObject().put("trigger", h.trigger().name()).put("detail", h.detail()));
    return o;
  }

  /** The last command sent to the robot (for tests and latency figures). */
  public JointCommand lastCommand() {
    return command;
  }

  public Mode mode() {
    return mode;
  }

  /** The robot's joint names and limits, for the console's controls. */
  public JsonObject robot() {
    JsonArray joints = new JsonArray();
    var lim = model.limits();
    for (int i = 0; i < model.dof(); i++) {
      joints.add(new JsonObject().put("name", model.jointNames().get(i)).put("lower", lim.lower(i))
          .put("upper", lim.upper(i)).put("velocity", lim.velocity(i)));
    }
    return new JsonObject().put("id", robotId).put("model", model.name()).put("joints", joints);
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? round(v) : null;
  }

  private static double round(double v) {
    return Math.round(v * 1e5) / 1e5;
  }
}
