package io.telos.launch.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Mode;
import io.telos.api.ObjectPose;
import io.telos.api.Vec;
import io.telos.api.config.Settings;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import io.telos.memory.EpisodeMeta;
import io.telos.memory.EpisodeStore;
import io.telos.memory.EventRecord;
import io.telos.memory.MemoryConfig;
import io.telos.memory.Outcome;
import io.telos.memory.StepRecord;
import io.telos.model.RobotModel;
import io.telos.planner.djl.ContactTrainer;
import io.telos.planner.djl.PushTrajectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contact-learning loop on the real parts: pushing babble on the ODE arm into a real SQLite
 * store, the scene read back from memory with the poses, a model trained and measured on held-out
 * episodes and written where the planner reads it.
 */
class ContactLearningTest {
  static final RobotModel ARM = RobotModel.load("builtin:telos6");

  @TempDir
  Path tmp;

  @Test
  void babblesIntoMemoryAndLearnsFromIt() throws Exception {
    MemoryConfig cfg = MemoryConfig.from(new Settings("memory", Map.of("path", tmp.resolve("m.db").toString())));
    try (EpisodeStore store = cfg.createStore().orElseThrow()) {
      store.open();
      int eps = PushBabbling.run(ARM, store, new PushBabbling.Config(1.0, 12, 5), null);
      assertTrue(eps >= 5, "episodes: " + eps);
      SceneExperience experience = new SceneExperience(store, 1000);
      List<PushTrajectory> all = experience.trajectories(0.05);
      assertEquals(eps, all.size() + experience.skipped());
      assertTrue(all.size() >= 5, "usable: " + all.size());
      PushTrajectory first = all.get(0);
      assertFalse(first.scene().isEmpty());
      double moved = 0;
      for (PushTrajectory t : all) {
        for (int j = 0; j < t.objects(); j++) {
          double[] a = t.poses()[0][j];
          double[] b = t.poses()[t.length()][j];
          moved = Math.max(moved, Math.hypot(b[0] - a[0], b[1] - a[1]));
        }
      }
      assertTrue(moved > 0.03, "the babble pushes objects about: farthest " + moved + " m");
      Path file = tmp.resolve("contact.tcm");
      LearnContactCommand.Result r = LearnContactCommand.learn(store, 0.05,
          ContactTrainer.Config.defaults().withSteps(200), file, 1000, null);
      assertTrue(Files.size(file) > 1000);
      assertTrue(Files.exists(tmp.resolve("contact-metrics.json")) && Files.exists(tmp.resolve("contact-loss.png")));
      assertTrue(r.validation().windows() > 0, "held-out windows with motion");
      assertTrue(Double.isFinite(r.validation().learnedMedianM()) && Double.isFinite(r.validation().analyticMedianM()));
    }
  }

  @Test
  void sceneIsReadBackFromMemoryAndTrajectoriesStopBeforeAnObjectTopples() {
    Scene scene = new Scene(0.02, List.of(new SceneObject("puck", 0.04, 0.06, 0.3, 0.4, 0.5, 0.0)));
    MemoryConfig cfg = MemoryConfig.from(new Settings("memory", Map.of("path", tmp.resolve("s.db").toString())));
    try (EpisodeStore store = cfg.createStore().orElseThrow()) {
      store.open();
      long id = store.beginEpisode(new EpisodeMeta("arm1", "", "test", "g", false, 0));
      store.recordEvent(EventRecord.scene(id, "arm1", 0, "{\"tool_radius_m\":0.02,\"objects\":[{\"name\":\"puck\","
          + "\"shape\":\"cylinder\",\"radius_m\":0.04,\"height_m\":0.06,\"mass_kg\":0.3,\"friction\":0.4,"
          + "\"position\":[0.5,0.0]}]}"));
      for (int k = 0; k < 100; k++) {
        double z = k < 60 ? 0.03 : 0.04; // lifted off the table (toppled) from step 60 on
        store.append(new StepRecord(id, k, k * 10_000_000L, Vec.of(0, 0), Vec.of(0.3, 0, 0.1), null, null, null,
            Mode.AUTONOMOUS, 0, "g", null, List.of(new ObjectPose("puck", 0.5 + k * 1e-4, 0, z, 3.1 + 0.01 * k,
                k * 10_000_000L))));
      }
      store.endEpisode(id, Outcome.INCOMPLETE, 1_000_000_000L);
      store.flush().join();
      List<PushTrajectory> all = new SceneExperience(store, 10).trajectories(0.05);
      assertEquals(1, all.size());
      PushTrajectory t = all.get(0);
      assertEquals(scene.objects(), t.scene().objects());
      assertEquals(11, t.length(), "0.59 s of upright steps at 50 ms");
      assertTrue(t.poses()[11][0][2] > Math.PI, "yaw unwrapped across pi: " + t.poses()[11][0][2]);
    }
  }
}
