package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.launch.suite.ResponseBench;
import io.telos.launch.suite.ResponseBench.Knowledge;
import io.telos.model.ActuatorResponse;
import io.telos.runtime.AgentRuntime;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchSpec;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

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
    LaunchSpec spec = ResponseBench.spec(LAG_S, DEAD_MS, 0, Knowledge.LEARNED, targets, 42);
    AtomicReference<AgentRuntime> rt = new AtomicReference<>();
    RunReport r = Session.run(spec, UnaryOperator.identity(), o -> { }, Duration.ofSeconds(120), -1,
        s -> rt.set(s.runtime()));
    return new Run(r, rt.get().responseInForce(), rt.get().responseAdoptions());
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
