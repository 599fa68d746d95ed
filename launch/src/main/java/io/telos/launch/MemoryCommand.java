package io.telos.launch;

import io.telos.api.config.Settings;
import io.telos.memory.EpisodeStore;
import io.telos.memory.MemoryConfig;
import io.telos.memory.MemoryReport;
import io.telos.runtime.config.LaunchException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code telos memory stats|list|export|replay|bench}: what the episodic store holds, and using it. */
@Command(name = "memory", description = "Inspect, export, replay and measure the episodic memory store.",
    subcommands = {MemoryCommand.Stats.class, MemoryCommand.ListEpisodes.class,
        io.telos.launch.memory.ExportCommand.class})
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
}
