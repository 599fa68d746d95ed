package io.telos.launch;

import io.telos.launch.camera.CameraBench;
import io.telos.launch.fleet.FleetCommand;
import io.telos.launch.learn.EncoderCommand;
import io.telos.launch.learn.PlanImageCommand;
import io.telos.launch.learn.ModelBench;
import io.telos.launch.learn.LearnContactCommand;
import io.telos.launch.learn.TrainCommand;
import io.telos.launch.suite.ResponseBench;
import io.telos.launch.suite.SuiteCommand;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchException;
import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import io.telos.runtime.config.TaskSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** The {@code telos} command. */
@Command(name = "telos", mixinStandardHelpOptions = true, version = "telos 0.1.0",
    description = "Objective-driven control agent for robot arms.",
    subcommands = {Telos.Run.class, Telos.Demo.class, Bench.class, MppiBench.class, MemoryCommand.class, SimRobotCommand.class,
        IdentifyCommand.class, SuiteCommand.class, ResponseBench.class,
        TrainCommand.class, LearnContactCommand.class, ModelBench.class, CameraBench.class, CalibrateCameraCommand.class, EncoderCommand.class, PlanImageCommand.class,
        BrokerCommand.class, SoakCommand.class, FleetCommand.class,
        CommandLine.HelpCommand.class})
public final class Telos {
  /** Exit status when the run finished but missed its targets or violated limits. */
  static final int EXIT_TASK_FAILED = 3;
  /** Exit status for a refused launch file. */
  static final int EXIT_BAD_LAUNCH = 2;

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    System.exit(code);
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Telos());
    cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
      if (ex instanceof LaunchException) {
        cmd.getErr().println("telos: " + ex.getMessage());
        return EXIT_BAD_LAUNCH;
      }
      throw ex;
    });
    return cl;
  }

  /** Runs a launch spec and prints the summary. */
  static int execute(LaunchSpec spec, boolean json, PrintStream out) throws InterruptedException {
    return execute(spec, json, out, -1);
  }

  static int execute(LaunchSpec spec, boolean json, PrintStream out, int metricsPort) throws InterruptedException {
    int total = spec.task().type().equals("reach_random") ? spec.task().count() : spec.task().points().size();
    PrintStream err = System.err;
    if (!json) {
      out.printf("telos: robot %s (%s), %s clock, seed %d, planner %s, task %s%n", spec.robot().id(),
          spec.robot().description(), spec.clock(), spec.seed(), spec.planner().string("type", "?"), spec.task().type());
    }
    ProgressBar bar = new ProgressBar(json ? err : out, total, false);
    double perGoal = spec.task().timeoutS() * (spec.simulatedTime() ? 1 : 1.5) + 5;
    Duration max = total == 0 ? null : Duration.ofSeconds((long) (60 + perGoal * total * (spec.simulatedTime() ? 4 : 1)));
    RunReport report = Session.run(spec, bar, max, metricsPort);
    out.println(json ? Summary.json(report, spec.clock()) : Summary.text(report, spec.clock(), spec.task()));
    boolean ok = report.outcomes().size() == total && report.successRate() >= 0.95 && report.limitViolations() == 0;
    return total == 0 || ok ? 0 : EXIT_TASK_FAILED;
  }

  @Command(name = "run", description = "Run a launch file.")
  static final class Run implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "LAUNCH_FILE", description = "YAML launch file")
    Path file;

    @Option(names = "--json", description = "Print the summary as one JSON object.")
    boolean json;

    @Option(names = "--seed", description = "Override the launch file's seed.")
    Long seed;

    @Option(names = "--metrics-port", description = "Serve Prometheus metrics on 127.0.0.1:PORT/metrics.")
    Integer metricsPort;

    @Override
    public Integer call() throws Exception {
      LaunchSpec spec = LaunchFile.load(file);
      if (seed != null) {
        spec = spec.withSeed(seed);
      }
      return execute(spec, json, System.out, metricsPort == null ? -1 : metricsPort);
    }
  }

  @Command(name = "demo", description = "The bundled scenario: the 6-axis sim arm reaches seeded random targets.")
  static final class Demo implements Callable<Integer> {
    @Option(names = "--json", description = "Print the summary as one JSON object.")
    boolean json;

    @Option(names = "--clock", description = "wall (real time, default) or sim (lock-step, faster than real time)")
    String clock;

    @Option(names = "--seed", description = "Seed for targets, planner and sensor noise (default 42).")
    Long seed;

    @Option(names = "--targets", description = "Number of targets (default 20).")
    Integer targets;

    @Option(names = "--metrics-port", description = "Serve Prometheus metrics on 127.0.0.1:PORT/metrics.")
    Integer metricsPort;

    @Override
    public Integer call() throws Exception {
      return execute(demoSpec(clock, seed, targets), json, System.out, metricsPort == null ? -1 : metricsPort);
    }
  }

  /** The bundled demo launch spec with optional overrides. */
  static LaunchSpec demoSpec(String clock, Long seed, Integer targets) {
    LaunchSpec spec;
    try (InputStream in = Telos.class.getResourceAsStream("/io/telos/launch/demo.yaml")) {
      spec = LaunchFile.parse(in, null);
    } catch (IOException e) {
      throw new LaunchException("bundled demo launch file unreadable: " + e.getMessage(), e);
    }
    if (clock != null) {
      if (!clock.equals("wall") && !clock.equals("sim")) {
        throw new LaunchException("--clock: must be wall or sim, was '" + clock + "'");
      }
      spec = spec.withClock(clock);
    }
    if (seed != null) {
      spec = spec.withSeed(seed);
    }
    if (targets != null) {
      if (targets < 1) {
        throw new LaunchException("--targets: must be >= 1, was " + targets);
      }
      TaskSpec t = spec.task();
      spec = spec.withTask(t.type().equals("reach_random") ? t.withCount(targets) : t.limitedTo(targets));
    }
    return spec;
  }
}
