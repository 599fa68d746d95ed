package io.telos.runtime.teleop;

import io.telos.api.Addresses;
import io.telos.api.Fault;
import io.telos.api.HandoverRequest;
import io.telos.api.LeaseChange;
import io.telos.api.ModeChange;
import io.telos.api.OperatorAction;
import io.telos.api.OperatorCommand;
import io.telos.api.OperatorReply;
import io.telos.api.PlanSignals;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.function.Function;

/**
 * Binds a {@link TeleopService} to the bus: operator commands request/reply on
 * {@link Addresses#teleop}, plan signals, faults and mode changes in, handover requests and lease
 * changes and the operators' audit trail ({@link OperatorAction}) out. Runs on one event loop, so
 * the service sees everything in order.
 */
public final class TeleopVerticle extends VerticleBase {
  private final String robotId;
  private final Function<TeleopService.Sink, TeleopService> factory;
  private TeleopService service;

  /** @param factory builds the service around the sink this verticle provides */
  public TeleopVerticle(String robotId, Function<TeleopService.Sink, TeleopService> factory) {
    this.robotId = robotId;
    this.factory = factory;
  }

  @Override
  public Future<?> start() {
    service = factory.apply(new TeleopService.Sink() {
      @Override
      public void handover(HandoverRequest request) {
        vertx.eventBus().publish(Addresses.handover(robotId), request);
      }

      @Override
      public void lease(LeaseChange change) {
        vertx.eventBus().publish(Addresses.lease(robotId), change);
      }

      @Override
      public void action(OperatorAction action) {
        vertx.eventBus().publish(Addresses.operatorAction(robotId), action);
      }
    });
    var bus = vertx.eventBus();
    return Future.all(
            bus.<OperatorCommand>localConsumer(Addresses.teleop(robotId), m -> {
              OperatorReply r = service.handle(m.body());
              m.reply(r);
            }).completion(),
            bus.<PlanSignals>localConsumer(Addresses.planSignals(robotId), m -> service.onSignals(m.body())).completion(),
            bus.<Fault>localConsumer(Addresses.fault(robotId), m -> service.onFault(m.body())).completion(),
            bus.<ModeChange>localConsumer(Addresses.mode(robotId), m -> service.onMode(m.body())).completion())
        .mapEmpty();
  }

  public TeleopService service() {
    return service;
  }
}
