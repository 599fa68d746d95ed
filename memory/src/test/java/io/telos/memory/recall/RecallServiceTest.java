package io.telos.memory.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Vec;
import io.telos.memory.InMemoryEpisodeStore;
import io.telos.memory.Outcome;
import io.telos.memory.Steps;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Recall as request/reply on a real Vert.x bus, in the JSON a module without memory on its classpath sends. */
class RecallServiceTest {
  Vertx vertx;
  InMemoryEpisodeStore store;
  StepIndex index;
  long a;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    store = new InMemoryEpisodeStore();
    store.open();
    a = store.beginEpisode(Steps.meta("g1", 0));
    for (int i = 0; i < 5; i++) {
      store.append(StepIndexTest.at(a, i, Vec.of(i, 0), null, Vec.of(10 + i, 1)));
    }
    store.endEpisode(a, Outcome.REACHED, 5);
    index = new StepIndex(store, 0);
    index.build();
    vertx.deployVerticle(new RecallService("arm1", new SimilarityRecall(store, index))).await();
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
    index.close();
  }

  JsonObject ask(JsonObject request) {
    return vertx.eventBus().<JsonObject>request(RecallService.address("arm1"), request).await().body();
  }

  @Test
  void answersWithTheNeighboursTheirNextCommandsAndOutcome() {
    JsonObject reply = ask(new JsonObject().put("vector", new JsonArray().add(1.1).add(0.0)).put("k", 2)
        .put("horizon", 2));
    assertEquals(5, reply.getLong("indexed"));
    JsonArray ns = reply.getJsonArray("neighbours");
    assertEquals(2, ns.size());
    JsonObject first = ns.getJsonObject(0);
    assertEquals(a, first.getLong("episode"));
    assertEquals(1, first.getLong("index"));
    assertEquals(0.1, first.getDouble("distance"), 1e-5);
    assertEquals(new JsonArray().add(11.0).add(1.0), first.getJsonArray("command"));
    assertEquals(new JsonArray().add(new JsonArray().add(12.0).add(1.0)).add(new JsonArray().add(13.0).add(1.0)),
        first.getJsonArray("next"));
    assertEquals("reached", first.getString("outcome"));
    assertFalse(first.getBoolean("operator"));
    assertEquals(2, ns.getJsonObject(1).getLong("index"));

    RecallReply typed = RecallReply.fromJson(
        ask(new RecallRequest(VectorSpace.STATE, Vec.of(3.9, 0), 1, 5).toJson()));
    assertEquals(4, typed.neighbours().get(0).index());
    assertEquals(List.of(), typed.neighbours().get(0).nextCommands(), "the episode's last step");
    assertEquals(Outcome.REACHED, typed.neighbours().get(0).outcome());
  }

  @Test
  void aBadRequestFailsTheReplyNamingTheField() {
    for (JsonObject bad : List.of(new JsonObject(), new JsonObject().put("vector", new JsonArray().add("x")),
        new JsonObject().put("vector", new JsonArray().add(1)).put("k", 0),
        new JsonObject().put("vector", new JsonArray().add(1)).put("space", "joints"),
        new JsonObject().put("vector", new JsonArray().add(1)).put("horizon", -1))) {
      ReplyException re = assertThrows(ReplyException.class, () -> ask(bad), bad::encode);
      assertEquals(RecallService.BAD_REQUEST, re.failureCode(), re.getMessage());
      assertTrue(re.getMessage().matches(".*(vector|k|space|horizon).*"), re.getMessage());
    }
  }
}
