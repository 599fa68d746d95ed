package io.telos.launch.memory;

import io.telos.memory.EpisodeStore;
import io.telos.memory.EpisodeSummary;
import io.telos.memory.MemoryConfig;
import io.telos.memory.export.McapExport;
import io.telos.runtime.config.LaunchException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code telos memory export <episode|all> --format mcap --out FILE}. */
@Command(name = "export", description = "Export episodes to a file other tools read (MCAP with ROS 2 messages).")
public final class ExportCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "EPISODE", description = "An episode id, or 'all'.")
  String which;

  @Option(names = "--format", description = "Output format (only: ${COMPLETION-CANDIDATES}; default ${DEFAULT-VALUE}).")
  Format format = Format.mcap;

  @Option(names = "--out", required = true, description = "Output file.")
  Path out;

  @Option(names = "--path", description = "Store file (default ${DEFAULT-VALUE}).")
  Path path = Path.of(MemoryConfig.DEFAULT_PATH);

  @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
  boolean quiet;

  /** Export formats. */
  public enum Format { mcap }

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter outw = spec.commandLine().getOut();
    try (EpisodeStore store = Stores.openReader(path)) {
      List<Long> ids = new ArrayList<>();
      if ("all".equals(which)) {
        store.listEpisodes(Integer.MAX_VALUE).stream().sorted(Comparator.comparingLong(EpisodeSummary::id))
            .forEach(e -> ids.add(e.id()));
      } else {
        long id;
        try {
          id = Long.parseLong(which);
        } catch (NumberFormatException e) {
          throw new LaunchException("episode must be an id or 'all', was '" + which + "'");
        }
        if (store.episode(id).isEmpty()) {
          throw new LaunchException("no episode " + id + " in " + path);
        }
        ids.add(id);
      }
      StepProgress bar = new StepProgress(err, "steps", quiet);
      long messages = McapExport.export(store, ids, out, bar::update);
      outw.printf("exported %d episode(s), %d messages, %d bytes to %s%n", ids.size(), messages, Files.size(out),
          out);
    }
    return 0;
  }
}
