package io.telos.launch;

import io.telos.api.Addresses;
import io.telos.api.Fault;
import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.ModeChange;
import io.telos.api.Mode;
import io.telos.api.Observation;
import io.telos.api.OperatorCommand;
import io.telos.api.OperatorReply;
import io.telos.api.ActionChunk;
import io.telos.api.JointCommand;
import io.telos.api.PlanSignals;
import io.telos.api.spi.Planner;
import io.telos.bridge.mqtt.MqttRobotHardware;
import io.telos.memory.StoreStats;
import io.telos.memory.sqlite.SqliteEpisodeStore;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchException;
import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import io.vertx.core.eventbus.EventBus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code telos soak}: the agent drives the simulated arm over MQTT (through the embedded broker
 * with log-in and per-topic permissions) or ROS 2 (DDS on loopback) for a long time while faults are injected on a schedule,
 * and reports what a deployment needs to trust it: goals reached, limit violations, acknowledged
 * steps lost from episodic memory, heap, file descriptors and threads over time, and which
 * injected faults the agent noticed.
 */
@Command(name = "soak", description = {
    "Run the agent on the simulated arm over MQTT for a long time, injecting faults on a schedule, and report goals,"
        + " limit violations, acknowledged steps lost, heap and file-descriptor growth, and faults noticed.",
    "Faults, in turn: broker restart (MQTT) or the ROS 2 driver leaving DDS, malformed state burst (MQTT), CPU"
        + " starvation, operator heartbeat loss, planner stall. Writes soak.csv, soak.png and soak.md into --out."})
final class SoakCommand implements Callable<Integer> {
  static final String ROBOT = "arm1";
  private static final Duration SAMPLE = Duration.ofSeconds(5);
  /**
   * A protective stop the soak did not cause itself is reset after this long, as the operator on
   * watch would after a look at the cell; each one is reported.
   */
  private static final long OPERATOR_RESET_NS = TimeUnit.SECONDS.toNanos(5);
  /** How long after an injection a matching fault or mode change counts as the agent noticing it. */
  private static final long NOTICE_NS = TimeUnit.SECONDS.toNanos(15);

  @Option(names = "--minutes", description = "How long to run (default ${DEFAULT-VALUE}).")
  double minutes = 60;

  @Option(names = "--fault-every-s", description = "Seconds between injected faults (default ${DEFAULT-VALUE}).")
  double faultEveryS = 40;

  @Option(names = "--seed", description = "Seed of targets and sensor noise (default ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(names = "--transport", description = "mqtt (the embedded broker with users) or ros2 (DDS on loopback)"
      + " (default ${DEFAULT-VALUE}).")
  String transport = "mqtt";

  @Option(names = "--out", description = "Folder for the memory, CSV, plot and report (default ${DEFAULT-VALUE}).")
  Path out = Path.of("runs", "soak");

  /** One sample of the process over time. */
  record Sample(double tS, double heapMb, double oldGenAfterGcMb, long fds, int threads, long goals, long reached,
      long faults, long rejectedStates) {}

  /** One injected fault and what the agent showed within {@link #NOTICE_NS}. */
  record Injection(double tS, SoakFault fault, String noticed, String detail) {}

  private record Raised(long atNs, String code) {}

  @Override
  public Integer call() throws Exception {
    if (!(minutes > 0) || !(faultEveryS >= 5)) {
      throw new LaunchException("--minutes must be > 0 and --fault-every-s at least 5");
    }
    if (!List.of("mqtt", "ros2").contains(transport)) {
      throw new LaunchException("--transport: must be mqtt or ros2, was '" + transport + "'");
    }
    Files.createDirectories(out);
    Path db = out.resolve("memory.db");
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      Files.deleteIfExists(out.resolve("memory.db" + suffix));
    }
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    try (SoakRig rig = "ros2".equals(transport) ? SoakRig.Ros2.start(seed) : SoakRig.Mqtt.start(out, seed)) {
      LaunchSpec spec = LaunchFile.parse(new ByteArrayInputStream(launchFile(rig.bridge(), db)
          .getBytes(StandardCharsets.UTF_8)), null);
      return soak(spec, rig, db);
    }
  }

  private int soak(LaunchSpec spec, SoakRig rig, Path db) throws Exception {
    StallingPlanner[] stall = new StallingPlanner[1];
    AtomicReference<Session.Started> live = new AtomicReference<>();
    CompletableFuture<Void> up = new CompletableFuture<>();
    CompletableFuture<RunReport> report = new CompletableFuture<>();
    ConcurrentLinkedQueue<Raised> raised = new ConcurrentLinkedQueue<>();
    AtomicLong goals = new AtomicLong();
    AtomicLong reached = new AtomicLong();
    Thread session = new Thread(() -> {
      try {
        report.complete(Session.run(spec, p -> {
          stall[0] = new StallingPlanner(p.planner());
          return p.withPlanner(stall[0]);
        }, o -> {
          goals.incrementAndGet();
          if (o.reached()) {
            reached.incrementAndGet();
          }
        }, Duration.ofMinutes((long) Math.ceil(minutes) + 5), -1, s -> {
          EventBus bus = s.vertx().eventBus();
          bus.<Fault>localConsumer(Addresses.fault(ROBOT), m -> raised.add(new Raised(System.nanoTime(),
              m.body().code())));
          bus.<ModeChange>localConsumer(Addresses.mode(ROBOT), m -> raised.add(new Raised(System.nanoTime(),
              "mode:" + m.body().to())));
          live.set(s);
          up.complete(null);
        }));
      } catch (Throwable e) {
        up.completeExceptionally(e);
        report.completeExceptionally(e);
      }
    }, "telos-soak-session");
    session.setDaemon(true);
    session.start();
    up.get(3, TimeUnit.MINUTES);
    Session.Started s = live.get();
    MqttRobotHardware agentSide = SoakRig.agentSide(s);

    long t0 = System.nanoTime();
    long end = t0 + (long) (minutes * 60e9);
    List<Sample> samples = new ArrayList<>();
    List<Long> injectedAt = new ArrayList<>();
    List<SoakFault> injected = new ArrayList<>();
    List<String> details = new ArrayList<>();
    long nextSample = t0;
    long nextFault = t0 + (long) (Math.min(30, faultEveryS) * 1e9);
    int k = 0;
    long stoppedSince = -1;
    List<String> resets = new ArrayList<>();
    int totalS = (int) Math.round(minutes * 60);
    ProgressBar bar = new ProgressBar(System.err, totalS, false);
    while (System.nanoTime() < end) {
      long now = System.nanoTime();
      if (now >= nextSample) {
        samples.add(sample((now - t0) / 1e9, goals.get(), reached.get(), raised.size(),
            agentSide == null ? 0 : agentSide.rejectedStates()));
        nextSample += SAMPLE.toNanos();
        bar.show((int) Math.min(totalS, (now - t0) / 1_000_000_000L), "s");
      }
      stoppedSince = watchProtectiveStop(s, now, t0, stoppedSince, resets);
      if (now >= nextFault && now + TimeUnit.SECONDS.toNanos(20) < end) {
        List<SoakFault> cycle = SoakFault.over(transport);
        SoakFault f = cycle.get(k++ % cycle.size());
        injectedAt.add(now);
        injected.add(f);
        details.add(inject(f, s, rig, stall[0], db));
        nextFault = System.nanoTime() + (long) (faultEveryS * 1e9);
      }
      Thread.sleep(Math.max(1, Math.min(Math.min(nextSample, nextFault) - System.nanoTime(), 200_000_000L))
          / 1_000_000 + 1);
    }
    bar.show(totalS, "s");
    s.stop().run();
    RunReport r = report.get(2, TimeUnit.MINUTES);
    long acknowledged = s.store() == null ? 0 : s.store().durableSteps();
    StoreStats stored;
    SqliteEpisodeStore check = new SqliteEpisodeStore(db);
    try {
      check.open();
      stored = check.stats();
    } finally {
      check.close();
    }

    List<Injection> injections = new ArrayList<>();
    List<Raised> all = new ArrayList<>(raised);
    for (int i = 0; i < injected.size(); i++) {
      long at = injectedAt.get(i);
      List<String> seen = all.stream().filter(x -> x.atNs() >= at && x.atNs() <= at + NOTICE_NS)
          .map(Raised::code).distinct().toList();
      injections.add(new Injection((at - t0) / 1e9, injected.get(i), String.join(" ", seen), details.get(i)));
    }
    return finish(r, acknowledged, stored, samples, injections, resets);
  }

  /** Writes the CSV, plot and report; the exit status. */
  private int finish(RunReport r, long acknowledged, StoreStats stored, List<Sample> samples,
      List<Injection> injections, List<String> resets) throws IOException {
    writeCsv(out.resolve("soak.csv"), samples, injections);
    SoakPlot.write(samples, injections, out.resolve("soak.png"),
        String.format(Locale.ROOT, "telos soak over %s: %.1f min, %d faults injected", transport, minutes,
            injections.size()));
    String md = report(r, acknowledged, stored, samples, injections, resets);
    Files.writeString(out.resolve("soak.md"), md);
    System.out.println(md);
    long missed = injections.stream().filter(i -> !noticed(i)).count();
    boolean ok = r.limitViolations() == 0 && stored.steps() >= acknowledged && missed == 0;
    return ok ? 0 : Telos.EXIT_TASK_FAILED;
  }

  /**
   * The operator on watch: a protective stop that has lasted {@link #OPERATOR_RESET_NS} is reset and
   * the arm handed back (listed in {@code resets}).
   *
   * @return since when the arm has been stopped, or -1
   */
  private static long watchProtectiveStop(Session.Started s, long now, long t0, long stoppedSince,
      List<String> resets) throws Exception {
    if (s.runtime().arbiter().mode() != Mode.PROTECTIVE_STOP) {
      return -1;
    }
    if (stoppedSince < 0) {
      return now;
    }
    if (now - stoppedSince > OPERATOR_RESET_NS) {
      resets.add(String.format(Locale.ROOT, "%.0f s: %s", (now - t0) / 1e9, resetAndRelease(s)));
      return -1;
    }
    return stoppedSince;
  }

  /**
   * Whether the agent dealt with the fault: raised its expected code in time, and for a malformed
   * burst refused every state of it.
   */
  private static boolean noticed(Injection i) {
    if (i.fault() == SoakFault.MALFORMED_BURST) {
      return i.detail().matches("(\\d+) bad states sent, \\1 refused by the bridge");
    }
    return i.fault().expected == null || List.of(i.noticed().split(" ")).contains(i.fault().expected);
  }

  private String inject(SoakFault f, Session.Started s, SoakRig rig, StallingPlanner planner, Path db) throws Exception {
    switch (f) {
      case STORE_LOCKED -> {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
            Statement st = c.createStatement()) {
          st.execute("BEGIN EXCLUSIVE");
          Thread.sleep(5000);
          st.execute("ROLLBACK");
        }
        return "another process held the store's write lock 5 s";
      }
      case BROKER_RESTART, MALFORMED_BURST, PEER_LOST -> {
        return rig.inject(f, s);
      }
      case CPU_STARVATION -> {
        int n = Runtime.getRuntime().availableProcessors() + 1;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<Thread> burners = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          burners.add(Thread.ofPlatform().daemon(true).name("telos-soak-burn-" + i).start(() -> {
            double x = 1;
            while (System.nanoTime() < until) {
              x = Math.sin(x) + 1;
            }
            if (x == 42) {
              System.out.print("");
            }
          }));
        }
        for (Thread t : burners) {
          t.join();
        }
        return n + " busy threads for 5 s";
      }
      case OPERATOR_HEARTBEAT_LOSS -> {
        return heartbeatLoss(s);
      }
      case PLANNER_STALL -> {
        planner.stallFor(Duration.ofSeconds(2));
        return "planner silent 2 s";
      }
      default -> throw new IllegalStateException(f.toString());
    }
  }

  /** An operator takes the arm, sends heartbeats for a second, goes silent; then resets and hands back. */
  private static String heartbeatLoss(Session.Started s) throws Exception {
    Operator op = new Operator(s);
    OperatorReply take = op.send(OperatorCommand.Kind.TAKE);
    if (!take.accepted()) {
      return "take refused: " + take.message();
    }
    for (int i = 0; i < 10; i++) {
      op.send(OperatorCommand.Kind.HEARTBEAT);
      Thread.sleep(50);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (s.runtime().arbiter().mode() != Mode.PROTECTIVE_STOP && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Mode stopped = s.runtime().arbiter().mode();
    return "silent operator -> " + stopped + "; " + resetAndRelease(s);
  }

  /** The operator clears a protective stop and hands the arm back to the agent. */
  private static String resetAndRelease(Session.Started s) throws Exception {
    Operator op = new Operator(s);
    op.send(OperatorCommand.Kind.RESET);
    op.send(OperatorCommand.Kind.TAKE);
    op.send(OperatorCommand.Kind.HEARTBEAT);
    OperatorReply back = op.send(OperatorCommand.Kind.RELEASE);
    return "reset and released -> " + back.mode();
  }

  /** The operator station the soak plays, on the bus. */
  private record Operator(Session.Started s, AtomicLong seq) {
    Operator(Session.Started s) {
      this(s, new AtomicLong());
    }

    OperatorReply send(OperatorCommand.Kind kind) throws Exception {
      OperatorCommand c = OperatorCommand.of(new Header(seq.incrementAndGet(),
          s.runtime().parts().clock().nanos(), "soak-operator", ""), "soak", kind);
      return s.vertx().eventBus().<OperatorReply>request(Addresses.teleop(ROBOT), c).toCompletionStage()
          .toCompletableFuture().get(5, TimeUnit.SECONDS).body();
    }
  }

  private static Sample sample(double tS, long goals, long reached, long faults, long rejected) {
    var mem = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    double oldAfterGc = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage after = p.getCollectionUsage();
      if (p.getType() == MemoryType.HEAP && after != null && p.getName().toLowerCase(Locale.ROOT).contains("old")) {
        oldAfterGc += after.getUsed() / 1e6;
      }
    }
    long fds;
    try (Stream<Path> l = Files.list(Path.of("/proc/self/fd"))) {
      fds = l.count();
    } catch (IOException e) {
      fds = -1;
    }
    return new Sample(tS, mem.getUsed() / 1e6, oldAfterGc, fds, ManagementFactory.getThreadMXBean().getThreadCount(),
        goals, reached, faults, rejected);
  }

  private static void writeCsv(Path csv, List<Sample> samples, List<Injection> injections) throws IOException {
    StringBuilder b = new StringBuilder("t_s,heap_mb,old_gen_after_gc_mb,fds,threads,goals,reached,faults,"
        + "rejected_states\n");
    for (Sample x : samples) {
      b.append(String.format(Locale.ROOT, "%.1f,%.1f,%.1f,%d,%d,%d,%d,%d,%d%n", x.tS(), x.heapMb(),
          x.oldGenAfterGcMb(), x.fds(), x.threads(), x.goals(), x.reached(), x.faults(), x.rejectedStates()));
    }
    b.append("\n# injected: t_s,fault,noticed,detail\n");
    for (Injection i : injections) {
      b.append(String.format(Locale.ROOT, "# %.1f,%s,%s,%s%n", i.tS(), i.fault().label(), i.noticed(), i.detail()));
    }
    Files.writeString(csv, b.toString());
  }

  private String report(RunReport r, long acknowledged, StoreStats stored, List<Sample> samples,
      List<Injection> injections, List<String> resets) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "## telos soak over %s, %.1f minutes, seed %d%n%n", transport, minutes,
        seed));
    b.append(String.format(Locale.ROOT, "| goals | reached | success | limit violations | steps acknowledged | steps"
        + " in the store | lost |%n|---:|---:|---:|---:|---:|---:|---:|%n| %d | %d | %.3f | %d | %d | %d | %d |%n%n",
        r.outcomes().size(), r.reached(), r.successRate(), r.limitViolations(), acknowledged, stored.steps(),
        Math.max(0, acknowledged - stored.steps())));
    b.append(String.format(Locale.ROOT, "Steps never acknowledged (counted as gaps of their episodes while the store"
        + " could not write): %d.%n%n", stored.gaps()));
    if (samples.size() >= 4) {
      Sample first = samples.get(Math.min(samples.size() - 1, samples.size() / 10));
      Sample last = samples.get(samples.size() - 1);
      b.append(String.format(Locale.ROOT, "| over the run (from %.0f s to %.0f s) | first | last |%n|---|---:|---:|%n"
          + "| old generation after GC, MB | %.1f | %.1f |%n| heap in use, MB | %.1f | %.1f |%n"
          + "| open file descriptors | %d | %d |%n| threads | %d | %d |%n%n", first.tS(), last.tS(),
          first.oldGenAfterGcMb(), last.oldGenAfterGcMb(), first.heapMb(), last.heapMb(), first.fds(), last.fds(),
          first.threads(), last.threads()));
    }
    Map<SoakFault, int[]> byFault = new LinkedHashMap<>();
    for (Injection i : injections) {
      int[] c = byFault.computeIfAbsent(i.fault(), x -> new int[2]);
      c[0]++;
      if (noticed(i)) {
        c[1]++;
      }
    }
    b.append("| fault | injected | noticed (fault code expected) | raised after the last one | last detail |\n"
        + "|---|---:|---:|---|---|\n");
    byFault.forEach((f, c) -> {
      Injection last = injections.stream().filter(i -> i.fault() == f).reduce((a, x) -> x).orElseThrow();
      b.append(String.format(Locale.ROOT, "| %s | %d | %d (%s) | %s | %s |%n", f.label(), c[0], c[1],
          f == SoakFault.MALFORMED_BURST ? "every state refused" : f.expected == null ? "none needed" : f.expected,
          last.noticed(), last.detail()));
    });
    b.append(String.format(Locale.ROOT, "%nfaults raised by the agent: %s%n", r.faults()));
    b.append(String.format(Locale.ROOT, "%nprotective stops not injected by the soak, reset by its operator after %d s:"
        + " %d%s%n", OPERATOR_RESET_NS / 1_000_000_000L, resets.size(), resets.isEmpty() ? ""
        : " (" + String.join("; ", resets) + ")"));
    return b.toString();
  }

  private String launchFile(String bridge, Path db) {
    return """
        robot: {id: %s, description: "builtin:telos6"}
        clock: wall
        seed: %d
        bridge:
        %s
        planner: {type: mppi, rate_hz: 50}
        task: {type: reach_random, count: 100000, tolerance_m: 0.01, timeout_s: 8}
        memory: {type: sqlite, path: "%s"}
        """.formatted(ROBOT, seed, bridge.strip().indent(2).stripTrailing(), db.toAbsolutePath());
  }

  /** The planner under test, which can be told to go silent for a while (a stalled planner). */
  static final class StallingPlanner implements Planner {
    private final Planner inner;
    private volatile long silentUntilNs;

    StallingPlanner(Planner inner) {
      this.inner = inner;
    }

    void stallFor(Duration d) {
      silentUntilNs = System.nanoTime() + d.toNanos();
    }

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public ActionChunk plan(Observation observation, Goal goal) {
      long left = silentUntilNs - System.nanoTime();
      if (left > 0) {
        try {
          Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return inner.plan(observation, goal);
    }

    @Override
    public PlanSignals signals() {
      return inner.signals();
    }

    @Override
    public void commanded(JointCommand command) {
      inner.commanded(command);
    }

    @Override
    public void reset() {
      inner.reset();
    }
  }
}
