package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.launch.suite.ResponseBench;
import io.telos.launch.suite.ResponseBench.Knowledge;
import io.telos.model.ActuatorResponse;
import io.telos.runtime.AgentRuntime;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchSpec;
import io.telos.api.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code robot.response: {adapt: true}} end to end, lock-step: an arm that lags its commands by
 * τ 0.15 s and 40 ms of dead time, nothing declared. The agent identifies the response as it
 * moves, adopts it (kernel, planner, identifier) and then reaches its targets as if it had been
 * declared; the same arm undeclared is known to creep (reaches at most one of several targets,
 * {@code SlowArmCorners}). Lock-step adoption happens in simulated time, so a run repeats
 * command for command.
 */
class ResponseAdaptationTest {
  static final double LAG_S = 0.15;
  static final double DEAD_MS = 40;

  record Run(RunReport report, ActuatorResponse adopted, long adoptions) {}

  static Run run(int targets) throws Exception {
    return run(ResponseBench.spec(LAG_S, DEAD_MS, 0, Knowledge.LEARNED, targets, 42));
  }

  static Run run(LaunchSpec spec) throws Exception {
    AtomicReference<AgentRuntime> rt = new AtomicReference<>();
    RunReport r = Session.run(spec, UnaryOperator.identity(), o -> { }, Duration.ofSeconds(120), -1,
        s -> rt.set(s.runtime()));
    return new Run(r, rt.get().responseInForce(), rt.get().responseAdoptions());
  }

  /** The next session on the same arm starts from the response its memory holds: nothing left to adopt. */
  @Test
  void theNextSessionStartsFromTheResponseItsMemoryHolds(@TempDir Path dir) throws Exception {
    Path db = dir.resolve("memory.db");
    Run first = run(withMemory(ResponseBench.spec(LAG_S, DEAD_MS, 0, Knowledge.LEARNED, 3, 42), db));
    assertTrue(first.adoptions() >= 1, "the first session learns the arm");
    Run second = run(withMemory(ResponseBench.spec(LAG_S, DEAD_MS, 0, Knowledge.LEARNED, 3, 43), db));
    assertEquals(0, second.adoptions(), "the remembered response agrees with the arm: " + second.adopted());
    for (int j = 0; j < second.adopted().size(); j++) {
      assertEquals(LAG_S, second.adopted().lagS(j), 0.02, "joint " + j + ": " + second.adopted());
      assertEquals(DEAD_MS / 1e3, second.adopted().deadTimeS(j), 0.02, "joint " + j + ": " + second.adopted());
    }
    assertEquals(3, second.report().reached(), "outcomes " + second.report().outcomes());

    // without adapt the memory changes nothing: the launch file's (absent) declaration is the contract
    LaunchSpec declaredNone = withMemory(ResponseBench.spec(LAG_S, DEAD_MS, 0, Knowledge.UNDECLARED, 1, 44), db);
    assertTrue(Composer.compose(declaredNone).model().response().isIdeal());
  }

  private static LaunchSpec withMemory(LaunchSpec spec, Path db) {
    return spec.withMemory(new Settings("memory", Map.of("type", "sqlite", "path", db.toString())));
  }

  @Test
  void anUndeclaredLaggingArmIsIdentifiedAdoptedAndReached() throws Exception {
    Run run = run(5);
    RunReport r = run.report();
    assertTrue(run.adoptions() >= 1, "the identified response was adopted");
    for (int j = 0; j < run.adopted().size(); j++) {
      assertEquals(LAG_S, run.adopted().lagS(j), 0.02, "joint " + j + " lag: " + run.adopted());
      assertEquals(DEAD_MS / 1e3, run.adopted().deadTimeS(j), 0.02, "joint " + j + " dead time: " + run.adopted());
    }
    assertTrue(r.reached() >= 4, "reached " + r.reached() + " of " + r.outcomes().size() + ": " + r.outcomes());
    assertEquals(0, r.commandViolations() + r.measuredViolations(), "limit violations");
    assertEquals(0, r.faults().getOrDefault("TRACKING_ERROR", 0L), "faults " + r.faults());
    assertEquals(0, r.faults().getOrDefault("RESPONSE_MISMATCH", 0L), "adopted, not reported: " + r.faults());

    Run again = run(5);
    assertEquals(r.commandHash(), again.report().commandHash(), "lock-step adoption repeats command for command");
    assertEquals(run.adopted(), again.adopted());
  }
}
