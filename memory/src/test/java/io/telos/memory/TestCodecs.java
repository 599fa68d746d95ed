package io.telos.memory;

import io.telos.api.ActionChunk;
import io.telos.api.Fault;
import io.telos.api.Goal;
import io.telos.api.GoalOutcome;
import io.telos.api.HandoverRequest;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.ModeChange;
import io.telos.api.Observation;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.util.List;

/**
 * For tests only: passes records over the local bus by reference, as the runtime's codecs do in a
 * real run (this module may not depend on the runtime).
 */
public final class TestCodecs {
  private TestCodecs() {}

  public static void register(Vertx vertx) {
    for (Class<?> t : List.of(JointState.class, JointCommand.class, Observation.class, ActionChunk.class, Goal.class,
        GoalOutcome.class, ModeChange.class, Fault.class, HandoverRequest.class, io.telos.api.ResponseReport.class)) {
      register(vertx, t);
    }
  }

  private static <T> void register(Vertx vertx, Class<T> type) {
    vertx.eventBus().registerDefaultCodec(type, new MessageCodec<T, T>() {
      @Override
      public void encodeToWire(Buffer buffer, T t) {
        throw new UnsupportedOperationException("local only");
      }

      @Override
      public T decodeFromWire(int pos, Buffer buffer) {
        throw new UnsupportedOperationException("local only");
      }

      @Override
      public T transform(T t) {
        return t;
      }

      @Override
      public String name() {
        return "test-local-" + type.getSimpleName();
      }

      @Override
      public byte systemCodecID() {
        return -1;
      }
    });
  }
}
