package io.telos.memory.postgres;

import static io.telos.memory.Steps.meta;
import static io.telos.memory.Steps.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Vec;
import io.telos.memory.EpisodeMeta;
import io.telos.memory.StepRecord;
import io.telos.memory.recall.StepIndex;
import io.telos.memory.recall.VectorSpace;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Recall over the fleet's store: an agent's index learns the steps other robots commit to the
 * shared PostgreSQL store after it was built (which its own store's listener never hears).
 */
class FleetRecallIT {
  private static final long T = 10;

  private static PostgresEpisodeStore store(String url) {
    PostgresEpisodeStore s = new PostgresEpisodeStore(url, PgServer.get().user(), null);
    s.open();
    assertTrue(s.failure().isEmpty(), () -> "open failed: " + s.failure());
    return s;
  }

  /** Arm2's steps: the test trajectory moved 50 away in every state coordinate, so they are told apart. */
  private static StepRecord arm2Step(long episode, long i) {
    StepRecord s = step(episode, i);
    double[] q = s.state().toArray();
    for (int j = 0; j < q.length; j++) {
      q[j] += 50;
    }
    return new StepRecord(s.episodeId(), s.index(), s.stampNs(), Vec.of(q), s.eePosition(), s.latent(),
        s.commandPosition(), s.commandVelocity(), s.mode(), s.energy(), s.goalId(), s.faultCode());
  }

  @Test
  void anAgentsIndexCatchesUpWithWhatOtherRobotsCommitted() throws Exception {
    String url = PgServer.get().freshSchemaUrl();
    try (PostgresEpisodeStore arm1 = store(url); PostgresEpisodeStore arm2 = store(url);
        StepIndex index = new StepIndex(arm1, 0)) {
      long a = arm1.beginEpisode(meta("g1", 1));
      for (int i = 0; i < 200; i++) {
        arm1.append(step(a, i));
      }
      arm1.flush().get(T, TimeUnit.SECONDS);
      assertEquals(200, index.build());

      long b = arm2.beginEpisode(new EpisodeMeta("arm2", "", "mppi", "g2", false, 2));
      for (int i = 0; i < 300; i++) {
        arm2.append(arm2Step(b, i));
      }
      arm2.flush().get(T, TimeUnit.SECONDS);
      Vec nearArm2 = arm2Step(b, 150).state();
      assertNotEquals(b, index.search(VectorSpace.STATE, nearArm2, 1).get(0).episodeId(),
          "before catching up, the index knows only what arm1's store committed");

      assertEquals(300, index.catchUp(16), "arm2's 300 steps are indexed");
      index.sync();
      StepIndex.Hit hit = index.search(VectorSpace.STATE, nearArm2, 1).get(0);
      assertEquals(b, hit.episodeId());
      assertEquals(150, hit.index());
      assertEquals(0, index.catchUp(16), "nothing new: nothing read twice");

      for (int i = 300; i < 350; i++) { // arm2 goes on, arm1 too (arm1's come by its listener)
        arm2.append(arm2Step(b, i));
        arm1.append(step(a, i - 100));
      }
      arm2.flush().get(T, TimeUnit.SECONDS);
      arm1.flush().get(T, TimeUnit.SECONDS);
      long added = index.catchUp(16); // arm2's 50, and arm1's where the catch-up read them before its listener
      assertTrue(added >= 50 && added <= 100, "added " + added);
      index.sync();
      assertEquals(600, index.size(), "every step of both robots indexed once");
    }
  }
}
