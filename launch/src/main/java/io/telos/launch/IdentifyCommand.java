package io.telos.launch;

import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.ResponseReport;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.api.spi.ResponseIdentifier;
import io.telos.api.spi.Steppable;
import io.telos.launch.identify.Excitation;
import io.telos.launch.identify.ExcitationPlanner;
import io.telos.model.ActuatorResponse;
import io.telos.model.RobotModel;
import io.telos.perception.response.ResponseEstimate;
import io.telos.perception.response.ResponseEstimator;
import io.telos.runtime.AgentRuntime;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchException;
import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code telos identify}: drives the arm of a launch file through a short excitation — one joint at
 * a time, small steps and smooth moves around the pose it starts in — as plans through the safety
 * kernel, records every command and measured position, and fits each joint's lag and dead time
 * ({@link ResponseEstimator}). Prints a table and the {@code robot.response} section for the launch
 * file; compares with the response the launch file declares, if any.
 */
@Command(name = "identify", description = "Excite the arm gently and measure how each joint follows its command "
    + "(lag, dead time); prints the robot.response section for the launch file.")
final class IdentifyCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(IdentifyCommand.class);

  @Parameters(index = "0", paramLabel = "LAUNCH_FILE", description = "YAML launch file")
  Path file;

  @Option(names = "--seed", description = "Override the launch file's seed (varies the excitation's timing).")
  Long seed;

  @Option(names = "--joints", split = ",", paramLabel = "JOINT",
      description = "Joints to excite, by chain index or name, comma-separated (default: all).")
  List<String> joints;

  @Option(names = "--amplitude-rad", paramLabel = "RAD",
      description = "Size of the excursions around the start pose (default ${DEFAULT-VALUE}).")
  double amplitude = 0.1;

  @Option(names = "--write", paramLabel = "FILE", description = "Also write the robot.response section to FILE.")
  Path write;

  PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    LaunchSpec spec = LaunchFile.load(file);
    if (seed != null) {
      spec = spec.withSeed(seed);
    }
    // identification is not an episode: nothing is recorded to memory or learned from
    spec = spec.withMemory(new Settings("memory", Map.of("type", "none")));
    RobotModel model;
    try {
      model = Composer.model(spec);
    } catch (ConfigException e) {
      throw new LaunchException(file + ": " + e.getMessage(), e);
    }
    int n = model.dof();
    int[] selected = selectJoints(model);
    Excitation excitation;
    try {
      excitation = new Excitation(model.limits(), selected, amplitude, spec.seed());
    } catch (IllegalArgumentException e) {
      throw new LaunchException(e.getMessage(), e);
    }
    double duration = excitation.durationS();
    ResponseEstimator estimator = new ResponseEstimator(n, new ResponseEstimator.Config(duration + 5,
        spec.safety().rateHz(), 0.120, 0.001));
    out.printf(Locale.ROOT, "telos identify: robot %s (%s), %s clock, %d joint(s) one at a time, ±%.3g rad, %.1f s%n",
        spec.robot().id(), spec.robot().description(), spec.clock(), selected.length, amplitude, duration);
    ProgressBar bar = new ProgressBar(out, (int) Math.ceil(duration), false);
    ExcitationPlanner planner = new ExcitationPlanner(excitation, s -> bar.show((int) Math.floor(s), "s of excitation"));
    // the goal only bounds the run: nothing reaches a target a million radians away, so it ends by
    // its timeout, once the excitation is over
    long timeoutNs = (long) ((duration + 0.2) * 1e9);
    Goal goal = new Goal(Header.of(0, 0, "identify"), "identify", new Target.Joints(Vec.of(filled(n, 1e6))), 1e-6,
        timeoutNs);
    boolean lockStep = spec.simulatedTime();
    LaunchSpec s = spec;
    Duration maxWall = Duration.ofSeconds((long) (60 + duration * (lockStep ? 4 : 1.5)));
    LOG.info("component=identify event=start robot={} joints={} amplitudeRad={} durationS={}", spec.robot().id(),
        Arrays.toString(selected), amplitude, String.format(Locale.ROOT, "%.1f", duration));
    RunReport report = Session.run(spec, p -> {
      if (s.simulatedTime() && !(p.hardware() instanceof Steppable)) {
        throw new LaunchException("clock: sim needs a bridge that can be stepped (bridge.type: sim); "
            + p.hardware().getClass().getSimpleName() + " cannot");
      }
      // the servo loop feeds every new state with the tick's command into this run's own estimator
      return p.withPlanner(planner).withGoals(List.of(goal)).withIdentifier(new ResponseIdentifier() {
        @Override
        public void record(long stampNs, double[] commandPosition, double[] measuredPosition) {
          estimator.record(stampNs, commandPosition, measuredPosition);
        }

        @Override
        public ResponseReport identify(Header header) {
          return null; // fitted once, at the end
        }
      });
    }, o -> { }, maxWall, -1);
    bar.show((int) Math.ceil(duration), "s of excitation");
    ResponseEstimate estimate = estimator.fit();
    LOG.info("component=identify event=fitted samples={} excited={} faults={}", estimate.samples(),
        estimate.excitedJoints(), report.faults());
    out.print(table(model, estimate, selected));
    boolean ok = true;
    if (!report.faults().isEmpty()) {
      out.println("telos identify: faults during the excitation: " + report.faults()
          + " (the estimate may be off; check the arm and rerun)");
      ok = false;
    }
    for (int j : selected) {
      if (!estimate.joints().get(j).excited()) {
        ok = false;
      }
    }
    ActuatorResponse declared = model.response();
    if (!declared.isIdeal()) {
      ResponseEstimate.Comparison cmp = estimate.compare(declared,
          spec.simulatedTime() ? ResponseEstimate.Tolerance.DIRECT : ResponseEstimate.Tolerance.TRANSPORT);
      if (cmp.agrees()) {
        out.println("The launch file's robot.response agrees with the measurement.");
      } else {
        out.println("The launch file's robot.response disagrees with the measurement:");
        cmp.mismatches().forEach(m -> out.println("  " + m));
      }
    }
    printYaml(out, estimate.toYaml(declared), write);
    return ok ? 0 : Telos.EXIT_TASK_FAILED;
  }

  /** Prints the launch-file lines a command found and, with {@code --write FILE}, writes them there too. */
  static void printYaml(PrintStream out, String yaml, Path write) {
    out.println();
    out.print(yaml);
    if (write != null) {
      try {
        Files.writeString(write, yaml);
      } catch (IOException e) {
        throw new LaunchException("--write: cannot write " + write + ": " + e.getMessage(), e);
      }
      out.println("(written to " + write + ")");
    }
  }

  private int[] selectJoints(RobotModel model) {
    List<String> names = model.jointNames();
    if (joints == null || joints.isEmpty()) {
      int[] all = new int[names.size()];
      for (int i = 0; i < all.length; i++) {
        all[i] = i;
      }
      return all;
    }
    List<Integer> out = new ArrayList<>();
    for (String j : joints) {
      String t = j.strip();
      int idx = names.indexOf(t);
      if (idx < 0) {
        try {
          idx = Integer.parseInt(t);
        } catch (NumberFormatException e) {
          idx = -1;
        }
      }
      if (idx < 0 || idx >= names.size()) {
        throw new LaunchException("--joints: '" + t + "' is neither a joint of " + model.name() + " " + names
            + " nor an index in 0.." + (names.size() - 1));
      }
      if (out.contains(idx)) {
        throw new LaunchException("--joints: joint '" + t + "' named twice");
      }
      out.add(idx);
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  static String table(RobotModel model, ResponseEstimate e, int[] selected) {
    StringBuilder sb = new StringBuilder();
    List<String> names = model.jointNames();
    int w = Math.max(5, names.stream().mapToInt(String::length).max().orElse(5));
    sb.append(String.format(Locale.ROOT, "%n%-" + w + "s  %-20s  %-18s  %8s  %s%n", "joint", "lag τ (s)",
        "dead time d (ms)", "samples", "speed ceiling"));
    for (int j : selected) {
      ResponseEstimate.Joint r = e.joints().get(j);
      if (!r.excited()) {
        sb.append(String.format(Locale.ROOT, "%-" + w + "s  no estimate: %s%n", names.get(j), r.note()));
        continue;
      }
      sb.append(String.format(Locale.ROOT, "%-" + w + "s  %-20s  %-18s  %8d  %s%n", names.get(j),
          String.format(Locale.ROOT, "%.4f ± %.4f", r.lagS(), r.lagSigmaS()),
          String.format(Locale.ROOT, "%.1f ± %.1f", r.deadTimeS() * 1e3, r.deadTimeSigmaS() * 1e3),
          r.informativeSamples(),
          Double.isFinite(r.maxVelocity()) ? String.format(Locale.ROOT, "%.3g (%d samples left out)", r.maxVelocity(),
              r.saturatedSamples()) : "none seen"));
    }
    return sb.toString();
  }

  private static double[] filled(int n, double v) {
    double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }
}
