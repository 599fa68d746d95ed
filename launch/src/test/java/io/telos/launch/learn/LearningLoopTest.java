package io.telos.launch.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.config.Settings;
import io.telos.memory.EpisodeStore;
import io.telos.memory.MemoryConfig;
import io.telos.model.RobotModel;
import io.telos.planner.djl.LearnedWorldModelProvider;
import io.telos.planner.djl.ModelVersions;
import io.telos.planner.djl.SwappableWorldModel;
import io.telos.planner.djl.Trainer;
import io.telos.planner.djl.Trajectory;
import io.telos.planner.spi.WorldModel;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exploration on the simulated arm into a real SQLite store, offline training from it, the
 * background trainer writing the next version when new episodes land, and the planner's model
 * picking that version up at its next plan.
 */
class LearningLoopTest {
  static final RobotModel ARM = RobotModel.load("builtin:telos6");
  static final Trainer.Config TINY = new Trainer.Config(8, 16, 3, 2, 32, 10, 1e-3, 1L);

  @TempDir Path tmp;

  @Test
  void exploresTrainsAndHotSwapsANewVersion() throws Exception {
    Path models = tmp.resolve("models");
    MemoryConfig cfg = MemoryConfig.from(new Settings("memory", Map.of("path", tmp.resolve("m.db").toString())));
    try (EpisodeStore store = cfg.createStore().orElseThrow()) {
      store.open();
      int eps = MotorBabbling.run(ARM, store, new MotorBabbling.Config(0.1, 2, 0.5, 3), null);
      assertEquals(3, eps);
      // an operator's segment of the same motion, as the recorder stores it (a demonstration)
      long demo = store.beginEpisode(new io.telos.memory.EpisodeMeta("arm1", "", "operator", "target-0", true, 0));
      try (io.telos.memory.StepCursor c = store.readSteps(1)) {
        c.forEachRemaining(st -> store.append(new io.telos.memory.StepRecord(demo, st.index(), st.stampNs(), st.state(),
            st.eePosition(), st.latent(), st.commandPosition(), st.commandVelocity(), io.telos.api.Mode.TELEOP,
            st.energy(), st.goalId(), st.faultCode())));
      }
      store.endEpisode(demo, io.telos.memory.Outcome.INCOMPLETE, 3_000_000_000L);
      store.flush().get();
      StoreExperience experience = new StoreExperience(store, 100);
      List<Trajectory> all = experience.trajectories(0.05);
      assertEquals(4, all.size());
      assertEquals(1, experience.demonstrations(), "the operator's episode is training data");
      List<Trajectory> data = all.subList(0, 3);
      assertEquals(39, data.get(0).length(), "2 s at 250 Hz, last stamp 1.996 s");
      // the babbling commands move the arm: recorded velocities follow the commands
      double moved = 0;
      for (double[] a : data.get(0).action()) {
        moved += Math.abs(a[0]);
      }
      assertTrue(moved > 0.1, "commands " + moved);

      TrainCommand.Result r = TrainCommand.train(store, ARM, 0.05, TINY, models, 100, null);
      assertEquals(1, r.version());
      assertTrue(Files.size(ModelVersions.file(models, 1)) > 1000);
      assertTrue(Files.readString(ModelVersions.metrics(models, 1)).contains("ee_16step_median_m"));
      assertTrue(Files.size(models.resolve("model-v0001-loss.png")) > 1000);

      WorldModel wm = new LearnedWorldModelProvider().create(ARM, 0.05,
          new Settings("planner.world_model", Map.of("path", models.toString())));
      SwappableWorldModel swappable = (SwappableWorldModel) wm;
      assertEquals("learned-v1", wm.name());

      Vertx vertx = Vertx.vertx();
      try {
        CompletableFuture<TrainCommand.Result> next = new CompletableFuture<>();
        BackgroundTrainer trainer = new BackgroundTrainer(store, ARM, 0.05, models, TINY, 1, 50, next::complete);
        vertx.deployVerticle(trainer).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        // everything in memory is new to this trainer: it trains at once
        TrainCommand.Result v2 = next.get(60, TimeUnit.SECONDS);
        assertEquals(2, v2.version());
        swappable.offer(v2.file());
        assertEquals("learned-v1", wm.name(), "the plan in flight keeps its model");
        wm.encode(new io.telos.api.Observation(io.telos.api.Header.of(0, 0, "t"),
            io.telos.api.Vec.of(SimArmHome.q()), io.telos.api.Vec.zeros(6), io.telos.api.Pose.IDENTITY, null, 0),
            new double[wm.stateSize()]);
        assertEquals("learned-v2", wm.name());
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        swappable.close();
      }
    }
  }

  /** The arm's home pose. */
  static final class SimArmHome {
    static double[] q() {
      return io.telos.bridge.sim.SimulatedArm.defaultInitialPosition(ARM);
    }
  }
}
