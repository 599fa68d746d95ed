package io.telos.launch.fleet;

import io.telos.launch.TelosProcess;
import io.telos.runtime.config.LaunchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code telos fleet up}: a whole fleet on this machine, each part its own process — N agents
 * (one simulated arm each, a learned world model following the fleet's releases, recording to the
 * fleet's PostgreSQL store), the fleet trainer, and a web console on the first agent. Writes each
 * agent's launch file and log under {@code --dir}, prints where everything is, and waits until
 * every agent has finished its targets (or Ctrl-C); then stops the trainer. Exit 0 when every agent
 * reached all its targets, 3 otherwise.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = "Starts a fleet on this machine as separate processes: --robots agents (simulated arms), the"
        + " fleet trainer and a console on arm1; waits for the agents' targets.")
public final class FleetUpCommand implements Callable<Integer> {
  @Option(names = "--robots", description = "Agents, one simulated arm each (default ${DEFAULT-VALUE}).")
  int robots = 3;

  @Mixin
  FleetStoreOptions store = new FleetStoreOptions();

  @Option(names = "--dir", description = "Launch files, logs and models (default ${DEFAULT-VALUE}).")
  Path dir = Path.of("runs", "fleet");

  @Option(names = "--port", description = "First cluster port; the members use the next robots + 2"
      + " (default ${DEFAULT-VALUE}).")
  int port = 5701;

  @Option(names = "--console-port", description = "arm1's web console (default ${DEFAULT-VALUE}; 0: any free).")
  int consolePort = 8088;

  @Option(names = "--targets", description = "Random reach targets per robot (default ${DEFAULT-VALUE}).")
  int targets = 20;

  @Option(names = "--clock", description = "wall (real time) or sim (lock-step) (default ${DEFAULT-VALUE}).")
  String clock = "wall";

  @Option(names = "--trainer-steps", description = "Training steps per model version (default ${DEFAULT-VALUE}).")
  int trainerSteps = 1500;

  @Option(names = "--every-episodes", description = "New episodes that start the next training"
      + " (default ${DEFAULT-VALUE}).")
  int everyEpisodes = 30;

  @Override
  public Integer call() throws Exception {
    check();
    Files.createDirectories(dir);
    String members = "127.0.0.1:" + port + "-" + (port + robots + 1);
    List<Process> agents = new ArrayList<>();
    Map<String, Process> all = new LinkedHashMap<>();
    Thread stopAll = new Thread(() -> all.values().forEach(Process::destroy));
    Runtime.getRuntime().addShutdownHook(stopAll);
    try {
      for (int i = 1; i <= robots; i++) {
        String id = "arm" + i;
        Path file = dir.resolve(id + ".yaml");
        Files.writeString(file, launchFile(id, i, members));
        Process p = start(id, List.of("run", file.toString()));
        agents.add(p);
        all.put(id, p);
      }
      all.put("trainer", start("trainer", List.of("fleet", "trainer", "--name", "telos-fleet", "--port",
          Integer.toString(port + robots), "--members", members, "--store-url", store.url(), "--store-user", store.user(),
          "--steps", Integer.toString(trainerSteps), "--every-episodes", Integer.toString(everyEpisodes), "--out",
          dir.resolve("trainer-models").toString())));
      System.out.printf("telos fleet up: %d agents, the trainer%s; cluster telos-fleet on %s; logs in %s%n"
          + "  status:  ./telos fleet status --name telos-fleet --members %s --port %d%n", robots,
          consolePort > 0 ? " and arm1's console at http://127.0.0.1:" + consolePort + "/" : " and arm1's console",
          members, dir, members, port + robots + 1);
      int reached = 0;
      for (int i = 0; i < agents.size(); i++) {
        int code = agents.get(i).waitFor();
        System.out.printf("  arm%d: %s%n", i + 1, code == 0 ? "all targets reached" : "exit " + code
            + " (see " + dir.resolve("arm" + (i + 1) + ".log") + ")");
        reached += code == 0 ? 1 : 0;
      }
      System.out.printf("telos fleet up: %d/%d robots reached all their targets%n", reached, robots);
      return reached == robots ? 0 : 3;
    } finally {
      all.values().forEach(Process::destroy);
      for (Process p : all.values()) {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
      try {
        Runtime.getRuntime().removeShutdownHook(stopAll);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is stopping them
      }
    }
  }

  private void check() {
    if (robots < 1 || robots > 32) {
      throw new LaunchException("--robots: 1 to 32, was " + robots);
    }
    store.url(); // checked
    if (port < 1024 || port > 65000 - robots) {
      throw new LaunchException("--port: 1024 to " + (65000 - robots) + ", was " + port);
    }
    if (!clock.equals("wall") && !clock.equals("sim")) {
      throw new LaunchException("--clock: wall or sim, was '" + clock + "'");
    }
    if (targets < 1 || trainerSteps < 1 || everyEpisodes < 1 || consolePort < 0 || consolePort > 65535) {
      throw new LaunchException("--targets, --trainer-steps, --every-episodes: ≥ 1; --console-port: 0 to 65535");
    }
  }

  /** One agent's launch file: its own arm and seed, the fleet's store, models and cluster. */
  String launchFile(String id, int index, String members) {
    String console = index == 1 ? "teleop: { console: { host: 127.0.0.1, port: " + consolePort + " } }\n" : "";
    return """
        # written by telos fleet up
        robot: { id: %s, description: "builtin:telos6" }
        clock: %s
        seed: %d
        bridge: { type: sim }
        planner:
          type: mppi
          rate_hz: %d
          world_model: { type: learned, path: "%s", watch_s: 1 }
        safety: { rate_hz: %d }
        task: { type: reach_random, count: %d, tolerance_m: 0.02, timeout_s: 8, settle_s: 0.05 }
        memory: { url: "%s", user: %s }
        cluster:
          name: telos-fleet
          port: %d
          members: ["%s"]
          models: { canary_goals: 5, max_drop: 0.2 }
        """.formatted(id, clock, 40 + index, clock.equals("sim") ? 25 : 50, dir.resolve(id + "-models"),
        clock.equals("sim") ? 500 : 1000, targets, store.url(), store.user(), port + index - 1, members) + console;
  }

  private Process start(String name, List<String> args) throws IOException {
    return TelosProcess.builder("768m", args, dir.resolve(name + ".log")).start();
  }
}
