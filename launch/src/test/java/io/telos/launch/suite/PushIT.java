package io.telos.launch.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contact task end to end on the ODE simulation, in lock-step: the puck is a rigid cylinder
 * on the table, the tool's sphere pushes it, perception reports its pose, the goal ends when the
 * simulated puck (not a prediction) is within tolerance. Hierarchical MPPI over the contact model
 * reaches every target of {@code push.yaml} with no limit violation and no fault, and does better
 * than the flat planner on the same seed.
 */
class PushIT {
  @Test
  @Timeout(180)
  void hierarchicalMppiPushesThePuckToEveryTargetAndBeatsFlat() throws Exception {
    LaunchSpec task = LaunchFile.load(SuiteCommand.findTasks().resolve("push.yaml"));
    List<String> log = new ArrayList<>();
    Suite.Row mppi = Suite.runRow("push", "mppi", task, 1, 0, log::add);
    assertEquals(task.task().points().size(), mppi.goals());
    assertEquals(mppi.goals(), mppi.reached(), "every push reached: " + mppi + " " + log);
    assertEquals(0, mppi.guardrailViolations(), mppi.toString());
    assertEquals(0, mppi.faults(), mppi.toString());
    assertEquals(0, mppi.belowTable(), "the tool's sphere never went below the table: " + mppi);
    assertTrue(mppi.minToolHeightM() > 0 && mppi.minToolHeightM() < 0.03, "it did work near the table: " + mppi);

    Suite.Row flat = Suite.runRow("push", "mppi-flat", task, 1, 0, log::add);
    assertEquals(0, flat.limitViolations(), flat.toString());
    // flat MPPI jams the tool against the puck; the arm is deflected under the table plane and the
    // latched protective stop holds it there: the independent monitor sees it
    assertTrue(flat.belowTable() > 0, "the table monitor sees the jammed tool: " + flat);
    assertTrue(flat.reached() < mppi.reached(), "the hierarchy beats flat MPPI: " + flat + " vs " + mppi);
  }
}
