package io.telos.runtime.verticle;

import io.telos.api.Addresses;
import io.telos.api.Clock;
import io.telos.api.Fault;
import io.telos.api.Header;
import io.telos.api.JointState;
import io.telos.api.ObjectPose;
import io.telos.api.Observation;
import io.telos.api.spi.StateEstimator;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hosts a {@link StateEstimator}: joint states in, observations out; a bad state becomes a fault record. */
public final class PerceptionVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PerceptionVerticle.class);
  private final String robotId;
  private final StateEstimator estimator;
  private final Clock clock;
  private long faultSeq;
  private long rejected;
  private final Supplier<List<ObjectPose>> objects;

  public PerceptionVerticle(String robotId, StateEstimator estimator, Clock clock) {
    this(robotId, estimator, clock, List::of);
  }

  /**
   * @param objects the latest tracked scene objects (e.g. the bridge's {@code objects()}), read with
   *     every joint state and attached to its observation; poses that are not finite are dropped
   */
  public PerceptionVerticle(String robotId, StateEstimator estimator, Clock clock, Supplier<List<ObjectPose>> objects) {
    this.robotId = robotId;
    this.estimator = estimator;
    this.clock = clock;
    this.objects = objects;
  }

  @Override
  public Future<?> start() {
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
      List<ObjectPose> tracked;
      try {
        tracked = objects.get();
      } catch (RuntimeException e) {
        tracked = null;
      }
      if (tracked == null) { // the bridge broke its contract: the arm's observation still goes out
        badObjects("object poses unavailable");
      } else if (!tracked.isEmpty()) {
        obs = obs.withObjects(finite(tracked));
      }
      vertx.eventBus().publish(Addresses.observation(robotId), obs);
    });
    return consumer.completion();
  }

  private List<ObjectPose> finite(List<ObjectPose> tracked) {
    for (ObjectPose o : tracked) {
      if (o == null || !o.isFinite()) {
        badObjects("object " + (o == null ? "null" : o.name()) + " has a non-finite pose");
        return tracked.stream().filter(p -> p != null && p.isFinite()).toList();
      }
    }
    return tracked;
  }

  private void badObjects(String reason) {
    if (rejected++ % 1000 == 0) {
      LOG.warn("component=perception/{} event=bad_object rejected={} reason=\"{}\"", robotId, rejected, reason);
      vertx.eventBus().publish(Addresses.fault(robotId), new Fault(
          new Header(faultSeq++, clock.nanos(), "perception/" + robotId, ""), Fault.Severity.WARNING, "BAD_STATE",
          reason));
    }
  }
}
