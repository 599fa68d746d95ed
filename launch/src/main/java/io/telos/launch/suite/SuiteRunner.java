package io.telos.launch.suite;

import io.telos.api.GoalOutcome;
import io.telos.launch.Composer;
import io.telos.launch.Session;
import io.telos.runtime.AgentRuntime;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchException;
import io.telos.runtime.config.LaunchSpec;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one launch spec like {@code Session.run} (compose, deploy on a fresh Vert.x, wait for every
 * goal's outcome, stop), with no episodic memory, and with the bridge wrapped in a
 * {@link MonitoredHardware} that checks every command and every measured state against the keep-out
 * volumes of the spec's planner section.
 */
public final class SuiteRunner {
  private SuiteRunner() {}

  /**
   * What one run measured: the runtime's report plus the independent keep-out check;
   * {@code collisionGuarded}: the run had {@code planner.guardrails.self_collision} on;
   * {@code neighbourMovedM}: the farthest any scene object the task does not push was moved (m, 0
   * without such objects).
   */
  public record Result(RunReport report, int goals, boolean finished, long commandsChecked, long commandEntries,
      long statesChecked, long stateEntries, double minClearanceM, boolean hasVolumes, long belowTable,
      double minToolHeightM, long collisions, boolean collisionGuarded, double neighbourMovedM) {}

  public static Result run(LaunchSpec spec) throws InterruptedException {
    if (!spec.simulatedTime()) {
      throw new LaunchException("suite: runs in lock-step only (clock: sim), " + spec.source() + " has clock " + spec.clock());
    }
    KeepOutMonitor monitor;
    try {
      monitor = KeepOutMonitor.from(Composer.model(spec), spec.planner());
    } catch (IllegalArgumentException e) {
      throw new LaunchException(spec.source() + ": " + e.getMessage(), e);
    }
    AtomicReference<MonitoredHardware> monitored = new AtomicReference<>();
    AtomicBoolean guarded = new AtomicBoolean();
    int goals = Math.max(1, spec.task().goalCount());
    Duration maxWall = Duration.ofSeconds((long) (60 + (spec.task().timeoutS() + 5) * goals * 4));
    RunReport report = Session.run(spec, p -> {
      MonitoredHardware hw = new MonitoredHardware(p.hardware(), monitor, p.model().jointNames(), p.model(),
          spec.scene().isEmpty() ? 0 : spec.scene().toolRadiusM(), p.collision());
      guarded.set(p.collision() != null);
      monitored.set(hw);
      return p.withHardware(hw);
    }, o -> { }, maxWall, -1);
    MonitoredHardware hw = monitored.get();
    return new Result(report, goals, report.outcomes().size() == goals, hw.commandsChecked(), hw.commandEntries(),
        hw.statesChecked(), hw.stateEntries(), hw.minClearance(), monitor.hasVolumes(),
        hw.commandsBelowTable() + hw.statesBelowTable(), hw.minToolHeight(), hw.collisionTicks(),
        guarded.get(), hw.objectDisplacements().entrySet().stream()
            .filter(e -> !e.getKey().equals(spec.task().object())).mapToDouble(Map.Entry::getValue).max().orElse(0));
  }

  static double elapsedS(GoalOutcome o) {
    return o.elapsedNs() / 1e9;
  }
}
