package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.GoalOutcome;
import io.telos.api.config.Settings;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchException;
import io.telos.runtime.config.LaunchSpec;
import io.telos.runtime.config.TaskSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goals taken from the episodic memory: a first run records its episodes; a second run is asked to
 * bring the arm back to the configurations those episodes ended in (joint-space goals), and gets
 * there. Also the planner warm-started from similar past situations (memory.recall) still reaches
 * every target.
 */
class MemoryGoalsIT {
  @TempDir
  Path dir;

  LaunchSpec withMemory(LaunchSpec s, boolean recall) {
    Map<String, Object> m = new java.util.LinkedHashMap<>(Map.of("type", "sqlite", "path", dir.resolve("m.db").toString()));
    if (recall) {
      m.put("recall", true);
    }
    return s.withMemory(new Settings("memory", m));
  }

  @Test
  void reachesConfigurationsRecalledFromEarlierEpisodes() throws Exception {
    RunReport first = Session.run(withMemory(Telos.demoSpec("sim", 11L, 3), false), o -> { }, Duration.ofMinutes(3));
    assertEquals(3, first.outcomes().stream().filter(GoalOutcome::reached).count());

    LaunchSpec again = withMemory(Telos.demoSpec("sim", 12L, 3), false);
    again = again.withTask(new TaskSpec("reach_recalled", 3, 0.01, 8, 0.1, List.of(), List.of(), 0.02));
    RunReport second = Session.run(again, o -> { }, Duration.ofMinutes(3));
    assertEquals(List.of("recalled-1", "recalled-2", "recalled-3"),
        second.outcomes().stream().map(GoalOutcome::goalId).toList());
    assertTrue(second.outcomes().stream().allMatch(GoalOutcome::reached), second.outcomes().toString());
    assertEquals(0, second.limitViolations());

    // the same recorded observations as goals in the world model's state space
    LaunchSpec latent = again.withTask(new TaskSpec("reach_recalled", 3, 0.01, 8, 0.1, List.of(), List.of(), 0.02, "",
        "latent"));
    RunReport third = Session.run(latent, o -> { }, Duration.ofMinutes(3));
    assertEquals(3, third.outcomes().size(), third.outcomes().toString());
    assertTrue(third.outcomes().stream().allMatch(GoalOutcome::reached), third.outcomes().toString());
    assertEquals(0, third.limitViolations());

    LaunchSpec missing = again.withTask(new TaskSpec("reach_recalled", 1, 0.01, 8, 0.1, List.of(), List.of(999L), 0.02));
    LaunchException e = assertThrows(LaunchException.class, () -> Session.run(missing, o -> { }, Duration.ofMinutes(1)));
    assertTrue(e.getMessage().contains("999"), e.getMessage());
  }

  @Test
  void warmStartsFromMemoryKeepEveryTargetReached() throws Exception {
    Session.run(withMemory(Telos.demoSpec("sim", 21L, 4), false), o -> { }, Duration.ofMinutes(3));
    java.util.concurrent.atomic.AtomicReference<io.telos.api.spi.Planner> planner = new java.util.concurrent.atomic.AtomicReference<>();
    RunReport warm = Session.run(withMemory(Telos.demoSpec("sim", 21L, 4), true), java.util.function.UnaryOperator.identity(),
        o -> { }, Duration.ofMinutes(3), -1, s -> planner.set(s.runtime().parts().planner()));
    RecallWarmStart w = (RecallWarmStart) planner.get();
    assertTrue(w.offered() > 0, "recalled actions were offered to the planner: " + w.figures());
    assertEquals(4, warm.outcomes().stream().filter(GoalOutcome::reached).count(), warm.outcomes().toString());
    assertEquals(0, warm.limitViolations());
  }

  @Test
  void backgroundTrainingLearnsFromTheRunsOwnEpisodes() throws Exception {
    Path models = dir.resolve("models");
    Map<String, Object> m = new java.util.LinkedHashMap<>(Map.of("type", "sqlite", "path", dir.resolve("m.db").toString()));
    m.put("learn", Map.of("every_episodes", 2, "steps", 30, "period_s", 0.2, "out", models.toString()));
    LaunchSpec spec = Telos.demoSpec("sim", 5L, 4).withMemory(new Settings("memory", m));
    RunReport r = Session.run(spec, o -> { }, Duration.ofMinutes(3));
    assertEquals(4, r.outcomes().size());
    // a version is written once two episodes have closed; training runs beside the control loop
    TeleopIT.await(() -> java.nio.file.Files.exists(io.telos.planner.djl.ModelVersions.file(models, 1)), 120,
        "model v1 from the background trainer");
  }
}
