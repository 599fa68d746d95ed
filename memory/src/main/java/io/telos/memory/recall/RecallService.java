package io.telos.memory.recall;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Similarity recall as request/reply on the event bus, for the planner's warm starts: send a
 * {@link RecallRequest}'s JSON to {@link #address(String)} and get a {@link RecallReply}'s JSON
 * back. Plain {@link JsonObject}s, so a module that may not depend on memory can ask (and the bus
 * may be clustered). A bad request fails the reply with code {@value #BAD_REQUEST} and a message
 * naming the field; a store or index failure with {@value #FAILED}.
 *
 * <p>Searches run on a worker thread (the HNSW search is CPU work, the horizon comes from the
 * store), never on the event loop. The owner builds the {@link StepIndex} (blocking) before
 * deploying and closes it after undeploying.
 */
public final class RecallService extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RecallService.class);
  public static final int BAD_REQUEST = 400;
  public static final int FAILED = 500;

  /** {@code memory.<robotId>.recall}. */
  public static String address(String robotId) {
    return "memory." + robotId + ".recall";
  }

  private final String robotId;
  private final SimilarityRecall recall;
  private MessageConsumer<JsonObject> consumer;

  public RecallService(String robotId, SimilarityRecall recall) {
    this.robotId = Objects.requireNonNull(robotId, "robotId");
    this.recall = Objects.requireNonNull(recall, "recall");
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(address(robotId), this::onRequest);
    return consumer.completion();
  }

  private void onRequest(Message<JsonObject> msg) {
    RecallRequest req;
    try {
      req = RecallRequest.fromJson(msg.body());
    } catch (IllegalArgumentException | ClassCastException e) {
      msg.fail(BAD_REQUEST, e.getMessage());
      return;
    }
    vertx.executeBlocking(() -> new RecallReply(recall.nearest(req.space(), req.vector(), req.k(), req.horizon()),
        recall.index().size()).toJson(), false).onComplete(ar -> {
          if (ar.succeeded()) {
            msg.reply(ar.result());
          } else {
            LOG.warn("component=memory/{} event=recall_failed reason=\"{}\"", robotId, ar.cause().toString());
            msg.fail(ar.cause() instanceof IllegalArgumentException ? BAD_REQUEST : FAILED,
                String.valueOf(ar.cause().getMessage()));
          }
        });
  }
}
