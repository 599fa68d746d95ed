package io.telos.launch.suite;

import io.telos.runtime.config.LaunchException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code telos suite}: every bundled task (launch/examples/suite/*.yaml) × planner (mppi, mppi-flat,
 * dls) × seed in lock-step simulated time; prints a Markdown table and writes it with a PNG plot.
 */
@Command(name = "suite", mixinStandardHelpOptions = true,
    description = "Task-suite report: reach, keep-out reach and a 6-point sequence with mppi, mppi-flat and dls"
        + " (lock-step sim); writes DIR/suite.md and DIR/suite.png.")
public final class SuiteCommand implements Callable<Integer> {
  @Option(names = "--seeds", description = "Seeds per task and planner (default 2).")
  int seeds = 2;

  @Option(names = "--out", description = "Output directory (default runs/suite).")
  Path out = Path.of("runs", "suite");

  @Option(names = "--tasks-dir", description = "Directory of the task launch files (default: launch/examples/suite,"
      + " looked up from the working directory upwards).")
  Path tasksDir;

  @Option(names = "--max-goals", description = "Cap on targets per run (0: as in the files; for quick checks).")
  int maxGoals;

  @Option(names = "--only", split = ",", description = "Run only these task files (e.g. keep-out-wall).")
  List<String> only = List.of();

  @Option(names = "--learned-model", description = "Also run every task with MPPI over the learned world model"
      + " in this model folder (from `telos train`), next to the analytic model.")
  Path learnedModel;

  @Option(names = "--contact-model", description = "Also run every task with objects with MPPI over the learned"
      + " contact model in this file (from `telos learn-contact`), next to the analytic one.")
  Path contactModel;

  @Override
  public Integer call() throws Exception {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    if (seeds < 1) {
      throw new LaunchException("--seeds: must be >= 1, was " + seeds);
    }
    if (maxGoals < 0) {
      throw new LaunchException("--max-goals: must be >= 0, was " + maxGoals);
    }
    if (learnedModel != null && !Files.exists(learnedModel)) {
      throw new LaunchException("--learned-model: no model file or folder at " + learnedModel
          + " (train one with `telos train`)");
    }
    if (contactModel != null && !Files.isRegularFile(contactModel)) {
      throw new LaunchException("--contact-model: no model file at " + contactModel
          + " (train one with `telos learn-contact`)");
    }
    Path dir = tasksDir != null ? tasksDir : findTasks();
    String cmd = "telos suite --seeds " + seeds + (maxGoals > 0 ? " --max-goals " + maxGoals : "")
        + (only.isEmpty() ? "" : " --only " + String.join(",", only))
        + (learnedModel == null ? "" : " --learned-model " + learnedModel)
        + (contactModel == null ? "" : " --contact-model " + contactModel);
    Result r = run(dir, seeds, maxGoals, only, learnedModel, contactModel, out, cmd);
    System.out.println(r.markdown());
    System.out.println("wrote " + r.markdownFile() + " and " + r.pngFile());
    return r.rows().stream().allMatch(x -> x.guardrailViolations() == 0) ? 0 : 3;
  }

  /** What a suite run produced. */
  public record Result(List<Suite.Row> rows, String markdown, Path markdownFile, Path pngFile) {}

  /** Runs the suite and writes DIR/suite.md and DIR/suite.png. */
  public static Result run(Path tasks, int seeds, int maxGoals, Path out, String cmd) throws Exception {
    return run(tasks, seeds, maxGoals, List.of(), out, cmd);
  }

  /** As {@link #run(Path, int, int, Path, String)} for some task files only (empty: all). */
  public static Result run(Path tasks, int seeds, int maxGoals, List<String> only, Path out, String cmd)
      throws Exception {
    return run(tasks, seeds, maxGoals, only, null, out, cmd);
  }

  /** As above, with the learned-model rows when {@code learned} is a model folder. */
  public static Result run(Path tasks, int seeds, int maxGoals, List<String> only, Path learned, Path out, String cmd)
      throws Exception {
    return run(tasks, seeds, maxGoals, only, learned, null, out, cmd);
  }

  /** As above, with the learned-contact rows when {@code contact} is a contact model file. */
  public static Result run(Path tasks, int seeds, int maxGoals, List<String> only, Path learned, Path contact,
      Path out, String cmd) throws Exception {
    List<Suite.Row> rows = Suite.run(tasks, seeds, maxGoals, only, learned, contact, System.err::println);
    String md = SuiteReport.markdown(rows, cmd);
    Files.createDirectories(out);
    Path mdFile = out.resolve("suite.md");
    Files.writeString(mdFile, md);
    Path png = out.resolve("suite.png");
    SuitePlot.write(rows, png);
    return new Result(rows, md, mdFile, png);
  }

  /** launch/examples/suite from the working directory or a parent (examples/suite inside launch/). */
  static Path findTasks() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      for (Path c : new Path[] {p.resolve("launch/examples/suite"), p.resolve("examples/suite")}) {
        if (Files.isDirectory(c)) {
          return c;
        }
      }
      p = p.getParent();
    }
    throw new LaunchException("suite: launch/examples/suite not found from " + Path.of("").toAbsolutePath()
        + " (use --tasks-dir)");
  }
}
