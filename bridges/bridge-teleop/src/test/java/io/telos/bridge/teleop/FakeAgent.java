package io.telos.bridge.teleop;

import io.telos.api.Addresses;
import io.telos.api.Header;
import io.telos.api.JointState;
import io.telos.api.Mode;
import io.telos.api.OperatorCommand;
import io.telos.api.OperatorReply;
import io.telos.api.Vec;
import io.telos.model.RobotModel;
import io.telos.runtime.bus.Codecs;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Stands in for the agent on the bus: a one-operator lease, and a joint state for the console to draw. */
final class FakeAgent {
  static final RobotModel ARM = RobotModel.load("builtin:telos6");
  final List<OperatorCommand> received = new CopyOnWriteArrayList<>();
  private String holder = "";

  FakeAgent(Vertx vertx, String robotId) {
    Codecs.register(vertx);
    vertx.eventBus().<OperatorCommand>localConsumer(Addresses.teleop(robotId), m -> {
      OperatorCommand c = m.body();
      received.add(c);
      boolean ok = switch (c.kind()) {
        case TAKE -> {
          if (holder.isEmpty() || holder.equals(c.operator())) {
            holder = c.operator();
            yield true;
          }
          yield false;
        }
        case RELEASE -> {
          boolean mine = holder.equals(c.operator());
          if (mine) {
            holder = "";
          }
          yield mine;
        }
        default -> holder.equals(c.operator());
      };
      m.reply(new OperatorReply(ok, holder.isEmpty() ? Mode.HOLD : Mode.TELEOP, holder, ok ? "ok" : "held by " + holder));
    });
    vertx.setPeriodic(20, id -> {
      vertx.eventBus().publish(Addresses.robotState(robotId), new JointState(
          Header.of(0, System.nanoTime(), "fake"), ARM.jointNames(), Vec.zeros(6), Vec.zeros(6), Vec.empty()));
      vertx.eventBus().publish(Addresses.observation(robotId), new io.telos.api.Observation(
          Header.of(0, System.nanoTime(), "fake"), Vec.zeros(6), Vec.zeros(6), io.telos.api.Pose.IDENTITY, null, 0,
          List.of(new io.telos.api.ObjectPose("puck", 0.5, -0.1, 0.03, 0, 0))));
    });
  }
}
