package io.telos.launch.suite;

import io.telos.api.GoalOutcome;
import io.telos.launch.Session;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchException;
import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code telos bench-response}: the reach task on arms that lag their commands — a grid of
 * first-order lag × dead time × speed ceiling, each arm simulated that slow (ODE, lock-step) and
 * declared to the agent in {@code robot.response}, beside the arm that follows at once (the
 * baseline) and, with {@code --undeclared}, the same slow arms with nothing declared. Prints a
 * Markdown table and writes it with a PNG plot.
 *
 * <p>A cell passes when at least 95 % of the targets are reached, with no limit violation and no
 * tracking-error stop, and the mean time to target is within {@code 1.5 × baseline + τ + d}.
 */
@Command(name = "bench-response", mixinStandardHelpOptions = true,
    description = "Reach on slow arms: lag x dead time x speed ceiling, declared in robot.response (lock-step sim);"
        + " writes DIR/response.md and DIR/response.png.")
public final class ResponseBench implements Callable<Integer> {
  @Option(names = "--lags", split = ",", description = "First-order lags, s (default 0.02,0.05,0.1,0.2,0.3).")
  List<Double> lags = List.of(0.02, 0.05, 0.1, 0.2, 0.3);

  @Option(names = "--dead-times-ms", split = ",", description = "Dead times, ms (default 0,20,50).")
  List<Double> deadTimesMs = List.of(0.0, 20.0, 50.0);

  @Option(names = "--caps", split = ",", description = "Speed ceilings, rad/s; 0 for none (default 0,1).")
  List<Double> caps = List.of(0.0, 1.0);

  @Option(names = "--targets", description = "Targets per cell (default 20).")
  int targets = 20;

  @Option(names = "--seed", description = "Seed of the targets and the planner (default 42).")
  long seed = 42;

  @Option(names = "--undeclared", description = "Also run every cell with no robot.response (what the agent did"
      + " before it knew the arm's response).")
  boolean undeclared;

  @Option(names = "--out", description = "Output directory (default runs/response).")
  Path out = Path.of("runs", "response");

  /** One cell of the grid. */
  public record Cell(double lagS, double deadTimeMs, double cap, boolean declared, int goals, long reached,
      double meanTimeS, double p95TimeS, long limitViolations, long trackingStops, double boundS) {
    public double successRate() {
      return goals == 0 ? 0 : (double) reached / goals;
    }

    /** Success ≥ 0.95, no violation, no tracking stop, mean time within the bound. */
    public boolean passes() {
      return successRate() >= 0.95 && limitViolations == 0 && trackingStops == 0 && meanTimeS <= boundS;
    }
  }

  @Override
  public Integer call() throws Exception {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    if (targets < 1) {
      throw new LaunchException("--targets: must be >= 1, was " + targets);
    }
    List<Cell> cells = run(lags, deadTimesMs, caps, targets, seed, undeclared, System.err);
    String cmd = "telos bench-response --targets " + targets + " --seed " + seed + (undeclared ? " --undeclared" : "");
    String md = markdown(cells, cmd);
    Files.createDirectories(out);
    Path mdFile = out.resolve("response.md");
    Path png = out.resolve("response.png");
    Files.writeString(mdFile, md);
    ResponsePlot.write(cells, png);
    System.out.println(md);
    System.out.println("wrote " + mdFile + " and " + png);
    return cells.stream().filter(Cell::declared).allMatch(Cell::passes) ? 0 : 3;
  }

  /** Runs the baseline, then every cell of the grid; the first row is the baseline. */
  public static List<Cell> run(List<Double> lags, List<Double> deadMs, List<Double> caps, int targets, long seed,
      boolean undeclared, java.io.PrintStream log) throws InterruptedException {
    List<Cell> cells = new ArrayList<>();
    Cell base = cell(0, 0, 0, true, targets, seed, Double.POSITIVE_INFINITY);
    cells.add(base);
    log.printf(Locale.ROOT, "baseline (no lag): %d/%d, mean %.2f s%n", base.reached(), base.goals(), base.meanTimeS());
    int total = lags.size() * deadMs.size() * caps.size() * (undeclared ? 2 : 1);
    int done = 0;
    for (double cap : caps) {
      for (double d : deadMs) {
        for (double lag : lags) {
          double bound = 1.5 * base.meanTimeS() + lag + d / 1e3;
          for (boolean declared : undeclared ? List.of(true, false) : List.of(true)) {
            Cell c = cell(lag, d, cap, declared, targets, seed, bound);
            cells.add(c);
            done++;
            log.printf(Locale.ROOT, "[%d/%d] lag %.2f s, dead %.0f ms, cap %s, %s: %d/%d, mean %.2f s%s%n", done, total,
                lag, d, cap > 0 ? cap + " rad/s" : "none", declared ? "declared" : "undeclared", c.reached(), c.goals(),
                c.meanTimeS(), c.passes() ? "" : "  (fails)");
          }
        }
      }
    }
    return cells;
  }

  /** One lock-step run of the reach task on an arm simulated with this response. */
  static Cell cell(double lag, double deadMs, double cap, boolean declared, int targets, long seed, double bound)
      throws InterruptedException {
    LaunchSpec spec = spec(lag, deadMs, cap, declared, targets, seed);
    RunReport r = Session.run(spec, o -> { }, Duration.ofSeconds(60 + 20L * targets));
    double[] times = r.outcomes().stream().filter(GoalOutcome::reached).mapToDouble(o -> o.elapsedNs() / 1e9)
        .sorted().toArray();
    double mean = times.length == 0 ? Double.NaN : java.util.Arrays.stream(times).average().orElse(Double.NaN);
    double p95 = times.length == 0 ? Double.NaN : times[Math.min(times.length - 1, (int) Math.ceil(0.95 * times.length) - 1)];
    return new Cell(lag, deadMs, cap, declared, r.outcomes().size(), r.reached(), mean, p95, r.limitViolations(),
        r.faults().getOrDefault("TRACKING_ERROR", 0L), bound);
  }

  /** The launch file of one cell: the demo's arm and task, lock-step, no memory. */
  static LaunchSpec spec(double lag, double deadMs, double cap, boolean declared, int targets, long seed) {
    String response = String.format(Locale.ROOT, "lag_s: %s, dead_time_ms: %s%s", lag, deadMs,
        cap > 0 ? ", max_velocity: " + cap : "");
    boolean slow = lag > 0 || deadMs > 0 || cap > 0;
    String yaml = "robot:\n  id: arm1\n  description: builtin:telos6\n"
        + (declared && slow ? "  response: { " + response + " }\n" : "")
        + "clock: sim\nseed: " + seed + "\n"
        + "bridge: { type: sim" + (slow ? ", " + response : "") + " }\n"
        + "perception: { rate_hz: 250 }\nplanner: { type: mppi, rate_hz: 50 }\nsafety: { rate_hz: 1000 }\n"
        + "task: { type: reach_random, count: " + targets + ", tolerance_m: 0.01, timeout_s: 8, settle_s: 0.1 }\n"
        + "memory: { type: none }\n";
    return LaunchFile.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
        Path.of("bench-response.yaml"));
  }

  /** The table: one row per cell, the baseline first. */
  public static String markdown(List<Cell> cells, String cmd) {
    StringBuilder b = new StringBuilder();
    b.append("| lag τ (s) | dead time (ms) | speed cap (rad/s) | robot.response | reached | mean time (s) | p95 (s) "
        + "| bound (s) | limit violations | tracking stops | passes |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Cell c : cells) {
      boolean base = c.lagS() == 0 && c.deadTimeMs() == 0 && c.cap() == 0;
      b.append(String.format(Locale.ROOT, "| %s | %.0f | %s | %s | %d/%d | %s | %s | %s | %d | %d | %s |%n",
          base ? "0 (baseline)" : trim(c.lagS()), c.deadTimeMs(), c.cap() > 0 ? trim(c.cap()) : "none",
          base ? "—" : c.declared() ? "declared" : "not declared", c.reached(), c.goals(), fmt(c.meanTimeS()),
          fmt(c.p95TimeS()), base ? "—" : fmt(c.boundS()), c.limitViolations(), c.trackingStops(),
          base ? "—" : c.passes() ? "yes" : "no"));
    }
    b.append("\n`").append(cmd).append("` (lock-step ODE simulation; bound = 1.5 × baseline mean + τ + dead time)\n");
    return b.toString();
  }

  private static String fmt(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "—";
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
