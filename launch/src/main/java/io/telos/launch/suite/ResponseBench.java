package io.telos.launch.suite;

import io.telos.api.GoalOutcome;
import io.telos.api.config.Settings;
import io.telos.launch.RemoteSimRobot;
import io.telos.launch.Session;
import io.telos.model.ActuatorResponse;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchException;
import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code telos bench-response}: the reach task on arms that lag their commands — a grid of
 * first-order lag × dead time × speed ceiling, each arm simulated that slow and declared to the
 * agent in {@code robot.response}, beside the arm that follows at once (the baseline) and, with
 * {@code --undeclared}, the same slow arms with nothing declared. Prints a Markdown table and
 * writes it with a PNG plot.
 *
 * <p>{@code --transport sim} (the default) runs the arm in-process in lock-step; {@code mqtt} and
 * {@code ros2} run it in real time behind the wire ({@link RemoteSimRobot}: the standalone
 * simulated arm with its embedded MQTT broker, or as a ROS 2 driver on DDS loopback), a fresh arm
 * at its home pose for every cell, and the agent on the wall clock through that bridge; the
 * baseline is then the unlagged arm over the same wire.
 *
 * <p>A cell passes when at least 95 % of the targets are reached, with no limit violation and no
 * tracking-error stop, and the mean time to target is within {@code 1.5 × baseline + τ + d}.
 */
@Command(name = "bench-response", mixinStandardHelpOptions = true,
    description = "Reach on slow arms: lag x dead time x speed ceiling, declared in robot.response (lock-step sim,"
        + " or in real time over MQTT or ROS 2); writes DIR/response.md and DIR/response.png.")
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

  @Option(names = "--learned", description = "Also run every cell with nothing declared and robot.response.adapt"
      + " (the agent adopts the response it identifies online).")
  boolean learned;

  @Option(names = "--transport", description = "sim: in-process, lock-step (default); mqtt or ros2: the simulated"
      + " arm behind that wire (embedded broker / DDS on 127.0.0.1), the agent in real time.")
  String transport = "sim";

  @Option(names = "--domain-id", description = "ROS 2 domain of --transport ros2 (default: 100 + this process id"
      + " modulo 100, never 0).")
  Integer domainId;

  @Option(names = "--out", description = "Output directory (default runs/response).")
  Path out = Path.of("runs", "response");

  /** One cell of the grid. */
  /** What the agent is told of the arm's response. */
  public enum Knowledge {
    /** {@code robot.response} declares the simulated arm's response. */
    DECLARED("declared"),
    /** Nothing declared: the agent plans as if the arm followed at once. */
    UNDECLARED("not declared"),
    /** Nothing declared, {@code robot.response.adapt}: the response identified online is adopted. */
    LEARNED("learned online");

    private final String label;

    Knowledge(String label) {
      this.label = label;
    }

    /** As the table prints it. */
    public String label() {
      return label;
    }
  }

  public record Cell(double lagS, double deadTimeMs, double cap, Knowledge knowledge, int goals, long reached,
      double meanTimeS, double p95TimeS, long limitViolations, long trackingStops, double boundS,
      Map<String, Long> faults, List<GoalOutcome> outcomes) {
    public Cell {
      faults = Map.copyOf(faults);
      outcomes = List.copyOf(outcomes);
    }

    /** Whether the response was declared to the agent. */
    public boolean declared() {
      return knowledge == Knowledge.DECLARED;
    }

    /** The targets missed, e.g. {@code target-3 (8.00 s, 23.4 mm)}; "" for none. */
    public String misses() {
      return outcomes.stream().filter(o -> !o.reached()).map(o -> String.format(Locale.ROOT, "%s (%.2f s, %.1f mm)",
          o.goalId(), o.elapsedNs() / 1e9, o.finalError() * 1e3)).collect(Collectors.joining(", "));
    }

    /** Faults other than tracking errors, e.g. {@code STATE_STALE×2} (a late joint state in real time); "" for none. */
    public String otherFaults() {
      return faults.entrySet().stream().filter(e -> !e.getKey().equals("TRACKING_ERROR") && e.getValue() > 0)
          .sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + "×" + e.getValue())
          .collect(Collectors.joining(", "));
    }

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
    requireEach("--lags", lags, 0, ActuatorResponse.MAX_LAG_S);
    requireEach("--dead-times-ms", deadTimesMs, 0, ActuatorResponse.MAX_DEAD_TIME_S * 1e3);
    requireEach("--caps", caps, 0, 1e4);
    for (double c : caps) {
      if (c > 0 && c < 1e-3) {
        throw new LaunchException("--caps: each value must be 0 (none) or at least 0.001 rad/s, was " + c);
      }
    }
    if (!List.of("sim", "mqtt", "ros2").contains(transport)) {
      throw new LaunchException("--transport: must be sim, mqtt or ros2, was '" + transport + "'");
    }
    int domain = domainId != null ? domainId : 100 + (int) (ProcessHandle.current().pid() % 100);
    if (domain < 0 || domain > 232) {
      throw new LaunchException("--domain-id: must be in 0..232, was " + domain);
    }
    List<Knowledge> kinds = new ArrayList<>(List.of(Knowledge.DECLARED));
    if (undeclared) {
      kinds.add(Knowledge.UNDECLARED);
    }
    if (learned) {
      kinds.add(Knowledge.LEARNED);
    }
    List<Cell> cells = run(new Wire(transport, domain), lags, deadTimesMs, caps, targets, seed, kinds, System.err);
    String cmd = "telos bench-response --targets " + targets + " --seed " + seed + (undeclared ? " --undeclared" : "")
        + (learned ? " --learned" : "")
        + (transport.equals("sim") ? "" : " --transport " + transport);
    String md = markdown(cells, cmd, transport);
    Files.createDirectories(out);
    Path mdFile = out.resolve("response.md");
    Path png = out.resolve("response.png");
    Files.writeString(mdFile, md);
    ResponsePlot.write(cells, switch (transport) {
      case "mqtt" -> "real time over MQTT";
      case "ros2" -> "real time over ROS 2";
      default -> "lock-step sim";
    }, png);
    System.out.println(md);
    System.out.println("wrote " + mdFile + " and " + png);
    return cells.stream().filter(Cell::declared).allMatch(Cell::passes) ? 0 : 3;
  }

  /**
   * Where the slow arm runs: {@code sim} in-process and lock-step, or {@code mqtt} / {@code ros2}
   * behind that wire in real time.
   *
   * @param domainId the ROS 2 domain of {@code ros2}
   */
  public record Wire(String transport, int domainId) {
    public static final Wire SIM = new Wire("sim", 0);

    public boolean realTime() {
      return !transport.equals("sim");
    }
  }

  /** Refuses, before anything runs, a value outside [lo, hi] (or not finite). */
  private static void requireEach(String option, List<Double> values, double lo, double hi) {
    for (double v : values) {
      if (!(v >= lo && v <= hi)) {
        throw new LaunchException(option + ": each value must be in [" + lo + ", " + hi + "], was " + v);
      }
    }
  }

  /** Runs the baseline, then every cell of the grid in lock-step; the first row is the baseline. */
  public static List<Cell> run(List<Double> lags, List<Double> deadMs, List<Double> caps, int targets, long seed,
      boolean undeclared, PrintStream log) throws Exception {
    return run(Wire.SIM, lags, deadMs, caps, targets, seed,
        undeclared ? List.of(Knowledge.DECLARED, Knowledge.UNDECLARED) : List.of(Knowledge.DECLARED), log);
  }

  /** Runs the baseline, then every cell of the grid over {@code wire}; the first row is the baseline. */
  public static List<Cell> run(Wire wire, List<Double> lags, List<Double> deadMs, List<Double> caps, int targets,
      long seed, List<Knowledge> kinds, PrintStream log) throws Exception {
    List<Cell> cells = new ArrayList<>();
    if (wire.realTime()) {
      // real time: a cold JVM (JIT, first DDS/MQTT sessions) would make the baseline look slow
      Cell w = cell(wire, 0, 0, 0, Knowledge.DECLARED, Math.min(targets, 3), seed + 1, Double.POSITIVE_INFINITY);
      log.printf(Locale.ROOT, "warm-up (no lag, not counted): %d/%d, mean %.2f s%n", w.reached(), w.goals(),
          w.meanTimeS());
    }
    Cell base = cell(wire, 0, 0, 0, Knowledge.DECLARED, targets, seed, Double.POSITIVE_INFINITY);
    cells.add(base);
    log.printf(Locale.ROOT, "baseline (no lag): %d/%d, mean %.2f s%n", base.reached(), base.goals(), base.meanTimeS());
    int total = lags.size() * deadMs.size() * caps.size() * kinds.size();
    int done = 0;
    for (double cap : caps) {
      for (double d : deadMs) {
        for (double lag : lags) {
          double bound = 1.5 * base.meanTimeS() + lag + d / 1e3;
          for (Knowledge kind : kinds) {
            Cell c = cell(wire, lag, d, cap, kind, targets, seed, bound);
            cells.add(c);
            done++;
            log.printf(Locale.ROOT, "[%d/%d] lag %.2f s, dead %.0f ms, cap %s, %s: %d/%d, mean %.2f s%s%n", done, total,
                lag, d, cap > 0 ? cap + " rad/s" : "none", kind.label(), c.reached(), c.goals(),
                c.meanTimeS(), c.passes() ? "" : "  (fails)");
            if (!c.misses().isEmpty() || !c.otherFaults().isEmpty()) {
              log.printf(Locale.ROOT, "      missed: %s; faults: %s%n", c.misses().isEmpty() ? "none" : c.misses(),
                  c.faults());
            }
          }
        }
      }
    }
    return cells;
  }

  /**
   * One run of the reach task on an arm simulated with this response: lock-step in-process, or a
   * fresh arm behind the wire and the agent in real time.
   */
  static Cell cell(Wire wire, double lag, double deadMs, double cap, Knowledge declared, int targets, long seed,
      double bound) throws Exception {
    LaunchSpec spec = spec(lag, deadMs, cap, declared, targets, seed);
    if (!wire.realTime()) {
      return cell(Session.run(spec, o -> { }, Duration.ofSeconds(60 + 20L * targets)), lag, deadMs, cap, declared,
          bound);
    }
    try (RemoteSimRobot robot = RemoteSimRobot.start(wire.transport(), spec.robot().id(), spec.robot().description(),
        seed, wire.domainId(), simSettings(lag, deadMs, cap))) {
      RunReport r = Session.run(overWire(spec, robot.bridge()), o -> { },
          Duration.ofSeconds(60 + (long) (spec.task().timeoutS() * 1.5 + 5) * targets));
      return cell(r, lag, deadMs, cap, declared, bound);
    }
  }

  /** The {@code sim} bridge keys that make the simulated arm this slow (empty for none). */
  public static Map<String, Object> simSettings(double lag, double deadMs, double cap) {
    Map<String, Object> sim = new LinkedHashMap<>();
    if (lag > 0 || deadMs > 0 || cap > 0) {
      sim.put("lag_s", lag);
      sim.put("dead_time_ms", deadMs);
      if (cap > 0) {
        sim.put("max_velocity", cap);
      }
    }
    return sim;
  }

  /** A cell's launch spec on the wall clock, reaching the arm through {@code bridge}. */
  public static LaunchSpec overWire(LaunchSpec spec, Map<String, Object> bridge) {
    return spec.withClock("wall").withBridge(new Settings("bridge", bridge));
  }

  /** A cell's figures from the report of its run. */
  public static Cell cell(RunReport r, double lag, double deadMs, double cap, Knowledge declared, double bound) {
    double[] times = r.outcomes().stream().filter(GoalOutcome::reached).mapToDouble(o -> o.elapsedNs() / 1e9)
        .sorted().toArray();
    double mean = times.length == 0 ? Double.NaN : Arrays.stream(times).average().orElse(Double.NaN);
    double p95 = times.length == 0 ? Double.NaN : times[Math.min(times.length - 1, (int) Math.ceil(0.95 * times.length) - 1)];
    return new Cell(lag, deadMs, cap, declared, r.outcomes().size(), r.reached(), mean, p95, r.limitViolations(),
        r.faults().getOrDefault("TRACKING_ERROR", 0L), bound, r.faults(), r.outcomes());
  }

  /** The launch file of one cell: the demo's arm and task, lock-step, no memory. */
  public static LaunchSpec spec(double lag, double deadMs, double cap, boolean declared, int targets, long seed) {
    return spec(lag, deadMs, cap, declared ? Knowledge.DECLARED : Knowledge.UNDECLARED, targets, seed);
  }

  /** The launch file of one cell: the demo's arm and task, lock-step, no memory. */
  public static LaunchSpec spec(double lag, double deadMs, double cap, Knowledge knowledge, int targets, long seed) {
    boolean declared = knowledge == Knowledge.DECLARED;
    String response = String.format(Locale.ROOT, "lag_s: %s, dead_time_ms: %s%s", lag, deadMs,
        cap > 0 ? ", max_velocity: " + cap : "");
    boolean slow = lag > 0 || deadMs > 0 || cap > 0;
    String yaml = "robot:\n  id: arm1\n  description: builtin:telos6\n"
        + (declared && slow ? "  response: { " + response + " }\n" : "")
        + (knowledge == Knowledge.LEARNED ? "  response: { adapt: true }\n" : "")
        + "clock: sim\nseed: " + seed + "\n"
        + "bridge: { type: sim" + (slow ? ", " + response : "") + " }\n"
        + "perception: { rate_hz: 250 }\nplanner: { type: mppi, rate_hz: 50 }\nsafety: { rate_hz: 1000 }\n"
        + "task: { type: reach_random, count: " + targets + ", tolerance_m: 0.01, timeout_s: 8, settle_s: 0.1 }\n"
        + "memory: { type: none }\n";
    return LaunchFile.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
        Path.of("bench-response.yaml"));
  }

  /** The table of a lock-step run: one row per cell, the baseline first. */
  public static String markdown(List<Cell> cells, String cmd) {
    return markdown(cells, cmd, "sim");
  }

  /** The table: one row per cell, the baseline first. */
  public static String markdown(List<Cell> cells, String cmd, String transport) {
    StringBuilder b = new StringBuilder();
    b.append("| lag τ (s) | dead time (ms) | speed cap (rad/s) | robot.response | reached | mean time (s) | p95 (s) "
        + "| bound (s) | limit violations | tracking stops | other faults | passes |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Cell c : cells) {
      boolean base = c.lagS() == 0 && c.deadTimeMs() == 0 && c.cap() == 0;
      b.append(String.format(Locale.ROOT, "| %s | %.0f | %s | %s | %d/%d | %s | %s | %s | %d | %d | %s | %s |%n",
          base ? "0 (baseline)" : trim(c.lagS()), c.deadTimeMs(), c.cap() > 0 ? trim(c.cap()) : "none",
          base ? "—" : c.knowledge().label(), c.reached(), c.goals(), fmt(c.meanTimeS()),
          fmt(c.p95TimeS()), base ? "—" : fmt(c.boundS()), c.limitViolations(), c.trackingStops(),
          c.otherFaults().isEmpty() ? "—" : c.otherFaults(), base ? "—" : c.passes() ? "yes" : "no"));
    }
    String how = switch (transport) {
      case "mqtt" -> "ODE simulation in real time behind MQTT (embedded broker, loopback), agent on the wall clock";
      case "ros2" -> "ODE simulation in real time as a ROS 2 driver (DDS on loopback), agent on the wall clock";
      default -> "lock-step ODE simulation";
    };
    b.append("\n`").append(cmd).append("` (").append(how)
        .append("; bound = 1.5 × baseline mean + τ + dead time)\n");
    return b.toString();
  }

  private static String fmt(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "—";
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
