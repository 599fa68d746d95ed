package io.telos.launch;

import io.telos.api.Goal;
import io.telos.api.config.Settings;
import io.telos.launch.memory.BenchCommand;
import io.telos.launch.memory.ExportCommand;
import io.telos.launch.memory.Replay;
import io.telos.memory.EpisodeStore;
import io.telos.memory.EpisodeSummary;
import io.telos.memory.EventRecord;
import io.telos.memory.MemoryConfig;
import io.telos.memory.MemoryReport;
import io.telos.memory.StepCursor;
import io.telos.runtime.AgentRuntime;
import io.telos.runtime.config.LaunchException;
import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code telos memory stats|list|export|replay|bench}: what the episodic store holds, and using it. */
@Command(name = "memory", description = "Inspect, export, replay and measure the episodic memory store.",
    subcommands = {MemoryCommand.Stats.class, MemoryCommand.ListEpisodes.class, MemoryCommand.Events.class,
        ExportCommand.class, MemoryCommand.ReplayEpisode.class,
        BenchCommand.class})
final class MemoryCommand {
  static Optional<EpisodeStore> open(Path path) {
    MemoryConfig cfg = MemoryConfig.from(new Settings("memory", Map.of("path", path.toString())));
    if (!path.toFile().isFile()) {
      throw new LaunchException("no episodic memory at " + path + " (run `telos demo` first, or pass --path)");
    }
    Optional<EpisodeStore> store = cfg.createReader();
    store.ifPresent(EpisodeStore::open);
    return store;
  }

  @Command(name = "stats", description = "Episodes, steps, gaps and size.")
  static final class Stats implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--path", description = "Store file (default ${DEFAULT-VALUE}).")
    Path path = Path.of(MemoryConfig.DEFAULT_PATH);

    @Override
    public Integer call() {
      try (EpisodeStore store = open(path).orElseThrow()) {
        spec.commandLine().getOut().println(MemoryReport.stats(store));
      }
      return 0;
    }
  }

  @Command(name = "list", description = "The most recent episodes.")
  static final class ListEpisodes implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--path", description = "Store file (default ${DEFAULT-VALUE}).")
    Path path = Path.of(MemoryConfig.DEFAULT_PATH);

    @Option(names = "--limit", description = "How many (default ${DEFAULT-VALUE}).")
    int limit = 20;

    @Override
    public Integer call() {
      try (EpisodeStore store = open(path).orElseThrow()) {
        spec.commandLine().getOut().println(MemoryReport.list(store, limit));
      }
      return 0;
    }
  }

  @Command(name = "events", description = "Mode changes, handover requests and lease changes, oldest first: of one"
      + " episode, or (without one) of the whole store.")
  static final class Events implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Parameters(index = "0", arity = "0..1", paramLabel = "EPISODE",
        description = "Episode id (0: events outside any episode); omit for all.")
    Long episode;

    @Option(names = "--path", description = "Store file (default ${DEFAULT-VALUE}).")
    Path path = Path.of(MemoryConfig.DEFAULT_PATH);

    @Override
    public Integer call() {
      try (EpisodeStore store = open(path).orElseThrow()) {
        var events = episode == null ? store.eventsBetween(Long.MIN_VALUE, Long.MAX_VALUE) : store.events(episode);
        var out = spec.commandLine().getOut();
        if (events.isEmpty()) {
          out.println("no events" + (episode == null ? "" : " for episode " + episode));
        }
        for (EventRecord e : events) {
          out.printf("%12.3f s  episode %-5d %-16s %s%n", e.stampNs() / 1e9, e.episodeId(), e.kind().label(),
              e.describe());
        }
      }
      return 0;
    }
  }

  @Command(name = "replay", description = "Feed a recorded episode's observations back through the planner and "
      + "diff its plans against the recorded commands; exit status 4 when the largest difference exceeds the tolerance.")
  static final class ReplayEpisode implements Callable<Integer> {
    /** Exit status when the replayed plans differ from the recording by more than the tolerance. */
    static final int EXIT_DIFFERS = 4;

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Parameters(index = "0", paramLabel = "EPISODE", description = "The episode id.")
    long episode;

    @Option(names = "--path", description = "Store file (default ${DEFAULT-VALUE}).")
    Path path = Path.of(MemoryConfig.DEFAULT_PATH);

    @Option(names = "--launch", description = "Launch file that builds the planner and the goals (default: the "
        + "episode's own launch file, or the bundled demo for episodes of `telos demo`).")
    Path launch;

    @Option(names = "--seed", description = "Master seed (default: the launch file's).")
    Long seed;

    @Option(names = "--tolerance", description = "Largest allowed difference, in joint units (default ${DEFAULT-VALUE}).")
    double tolerance = 0.05;

    @Override
    public Integer call() {
      if (!(tolerance >= 0)) {
        throw new LaunchException("--tolerance: must be >= 0, was " + tolerance);
      }
      PrintWriter out = spec.commandLine().getOut();
      try (EpisodeStore store = open(path).orElseThrow()) {
        EpisodeSummary e = store.episode(episode)
            .orElseThrow(() -> new LaunchException("no episode " + episode + " in " + path));
        LaunchSpec ls;
        if (launch != null) {
          ls = LaunchFile.load(launch);
        } else if (e.meta().launchSource().equals("builtin:demo")) {
          ls = Telos.demoSpec(null, null, null);
        } else if (!e.meta().launchSource().isEmpty() && Files.isRegularFile(
            Path.of(e.meta().launchSource()))) {
          ls = LaunchFile.load(Path.of(e.meta().launchSource()));
        } else {
          throw new LaunchException("episode " + episode + " was recorded from '" + e.meta().launchSource()
              + "', which is not a readable launch file: pass --launch");
        }
        if (seed != null) {
          ls = ls.withSeed(seed);
        }
        AgentRuntime.Parts parts = Composer.compose(ls);
        String goalId = e.meta().goalId();
        Goal goal = parts.goals().stream().filter(g -> g.id().equals(goalId)).findFirst()
            .orElseThrow(() -> new LaunchException("goal '" + goalId + "' of episode " + episode
                + " is not among the launch file's goals (another seed or task?)"));
        Replay.Result r;
        try (StepCursor steps = store.readSteps(episode)) {
          r = Replay.run(steps, parts.planner(), goal, parts.plannerRateHz());
        }
        if (!ls.scene().isEmpty() && r.calls() > 0 && r.withObjects() == 0) {
          throw new LaunchException("episode " + episode + ": its launch file has scene objects but none of its steps"
              + " holds object poses (recorded before memory schema 3, or nothing was tracked), so the planner's input"
              + " cannot be rebuilt");
        }
        out.printf(Locale.ROOT, "replay of episode %d (goal %s, %s): %d planner calls, %d steps compared%n",
            episode, goalId, parts.planner().name(), r.calls(), r.compared());
        out.printf(Locale.ROOT, "command difference: max %.6f, median %.6f, p95 %.6f (tolerance %.6f)%n",
            r.max(), r.median(), r.p95(), tolerance);
        if (r.planFailures() > 0) {
          out.printf(Locale.ROOT, "planner failed at %d of %d calls (held the observed position): %s%n",
              r.planFailures(), r.calls(), r.firstFailure());
        }
        if (!r.within(tolerance)) {
          out.println(r.compared() == 0 ? "nothing to compare (no steps with a command after the first plan)"
              : "DIFFERS: the replayed plans exceed the tolerance");
          return EXIT_DIFFERS;
        }
        out.println("within tolerance");
        return 0;
      }
    }
  }
}
