package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.telos.api.GoalOutcome;
import io.telos.launch.suite.ResponseBench;
import io.telos.model.RobotModel;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchSpec;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The slow-arm figures in real time against a driver in another process: {@code lag_driver} (C,
 * Eclipse Cyclone DDS, a ros2_control-style position driver that follows its command after a dead
 * time, with a first-order lag and a speed ceiling) plays the telos6 arm from the demo's home pose;
 * the agent reaches it through the ROS 2 bridge (IHMC Fast DDS in this JVM) on the wall clock, with
 * the arm's response declared in {@code robot.response}. Two corners of the grid — the slowest
 * (τ 0.3 s, dead time 50 ms, 1 rad/s) and the quickest (τ 0.02 s, no dead time, no ceiling) — each
 * must reach every target within 1 cm, with no limit violation, no tracking-error stop and a mean
 * time to target within 1.5 × the unlagged driver's + τ + dead time; the slowest arm with nothing
 * declared must do clearly worse. Skipped without Debian's cyclonedds-dev, cyclonedds-tools and gcc.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 420, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hung native peer fails, not blocks
class SlowArmOverRos2IT {
  /** Targets per corner: few, for CI time (`telos bench-response` runs 20). */
  static final int TARGETS = 6;
  static final long SEED = 42;
  /** The demo's home pose, where the simulated telos6 starts. */
  static final double[] HOME = {0, -0.5, 1.2, -0.7, 1.57, 0};
  static final double DRIVER_RATE_HZ = 500;

  private final List<String> joints = RobotModel.load("builtin:telos6").jointNames();
  /** A block of domains for this JVM, beside those of the other ROS 2 ITs; one fresh domain per run. */
  private final int domainBase = 150 + (int) ((ProcessHandle.current().pid() + 31) % 50);
  private int runs;
  private double baselineMeanS;

  @BeforeAll
  void warmUpAndBaseline() throws Exception {
    assumeTrue(LagDriver.available(), "needs Debian packages cyclonedds-dev cyclonedds-tools libcycloneddsidl0 and gcc");
    // a cold JVM (JIT, the first DDS participant) would make the baseline look slow: one short run first
    run(0, 0, 0, true, 2, SEED + 1);
    RunReport base = run(0, 0, 0, true, TARGETS, SEED);
    assertEquals(TARGETS, base.reached(), "the unlagged driver: " + base.outcomes() + " faults " + base.faults());
    baselineMeanS = meanS(base);
  }

  @Test
  void theSlowestCornerIsReachedWhenItsResponseIsDeclared() throws Exception {
    assertCornerPasses(0.3, 50, 1.0);
  }

  @Test
  void theQuickestCornerIsReachedWhenItsResponseIsDeclared() throws Exception {
    assertCornerPasses(0.02, 0, 0);
  }

  @Test
  void theSlowestCornerUndeclaredDoesClearlyWorse() throws Exception {
    int targets = 3; // each miss costs the 8 s timeout
    RunReport r = run(0.3, 50, 1.0, false, targets, SEED);
    long tracking = r.faults().getOrDefault("TRACKING_ERROR", 0L);
    double bound = bound(0.3, 50);
    boolean worse = r.reached() < targets || meanS(r) > bound || tracking > 0 || r.limitViolations() > 0;
    assertTrue(worse, "the slow arm undeclared did as well as declared: " + r.outcomes() + " faults " + r.faults());
  }

  private void assertCornerPasses(double lag, double deadMs, double cap) throws Exception {
    RunReport r = run(lag, deadMs, cap, true, TARGETS, SEED);
    String what = "lag " + lag + " s, dead " + deadMs + " ms, cap " + (cap > 0 ? cap + " rad/s" : "none") + ": "
        + r.outcomes() + " faults " + r.faults();
    assertEquals(TARGETS, r.outcomes().size(), what);
    // success >= 0.95 of 6 targets is all 6
    assertEquals(TARGETS, r.reached(), "targets reached, " + what);
    assertEquals(0, r.limitViolations(), "limit violations, " + what);
    assertEquals(0L, r.faults().getOrDefault("TRACKING_ERROR", 0L), "tracking-error stops, " + what);
    double bound = bound(lag, deadMs);
    assertTrue(meanS(r) <= bound, String.format(Locale.ROOT, "mean time to target %.2f s over the bound %.2f s "
        + "(1.5 × baseline %.2f s + τ + d), %s", meanS(r), bound, baselineMeanS, what));
  }

  private double bound(double lag, double deadMs) {
    return 1.5 * baselineMeanS + lag + deadMs / 1e3;
  }

  /** One run of the reach task against a fresh driver this slow, on a domain of its own. */
  private RunReport run(double lag, double deadMs, double cap, boolean declared, int targets, long seed)
      throws Exception {
    int domain = domainBase + runs++ % 8;
    LaunchSpec spec = ResponseBench.overWire(ResponseBench.spec(lag, deadMs, cap, declared, targets, seed),
        Map.of("type", "ros2", "domain_id", domain, "loopback_only", true));
    try (LagDriver driver = LagDriver.start(domain, lag, deadMs, cap > 0 ? cap : Double.POSITIVE_INFINITY, joints,
        HOME, DRIVER_RATE_HZ)) {
      RunReport r = Session.run(spec, o -> { }, Duration.ofSeconds(60 + 14L * targets));
      System.out.printf(Locale.ROOT, "lag_driver over ROS 2, real time: lag %.2f s, dead %.0f ms, cap %s, %s: "
          + "%d/%d reached, mean %.2f s, limit violations %d, faults %s, driver took %d commands; per target: %s%n",
          lag, deadMs, cap > 0 ? cap + " rad/s" : "none", declared ? "declared" : "undeclared", r.reached(),
          r.outcomes().size(), meanS(r), r.limitViolations(), r.faults(), driver.commandsTaken(), perTarget(r));
      assertTrue(driver.alive(), "lag_driver exited: " + driver.log());
      assertTrue(driver.commandsTaken() > 1000, "the driver took only " + driver.commandsTaken() + " commands");
      return r;
    }
  }

  static double meanS(RunReport r) {
    return r.outcomes().stream().filter(GoalOutcome::reached).mapToDouble(o -> o.elapsedNs() / 1e9).average()
        .orElse(Double.NaN);
  }

  static String perTarget(RunReport r) {
    return r.outcomes().stream().map(o -> String.format(Locale.ROOT, "%s %.2f s %.1f mm", o.reached() ? "ok" : "MISS",
        o.elapsedNs() / 1e9, o.finalError() * 1e3)).collect(Collectors.joining(", "));
  }
}
