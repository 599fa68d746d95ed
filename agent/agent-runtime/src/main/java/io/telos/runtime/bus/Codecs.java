package io.telos.runtime.bus;

import io.telos.api.ActionChunk;
import io.telos.api.Fault;
import io.telos.api.Goal;
import io.telos.api.GoalOutcome;
import io.telos.api.HandoverRequest;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.LeaseChange;
import io.telos.api.ModeChange;
import io.telos.api.Observation;
import io.telos.api.OperatorAction;
import io.telos.api.OperatorCommand;
import io.telos.api.OperatorReply;
import io.telos.api.PlanSignals;
import io.telos.api.ResponseReport;
import io.vertx.core.Vertx;
import java.util.List;

/** Registers the by-reference codec for every message record. */
public final class Codecs {
  private static final List<Class<?>> TYPES = List.of(JointState.class, JointCommand.class, Observation.class,
      ActionChunk.class, Goal.class, GoalOutcome.class, ModeChange.class, Fault.class, HandoverRequest.class,
      PlanSignals.class, OperatorCommand.class, OperatorReply.class, OperatorAction.class,
      LeaseChange.class, ResponseReport.class);

  private Codecs() {}

  /** Idempotent per Vert.x instance. */
  public static synchronized void register(Vertx vertx) {
    for (Class<?> t : TYPES) {
      register(vertx, t);
    }
  }

  private static <T> void register(Vertx vertx, Class<T> type) {
    try {
      vertx.eventBus().registerDefaultCodec(type, new LocalCodec<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // registered by an earlier runtime on the same Vert.x instance
    }
  }
}
