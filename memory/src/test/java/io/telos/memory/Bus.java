package io.telos.memory;

import io.telos.api.ActionChunk;
import io.telos.api.Addresses;
import io.telos.api.Fault;
import io.telos.api.GoalOutcome;
import io.telos.api.HandoverRequest;
import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.Mode;
import io.telos.api.ModeChange;
import io.telos.api.ObjectPose;
import io.telos.api.Observation;
import io.telos.api.Pose;
import io.telos.api.Setpoint;
import io.telos.api.Vec;
import io.vertx.core.Vertx;
import java.util.List;

/** Test traffic for one robot, published the way the runtime publishes it. */
final class Bus {
  private final Vertx vertx;
  private final String robot;
  private long seq;

  Bus(Vertx vertx, String robot) {
    this.vertx = vertx;
    this.robot = robot;
  }

  private Header h(long stampNs) {
    return Header.of(seq++, stampNs, "test");
  }

  static final List<String> JOINTS = List.of("j1", "j2");

  void plan(String goal, long stampNs, double energy) {
    vertx.eventBus().publish(Addresses.plan(robot), new ActionChunk(h(stampNs), goal,
        List.of(new Setpoint(stampNs + 20_000_000L, Vec.of(0.1, 0.2), Vec.zeros(2))), energy));
  }

  void observation(long stampNs, double q) {
    observation(stampNs, q, List.of());
  }

  /** An observation with these tracked scene objects. */
  void observation(long stampNs, double q, List<ObjectPose> objects) {
    vertx.eventBus().publish(Addresses.observation(robot), new Observation(h(stampNs), Vec.of(q, -q),
        Vec.of(0.5, -0.5), new Pose(0.3, 0.0, q, 1, 0, 0, 0), null, 1000, objects));
  }

  void command(long stampNs, double q, Mode mode) {
    vertx.eventBus().publish(Addresses.robotCommand(robot),
        new JointCommand(h(stampNs), JOINTS, Vec.of(q, q), Vec.of(0.01, 0.02), mode));
  }

  void mode(long stampNs, Mode from, Mode to) {
    vertx.eventBus().publish(Addresses.mode(robot), new ModeChange(h(stampNs), from, to, "test"));
  }

  void handover(long stampNs, HandoverRequest.Trigger trigger, String detail, boolean open) {
    vertx.eventBus().publish(Addresses.handover(robot), new HandoverRequest(h(stampNs), trigger, detail, open));
  }

  void fault(long stampNs, String code) {
    vertx.eventBus().publish(Addresses.fault(robot), new Fault(h(stampNs), Fault.Severity.WARNING, code, "test"));
  }

  void response(long stampNs, double lagS) {
    vertx.eventBus().publish(Addresses.response(robot), new io.telos.api.ResponseReport(h(stampNs), List.of("j1", "j2"),
        Vec.of(lagS, lagS), Vec.of(0.01, 0.01), Vec.of(0.02, 0.02), Vec.of(0.001, 0.001), 1000, List.of()));
  }

  void outcome(String goal, long stampNs, boolean reached, long elapsedNs) {
    vertx.eventBus().publish(Addresses.goalOutcome(robot), new GoalOutcome(h(stampNs), goal, reached, elapsedNs, 0.01));
  }
}
