package io.telos.launch.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.bridge.common.BenchStats;
import io.telos.launch.Session;
import io.telos.launch.learn.TrainingOptions;
import io.telos.memory.EpisodeStore;
import io.telos.memory.postgres.PostgresEpisodeStore;
import io.telos.model.RobotModel;
import io.telos.planner.djl.Trainer;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.ClusterSpec;
import io.telos.runtime.config.LaunchException;
import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code telos fleet}: an operator's view of the fleet from any machine that can reach it — joins
 * the cluster as a member, lists every robot that published its status ({@code status}) or sends
 * one robot a mode request ({@code request ROBOT HOLD}) and prints its agent's answer.
 */
@Command(name = "fleet", mixinStandardHelpOptions = true,
    description = "A fleet on this machine (up), its trainer (trainer), its robots (status) or a mode request to one"
        + " of them (request ROBOT MODE), joining the cluster the agents' launch files name in cluster:.",
    subcommands = {FleetCommand.Status.class, FleetCommand.Request.class, FleetCommand.Bench.class,
        FleetCommand.Capacity.class, FleetCommand.TrainerCommand.class, FleetUpCommand.class})
public final class FleetCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Integer call() {
    System.err.println("telos fleet: say up, trainer, status, request ROBOT MODE, bench or capacity (see --help)");
    return 2;
  }

  /** How to reach the cluster: the keys of a launch file's {@code cluster:} section as options. */
  static class Join {
    @Option(names = "--members", split = ",", required = true,
        description = "Where the agents listen, host:port or host:first-last (their cluster.members).")
    List<String> members;

    @Option(names = "--name", description = "The cluster's name (default telos).")
    String name = "telos";

    @Option(names = "--host", description = "This member's interface (default 127.0.0.1).")
    String host = "127.0.0.1";

    @Option(names = "--port", description = "First port this member tries (default 5701).")
    int port = 5701;

    @Option(names = "--tls", split = ",", paramLabel = "CERT,KEY,CA",
        description = "The fleet's bus TLS (cluster.tls): this member's certificate, its key and the fleet's CA, PEM.")
    List<Path> tls;

    /** These options with this member's port and the members list. */
    Join at(int p, String memberList) {
      this.port = p;
      this.members = List.of(memberList);
      this.name = "telos-bench";
      return this;
    }

    Vertx join() {
      Map<String, Object> m = new HashMap<>(Map.of("name", name, "host", host, "port", port,
          "members", members));
      if (tls != null) {
        if (tls.size() != 3) {
          throw new LaunchException("--tls: CERT,KEY,CA (three PEM files), was " + tls);
        }
        m.put("tls", Map.of("cert", tls.get(0).toString(), "key", tls.get(1).toString(), "ca", tls.get(2).toString()));
      }
      ClusterSpec spec;
      try {
        spec = ClusterSpec.from(new Settings("cluster", m));
      } catch (ConfigException e) { // the options are the cluster section's keys: say which option
        throw new LaunchException(e.getMessage().replace("cluster.", "--"), e);
      }
      return Fleet.vertx(spec, new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Joins the cluster, listens to the robots' status for --seconds and prints one line per robot.")
  static final class Status extends Join implements Callable<Integer> {
    @Option(names = "--seconds", description = "How long to listen (default 3).")
    double seconds = 3;

    @Override
    public Integer call() throws Exception {
      if (!(seconds > 0 && seconds <= 600)) {
        throw new LaunchException("--seconds: must be in (0, 600], was " + seconds);
      }
      Vertx vertx = join();
      Map<String, JsonNode> robots = new ConcurrentHashMap<>();
      try {
        vertx.eventBus().<String>consumer(Fleet.STATUS, m -> {
          try {
            JsonNode n = JSON.readTree(m.body());
            robots.put(n.path("robot").asText("?"), n);
          } catch (IOException e) {
            // a member that speaks another version: not ours to list
          }
        }).completion().await();
        Thread.sleep((long) (seconds * 1000));
      } finally {
        vertx.close().await();
      }
      System.out.println(table(new TreeMap<>(robots)));
      return robots.isEmpty() ? 1 : 0;
    }
  }

  /** One line per robot: id, mode, goals, handover, member. */
  static String table(Map<String, JsonNode> robots) {
    StringBuilder b = new StringBuilder("| robot | mode | goals reached / ended | handover | member |\n|---|---|---|---|---|\n");
    robots.forEach((id, n) -> b.append(String.format(Locale.ROOT, "| %s | %s | %d / %d | %s | %s |%n", id,
        n.path("mode").asText(), n.path("goals_reached").asLong(), n.path("goals_ended").asLong(),
        n.path("handover_open").asBoolean() ? "open" : "—", n.path("member").asText())));
    return b.toString();
  }

  @Command(name = "request", mixinStandardHelpOptions = true,
      description = "Sends one robot's agent a mode request (AUTONOMOUS, HOLD, reset, estop) and prints its"
          + " answer: the mode it is in, or REFUSED and why.")
  static final class Request extends Join implements Callable<Integer> {
    @Parameters(index = "0", description = "The robot's id.")
    String robot;

    @Parameters(index = "1", description = "AUTONOMOUS, HOLD, reset or estop.")
    String request;

    @Override
    public Integer call() {
      if (!FleetMember.REQUESTS.contains(request)) {
        throw new LaunchException("REQUEST: must be one of " + String.join(", ",
            FleetMember.REQUESTS.stream().sorted().toList()) + ", was '" + request + "'");
      }
      Vertx vertx = join();
      try {
        String answer = vertx.eventBus().<String>request(Fleet.modeAddress(robot), request,
            new DeliveryOptions().setSendTimeout(5000)).await().body();
        System.out.println(robot + ": " + answer);
        return answer.startsWith("REFUSED") ? 1 : 0;
      } catch (RuntimeException e) {
        System.err.println("telos fleet: no answer from " + robot + ": " + e.getMessage());
        return 3;
      } finally {
        vertx.close().await();
      }
    }
  }

  @Command(name = "trainer", mixinStandardHelpOptions = true,
      description = "Joins the cluster as the fleet's trainer: learns the world model from every robot's episodes"
          + " in the fleet's PostgreSQL store and publishes each version (bytes, SHA-256, provenance) to the agents"
          + " whose launch files have cluster.models.")
  static final class TrainerCommand extends Join implements Callable<Integer> {
    @Mixin
    FleetStoreOptions store = new FleetStoreOptions();

    @Option(names = "--store-password-env", description = "Environment variable holding its password (default"
        + " ${DEFAULT-VALUE}; unset: no password).")
    String passwordEnv = "TELOS_STORE_PASSWORD";

    @Mixin
    TrainingOptions training = new TrainingOptions();

    @Option(names = "--out", description = "Where the trainer keeps its versions (default ${DEFAULT-VALUE}).")
    Path out = Path.of(".telos/fleet-models");

    @Option(names = "--every-episodes", description = "New closed episodes, any robot, that start the next"
        + " training (default ${DEFAULT-VALUE}).")
    int everyEpisodes = 20;

    @Option(names = "--minutes", description = "Stop after this long (default: until interrupted).")
    double minutes = 0;

    @Override
    public Integer call() throws Exception {
      String url = store.url();
      training.check();
      if (everyEpisodes < 1 || !(minutes >= 0)) {
        throw new LaunchException("--every-episodes: ≥ 1; --minutes: ≥ 0");
      }
      RobotModel arm = training.arm();
      String password = System.getenv(passwordEnv);
      try (EpisodeStore episodes = PostgresEpisodeStore.reader(url, store.user(),
          password == null ? "" : password)) {
        episodes.open();
        Vertx vertx = join();
        try {
          FleetTrainer trainer = new FleetTrainer(episodes, arm, training.dt(), out,
              training.config(Trainer.Config.defaults().seed()), everyEpisodes, 1000);
          vertx.deployVerticle(trainer).await();
          System.err.println("telos fleet trainer: learning from " + store.shown() + " every "
              + everyEpisodes + " new episodes; versions in " + out);
          CountDownLatch stop = new CountDownLatch(1);
          Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
          if (minutes > 0) {
            stop.await((long) (minutes * 60_000), TimeUnit.MILLISECONDS);
          } else {
            stop.await();
          }
        } finally {
          vertx.close().await();
        }
      }
      return 0;
    }
  }

  @Command(name = "bench", mixinStandardHelpOptions = true,
      description = "Request/reply round trips across two cluster members (two Hazelcast members in this JVM,"
          + " talking over loopback TCP) beside the same on a local event bus, in one run: p50/p99/p99.9 and ratios.")
  static final class Bench implements Callable<Integer> {
    @Option(names = "--messages", description = "Round trips measured per path, after as many for warm-up / 10"
        + " (default 5000).")
    int messages = 5000;

    @Option(names = "--payload-bytes", description = "Size of each request's body (default 200, a status line).")
    int payloadBytes = 200;

    @Option(names = "--port", description = "First port of the two members (default 5751).")
    int port = 5751;

    @Override
    public Integer call() {
      if (messages < 10 || messages > 1_000_000) {
        throw new LaunchException("--messages: must be in [10, 1000000], was " + messages);
      }
      if (payloadBytes < 1 || payloadBytes > 1 << 20) {
        throw new LaunchException("--payload-bytes: must be in [1, 1048576], was " + payloadBytes);
      }
      String body = "x".repeat(payloadBytes);
      BenchStats stats = new BenchStats(String.format(Locale.ROOT,
          "Event-bus request/reply round trip, %d-byte String body, one in flight (%d measured per path)",
          payloadBytes, messages));
      Vertx local = Vertx.vertx();
      BenchStats.Row localRow;
      try {
        local.eventBus().<String>consumer("bench.echo", m -> m.reply(m.body()));
        localRow = roundTrips(stats, "local event bus (one JVM, no cluster)", local, body);
      } finally {
        local.close().await();
      }
      String members = "127.0.0.1:" + port + "-" + (port + 1);
      Vertx a = new Join().at(port, members).join();
      Vertx b = new Join().at(port + 1, members).join();
      BenchStats.Row clusterRow;
      try {
        b.eventBus().<String>consumer("bench.echo", m -> m.reply(m.body())).completion().await();
        clusterRow = roundTrips(stats, "across cluster members (Hazelcast, loopback TCP)", a, body);
      } finally {
        a.close().await();
        b.close().await();
      }
      System.out.println(stats.table(clusterRow, localRow).replace("ratio bridge / native", "ratio cluster / local"));
      return 0;
    }

    private BenchStats.Row roundTrips(BenchStats stats, String path, Vertx from, String body) {
      int warm = Math.max(10, messages / 10);
      long[] ns = new long[messages];
      long delivered = 0;
      for (int i = 0; i < warm + messages; i++) {
        long t0 = System.nanoTime();
        from.eventBus().<String>request("bench.echo", body).await();
        long dt = System.nanoTime() - t0;
        if (i >= warm) {
          ns[i - warm] = dt;
          delivered++;
        }
      }
      return stats.add(path, ns, messages, messages, delivered);
    }
  }

  @Command(name = "capacity", mixinStandardHelpOptions = true,
      description = "How many simulated robots this machine carries in real time: 1, 2, ... agents side by side in"
          + " this JVM (each its own arm, servo loop at 1 kHz and MPPI at 50 Hz), until the first planning deadline"
          + " miss (planner step p99 over 20 ms, or a target missed); prints the curve.")
  static final class Capacity implements Callable<Integer> {
    @Option(names = "--max", description = "Most robots tried (default 4).")
    int max = 4;

    @Option(names = "--targets", description = "Targets per robot at each step (default 5).")
    int targets = 5;

    /** A planner step over its period, at p99, is a deadline miss. */
    static final double PLANNER_PERIOD_US = 20_000;

    @Override
    public Integer call() throws Exception {
      if (max < 1 || max > 32) {
        throw new LaunchException("--max: must be in [1, 32], was " + max);
      }
      if (targets < 1 || targets > 100) {
        throw new LaunchException("--targets: must be in [1, 100], was " + targets);
      }
      StringBuilder b = new StringBuilder("| robots | reached | servo period p99 / p99.9 (us, worst robot) | planner"
          + " step p50 / p99 (ms, worst robot) | limit violations | deadline met |\n|---|---|---|---|---|---|\n");
      int carried = 0;
      side(1); // warm-up (JIT, first physics worlds): not counted
      for (int k = 1; k <= max; k++) {
        List<RunReport> reports = side(k);
        double servo99 = 0;
        double servo999 = 0;
        double step50 = 0;
        double step99 = 0;
        long reached = 0;
        long goals = 0;
        long violations = 0;
        for (RunReport r : reports) {
          servo99 = Math.max(servo99, r.servoPeriodUs().getValueAtPercentile(99));
          servo999 = Math.max(servo999, r.servoPeriodUs().getValueAtPercentile(99.9));
          step50 = Math.max(step50, r.plannerStepUs().getValueAtPercentile(50) / 1e3);
          step99 = Math.max(step99, r.plannerStepUs().getValueAtPercentile(99) / 1e3);
          reached += r.reached();
          goals += r.outcomes().size();
          violations += r.limitViolations();
        }
        boolean met = step99 * 1e3 <= PLANNER_PERIOD_US && reached == goals;
        b.append(String.format(Locale.ROOT, "| %d | %d/%d | %.0f / %.0f | %.1f / %.1f | %d | %s |%n", k, reached, goals,
            servo99, servo999, step50, step99, violations, met ? "yes" : "no"));
        System.err.printf(Locale.ROOT, "telos fleet capacity: %d robot(s): servo p99 %.0f us, planner p99 %.1f ms%s%n",
            k, servo99, step99, met ? "" : " (deadline missed)");
        if (!met) {
          break;
        }
        carried = k;
      }
      System.out.println(b + "\nrobots carried before the first deadline miss: " + carried
          + " (deadline: planner step p99 <= 20 ms at 50 Hz, every target reached; the servo period is shown, it"
          + " misses 2 ms at p99 on a 2-core machine with one robot already, see telos bench)");
      return 0;
    }

    /** {@code k} agents side by side, each on its own simulated arm, on the wall clock. */
    private List<RunReport> side(int k) throws Exception {
      List<Future<RunReport>> runs = new ArrayList<>();
      try (var pool = Executors.newFixedThreadPool(k)) {
        for (int i = 1; i <= k; i++) {
          LaunchSpec spec = spec("arm" + i, 40 + i);
          runs.add(pool.submit(() -> Session.run(spec, o -> { }, Duration.ofSeconds(30L + 15L * targets))));
        }
        List<RunReport> out = new ArrayList<>();
        for (var f : runs) {
          out.add(f.get());
        }
        return out;
      }
    }

    private LaunchSpec spec(String id, long seed) {
      String yaml = "robot: { id: " + id + ", description: \"builtin:telos6\" }\nclock: wall\nseed: " + seed + "\n"
          + "bridge: { type: sim }\nplanner: { type: mppi, rate_hz: 50 }\nsafety: { rate_hz: 1000 }\n"
          + "task: { type: reach_random, count: " + targets + ", tolerance_m: 0.01, timeout_s: 8, settle_s: 0.1 }\n"
          + "memory: { type: none }\n";
      return LaunchFile.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
          Path.of("fleet-capacity.yaml"));
    }
  }
}
