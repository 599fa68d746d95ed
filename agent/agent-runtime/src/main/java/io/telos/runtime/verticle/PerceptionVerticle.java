package io.telos.runtime.verticle;

import io.telos.api.Addresses;
import io.telos.api.Clock;
import io.telos.api.Fault;
import io.telos.api.Header;
import io.telos.api.JointState;
import io.telos.api.Observation;
import io.telos.api.spi.StateEstimator;
import io.vertx.core.AbstractVerticle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hosts a {@link StateEstimator}: joint states in, observations out; a bad state becomes a fault record. */
public final class PerceptionVerticle extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(PerceptionVerticle.class);
  private final String robotId;
  private final StateEstimator estimator;
  private final Clock clock;
  private long faultSeq;
  private long rejected;

  public PerceptionVerticle(String robotId, StateEstimator estimator, Clock clock) {
    this.robotId = robotId;
    this.estimator = estimator;
    this.clock = clock;
  }

  @Override
  public void start(io.vertx.core.Promise<Void> started) {
    var consumer = vertx.eventBus().<JointState>localConsumer(Addresses.robotState(robotId), msg -> {
      Observation obs;
      try {
        obs = estimator.update(msg.body(), clock.nanos());
      } catch (RuntimeException e) {
        if (rejected++ % 1000 == 0) {
          LOG.warn("component=perception/{} event=bad_state rejected={} reason=\"{}\"", robotId, rejected, e.getMessage());
          vertx.eventBus().publish(Addresses.fault(robotId), new Fault(
              new Header(faultSeq++, clock.nanos(), "perception/" + robotId, ""), Fault.Severity.WARNING,
              "BAD_STATE", String.valueOf(e.getMessage())));
        }
        return;
      }
      vertx.eventBus().publish(Addresses.observation(robotId), obs);
    });
    consumer.completion().onComplete(started);
  }
}
