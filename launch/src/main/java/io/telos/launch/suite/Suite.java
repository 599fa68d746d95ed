package io.telos.launch.suite;

import io.telos.api.GoalOutcome;
import io.telos.api.config.Settings;
import io.telos.runtime.config.LaunchException;
import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The task suite: every task launch file × every planner variant × {@code seeds} seeds, each run in
 * lock-step simulated time with no episodic memory, aggregated into one {@link Row} per task and
 * planner.
 */
public final class Suite {
  /** The vendor-layout arms of the per-arm tasks: row label and file-name key. */
  private static final List<String[]> ARMS = List.of(
      new String[] {"UR5e", "ur5e"}, new String[] {"Panda", "panda"}, new String[] {"Gen3", "gen3"},
      new String[] {"iiwa", "iiwa"});

  /**
   * The bundled tasks: name and launch file (under the tasks directory). The telos6 tasks, then
   * {@code reach-<arm>.yaml} and {@code keep-out-<arm>.yaml} for each of {@link #ARMS}.
   */
  public static final List<String[]> TASKS = Stream.of(
      Stream.of(
          new String[] {"reach", "reach.yaml"},
          new String[] {"keep-out reach", "keep-out-reach.yaml"},
          new String[] {"keep-out wall", "keep-out-wall.yaml"},
          new String[] {"sequence (6 pts)", "sequence.yaml"},
          new String[] {"push", "push.yaml"},
          new String[] {"push (sliding puck)", "push-slide.yaml"},
          new String[] {"push (past a neighbour)", "push-pair.yaml"},
          new String[] {"push (camera)", "push-camera.yaml"}),
      ARMS.stream().map(a -> new String[] {"reach " + a[0], "reach-" + a[1] + ".yaml"}),
      ARMS.stream().map(a -> new String[] {"keep-out " + a[0], "keep-out-" + a[1] + ".yaml"}))
      .flatMap(x -> x).toList();

  /** Planner variants, in table order. */
  public static final List<String> PLANNERS = List.of("mppi", "mppi-flat", "dls");

  /** One row of the table: a task and a planner over every seed. */
  public record Row(String task, String planner, int seeds, int goals, int reached, double meanS, double p95S,
      long limitViolations, long keepOutCommandEntries, long keepOutStateEntries, long commandsChecked,
      double minClearanceM, boolean hasVolumes, long faults, int unfinished, double simulatedS, double wallS,
      long belowTable, double minToolHeightM, long collisions, boolean collisionGuarded, boolean hasNeighbours,
      double neighbourMovedM) {

    public double successRate() {
      return goals == 0 ? 0 : (double) reached / goals;
    }

    /**
     * Limit violations plus keep-out entries and tool-below-table ticks (commanded or measured); plus
     * self-collision or link-below-table ticks when the row's runs had
     * {@code planner.guardrails.self_collision} on (otherwise {@code collisions} is for information).
     */
    public long guardrailViolations() {
      return limitViolations + keepOutCommandEntries + keepOutStateEntries + belowTable
          + (collisionGuarded ? collisions : 0);
    }
  }

  private Suite() {}

  /** The planner section for a variant, derived from the task file's section. */
  /** Model folder for the {@code mppi-learned} variant (hierarchical MPPI over the learned world model). */
  static volatile Path learnedModel;
  /** Model file for the {@code mppi-contact} variant (hierarchical MPPI over the learned contact model). */
  static volatile Path contactModel;

  static Settings plannerFor(String variant, Settings base) {
    Map<String, Object> m = new LinkedHashMap<>(base.asMap());
    switch (variant) {
      case "mppi" -> m.put("type", "mppi");
      case "mppi-learned" -> {
        if (learnedModel == null) {
          throw new IllegalStateException("mppi-learned needs a model folder (telos suite --learned-model DIR)");
        }
        m.put("type", "mppi");
        m.put("world_model", Map.of("type", "learned", "path", learnedModel.toString()));
      }
      case "mppi-contact" -> {
        if (contactModel == null) {
          throw new IllegalStateException("mppi-contact needs a contact model file (telos suite --contact-model FILE)");
        }
        m.put("type", "mppi");
        m.put("contact_model", Map.of("type", "learned", "path", contactModel.toString()));
      }
      case "mppi-flat" -> {
        m.put("type", "mppi");
        Map<String, Object> costs = new LinkedHashMap<>(base.section("costs").asMap());
        costs.put("subgoal_weight", 0.0);
        m.put("costs", costs);
      }
      case "dls" -> {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("type", "dls");
        for (String k : List.of("rate_hz", "guardrails", "costs", "dt_s", "velocity_scale")) {
          if (m.containsKey(k)) {
            d.put(k, m.get(k));
          }
        }
        if (d.containsKey("costs")) {
          Map<String, Object> costs = new LinkedHashMap<>(base.section("costs").asMap());
          costs.remove("subgoal_weight");
          costs.remove("subgoal_fade_m");
          d.put("costs", costs);
        }
        m = d;
      }
      default -> throw new IllegalArgumentException("unknown planner variant " + variant);
    }
    return new Settings(base.path(), m);
  }

  /** The spec run for one task, planner and seed index (seed = file seed + index). */
  static LaunchSpec variant(LaunchSpec task, String planner, int seedIndex, int maxGoals) {
    LaunchSpec s = task.withClock("sim").withSeed(task.seed() + seedIndex).withPlanner(plannerFor(planner, task.planner()))
        .withMemory(new Settings("memory", Map.of("type", "none")));
    return maxGoals > 0 ? s.withTask(s.task().limitedTo(maxGoals)) : s;
  }

  /**
   * Runs the suite.
   *
   * @param dir the directory holding the task launch files
   * @param maxGoals cap on targets per run (0: as in the files)
   * @param log one line per run
   */
  public static List<Row> run(Path dir, int seeds, int maxGoals, Consumer<String> log) throws InterruptedException {
    return run(dir, seeds, maxGoals, List.of(), log);
  }

  /** As {@link #run(Path, int, int, Consumer)} for the tasks whose file name is in {@code only} (empty: all). */
  public static List<Row> run(Path dir, int seeds, int maxGoals, List<String> only, Consumer<String> log)
      throws InterruptedException {
    return run(dir, seeds, maxGoals, only, null, log);
  }

  /**
   * As above; with {@code learned} (a model folder of {@code telos train}) every task also runs with
   * hierarchical MPPI over the learned world model ({@code mppi-learned}), next to the analytic one.
   */
  public static List<Row> run(Path dir, int seeds, int maxGoals, List<String> only, Path learned,
      Consumer<String> log) throws InterruptedException {
    return run(dir, seeds, maxGoals, only, learned, null, log);
  }

  /**
   * As above; with {@code contact} (a model file of {@code telos learn-contact}) every task with
   * scene objects also runs with hierarchical MPPI over the learned contact model
   * ({@code mppi-contact}), next to the analytic one.
   */
  public static List<Row> run(Path dir, int seeds, int maxGoals, List<String> only, Path learned, Path contact,
      Consumer<String> log) throws InterruptedException {
    learnedModel = learned;
    contactModel = contact;
    List<String> planners = new ArrayList<>(PLANNERS);
    if (learned != null) {
      planners.add(1, "mppi-learned");
    }
    if (contact != null) {
      planners.add(1, "mppi-contact");
    }
    List<Row> rows = new ArrayList<>();
    for (String[] t : TASKS) {
      if (!only.isEmpty() && !only.contains(t[1]) && !only.contains(t[1].replace(".yaml", ""))) {
        continue;
      }
      Path file = dir.resolve(t[1]);
      if (!Files.isRegularFile(file)) {
        throw new LaunchException("suite: task file missing: " + file);
      }
      LaunchSpec task = LaunchFile.load(file);
      for (String planner : planners) {
        if (planner.equals("mppi-contact") && task.scene().isEmpty()) {
          continue; // nothing for a contact model to move
        }
        rows.add(runRow(t[0], planner, task, seeds, maxGoals, log));
      }
    }
    return rows;
  }

  static Row runRow(String name, String planner, LaunchSpec task, int seeds, int maxGoals, Consumer<String> log)
      throws InterruptedException {
    List<Double> times = new ArrayList<>();
    int goals = 0;
    int reached = 0;
    int unfinished = 0;
    long limits = 0;
    long cmdIn = 0;
    long stIn = 0;
    long checked = 0;
    long faults = 0;
    double minClear = Double.POSITIVE_INFINITY;
    boolean vols = false;
    double sim = 0;
    double wall = 0;
    long below = 0;
    long collisions = 0;
    boolean guarded = false;
    double minTool = Double.POSITIVE_INFINITY;
    double neighbourMoved = 0;
    boolean neighbours = task.scene().objects().stream().anyMatch(o -> !o.name().equals(task.task().object()));
    for (int i = 0; i < seeds; i++) {
      LaunchSpec spec = variant(task, planner, i, maxGoals);
      SuiteRunner.Result r = SuiteRunner.run(spec);
      goals += r.goals();
      for (GoalOutcome o : r.report().outcomes()) {
        if (o.reached()) {
          reached++;
          times.add(SuiteRunner.elapsedS(o));
        }
      }
      if (!r.finished()) {
        unfinished++;
      }
      limits += r.report().limitViolations();
      cmdIn += r.commandEntries();
      stIn += r.stateEntries();
      checked += r.commandsChecked();
      faults += r.report().faults().values().stream().mapToLong(Long::longValue).sum();
      minClear = Math.min(minClear, r.minClearanceM());
      vols |= r.hasVolumes();
      below += r.belowTable();
      collisions += r.collisions();
      guarded |= r.collisionGuarded();
      minTool = Math.min(minTool, r.minToolHeightM());
      neighbourMoved = Math.max(neighbourMoved, r.neighbourMovedM());
      sim += r.report().simulatedSeconds();
      wall += r.report().wallSeconds();
      log.accept(String.format("suite: %-16s %-9s seed %d: %d/%d reached, limit violations %d, keep-out entries %d/%d"
          + " (cmd/state), collisions %d, %.1f s simulated in %.1f s wall", name, planner, spec.seed(), r.report().reached(), r.goals(),
          r.report().limitViolations(), r.commandEntries(), r.stateEntries(), r.collisions(), r.report().simulatedSeconds(),
          r.report().wallSeconds()));
    }
    double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double mean = Arrays.stream(sorted).average().orElse(Double.NaN);
    double p95 = sorted.length == 0 ? Double.NaN
        : sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(0.95 * sorted.length) - 1))];
    return new Row(name, planner, seeds, goals, reached, mean, p95, limits, cmdIn, stIn, checked, minClear, vols, faults,
        unfinished, sim, wall, below, minTool, collisions, guarded, neighbours, neighbourMoved);
  }
}
