package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Addresses;
import io.telos.api.Fault;
import io.telos.api.HandoverRequest;
import io.telos.api.Mode;
import io.telos.api.ModeChange;
import io.telos.api.config.Settings;
import io.telos.model.RobotModel;
import io.telos.runtime.AgentRuntime;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import io.telos.runtime.teleop.TeleopConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The teleoperation fallback end to end, through the real console (HTTP login, WebSocket) against
 * the simulated arm in real time: the agent gets stuck on an unreachable target and asks for help;
 * an operator takes control, jogs, releases; autonomy resumes; a second operator cannot take a held
 * lease; a socket without a login is closed; a lost heartbeat is a protective stop. Prints the
 * measured figures (trigger-to-hold, jog latency, jumps at takeover and release).
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TeleopIT {
  static final String TOKEN = "it-token-0123456789abcdef";
  /** The out-of-reach target makes the planner report a plateau (STUCK) or, pressed against a limit, INFEASIBLE. */
  static final java.util.Set<String> PLANNER_TRIGGERS = java.util.Set.of("STUCK", "INFEASIBLE");

  static boolean plannerHold(ModeChange c) {
    return c.to() == Mode.HOLD && (c.reason().startsWith("handover STUCK") || c.reason().startsWith("handover INFEASIBLE"));
  }

  @TempDir
  Path dir;

  /** The handover example on a free port with a known token and a throwaway memory. */
  static LaunchSpec spec(Path dir) {
    return spec(dir, -1);
  }

  /** @param heartbeatMs the deadman timeout, or -1 for the example's own (250 ms) */
  static LaunchSpec spec(Path dir, long heartbeatMs) {
    LaunchSpec s = LaunchFile.load(Path.of("examples/handover-sim.yaml"));
    TeleopConfig t = s.teleop();
    Map<String, Object> console = new LinkedHashMap<>();
    console.put("host", "127.0.0.1");
    console.put("port", 0);
    console.put("token", TOKEN);
    TeleopConfig withConsole = new TeleopConfig(heartbeatMs > 0 ? heartbeatMs * 1_000_000L : t.heartbeatTimeoutNs(),
        t.jogTimeoutNs(), t.toolSpeedMps(),
        t.toolTurnRadps(), t.jointSpeedScale(), t.uncertaintyThreshold(), t.stuckTrigger(), t.infeasibleNs(),
        t.sustainNs(), t.faultCodes(), new Settings("teleop.console", console));
    return s.withTeleop(withConsole)
        .withMemory(new Settings("memory", Map.of("type", "sqlite", "path", dir.resolve("memory.db").toString())));
  }

  /** A running session with its command log and bus records. */
  static final class Live implements AutoCloseable {
    final CompletableFuture<RunReport> report = new CompletableFuture<>();
    final AtomicReference<Session.Started> started = new AtomicReference<>();
    final AtomicReference<CommandLog> log = new AtomicReference<>();
    final List<HandoverRequest> handovers = new CopyOnWriteArrayList<>();
    final List<ModeChange> modes = new CopyOnWriteArrayList<>();
    final List<Fault> faults = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> up = new CompletableFuture<>();

    Live(LaunchSpec spec) {
      Thread t = new Thread(() -> {
        try {
          report.complete(Session.run(spec, p -> {
            CommandLog l = new CommandLog(p.hardware());
            log.set(l);
            return p.withHardware(l);
          }, o -> { }, Duration.ofMinutes(3), -1, s -> {
            var bus = s.vertx().eventBus();
            String id = s.runtime().parts().robotId();
            bus.<HandoverRequest>localConsumer(Addresses.handover(id), m -> handovers.add(m.body()));
            bus.<ModeChange>localConsumer(Addresses.mode(id), m -> modes.add(m.body()));
            bus.<Fault>localConsumer(Addresses.fault(id), m -> faults.add(m.body()));
            started.set(s);
            up.complete(null);
          }));
        } catch (Throwable e) {
          up.completeExceptionally(e);
          report.completeExceptionally(e);
        }
      }, "teleop-it-session");
      t.setDaemon(true);
      t.start();
    }

    int port() throws Exception {
      up.get(60, TimeUnit.SECONDS);
      return started.get().consolePort();
    }

    Mode mode() {
      return started.get().runtime().arbiter().mode();
    }

    @Override
    public void close() throws Exception {
      Session.Started s = started.get();
      if (s != null) {
        s.stop().run();
      }
      report.get(30, TimeUnit.SECONDS);
    }
  }

  static void await(BooleanSupplier c, long seconds, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
  }

  static double pct(double[] sorted, double p) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
  }

  static JsonObject jog(String frame, double... v) {
    JsonArray a = new JsonArray();
    for (double x : v) {
      a.add(x);
    }
    return new JsonObject().put("type", "jog").put("frame", frame).put("v", a);
  }

  @Test
  void stuckAgentHandsOverAndAnOperatorDrivesAndReleases() throws Exception {
    ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor();
    try (Live live = new Live(spec(dir))) {
      int port = live.port();

      // nothing without a login
      assertEquals("401", OperatorClient.login(port, "mallory", "wrong-token-000000000")[0]);
      for (String session : new String[] {null, "00112233445566778899aabbccddeeff"}) {
        java.util.concurrent.ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(
            java.util.concurrent.ExecutionException.class, () -> OperatorClient.connect(port, session),
            "a socket without a valid session is refused");
        assertTrue(refused.getCause() instanceof java.net.http.WebSocketHandshakeException h
            && h.getResponse().statusCode() == 401, refused.toString());
      }

      String anaSession = OperatorClient.login(port, "ana", TOKEN)[1];
      String bobSession = OperatorClient.login(port, "bob", TOKEN)[1];
      assertNotNull(anaSession);
      try (OperatorClient ana = OperatorClient.connect(port, anaSession);
           OperatorClient bob = OperatorClient.connect(port, bobSession)) {
        assertNotNull(ana.await(m -> "hello".equals(m.getString("type")), 5));

        // 1. the unreachable target: the planner gets stuck, the agent holds and asks
        // (as an event, or in the state snapshot when it was raised before this operator connected)
        JsonObject request = ana.await(m -> ("handover".equals(m.getString("type")) && m.getBoolean("open")
            && PLANNER_TRIGGERS.contains(m.getString("trigger"))) || ("state".equals(m.getString("type"))
            && m.getJsonObject("handover") != null
            && PLANNER_TRIGGERS.contains(m.getJsonObject("handover").getString("trigger"))), 60);
        assertNotNull(request, "a handover request reaches the console");
        await(() -> live.modes.stream().anyMatch(TeleopIT::plannerHold), 5, "HOLD recorded on the bus");
        await(() -> live.handovers.stream().anyMatch(h -> PLANNER_TRIGGERS.contains(h.trigger().name())), 5,
            "the request recorded on the bus");
        HandoverRequest raised = live.handovers.stream().filter(h -> PLANNER_TRIGGERS.contains(h.trigger().name()))
            .findFirst().orElseThrow();
        ModeChange hold = live.modes.stream().filter(TeleopIT::plannerHold).findFirst().orElseThrow();
        CommandLog log = live.log.get();
        await(() -> log.firstAfter(hold.header().stampNs(), e -> Arrays.stream(e.velocity()).allMatch(v -> v == 0))
            != null, 5, "the arm at rest");
        CommandLog.Entry rest = log.firstAfter(hold.header().stampNs(),
            e -> Arrays.stream(e.velocity()).allMatch(v -> v == 0));
        double triggerToHoldMs = (hold.header().stampNs() - raised.header().stampNs()) / 1e6;
        double triggerToRestMs = (rest.nanos() - raised.header().stampNs()) / 1e6;

        // 2. ana takes control; bob cannot
        AtomicBoolean anaBeats = new AtomicBoolean(true);
        beat.scheduleAtFixedRate(() -> {
          if (anaBeats.get()) {
            ana.send(new JsonObject().put("type", "heartbeat"));
          }
        }, 0, 50, TimeUnit.MILLISECONDS);
        int beforeTake = ana.mark();
        JsonObject took = ana.call("take");
        assertTrue(took.getBoolean("accepted"), took.encode());
        assertEquals("TELEOP", took.getString("mode"));
        assertNotNull(ana.await(beforeTake, m -> "handover".equals(m.getString("type")) && !m.getBoolean("open"), 5),
            "taking control closes the request");
        JsonObject bobTake = bob.call("take");
        assertFalse(bobTake.getBoolean("accepted"));
        assertTrue(bobTake.getString("message").contains("ana"), bobTake.encode());
        bob.send(jog("joint", 0.3, 0, 0, 0, 0, 0).put("id", 99));
        JsonObject bobJog = bob.await(m -> Integer.valueOf(99).equals(m.getInteger("id")), 5);
        assertNotNull(bobJog, "bob's jog is answered");
        assertFalse(bobJog.getBoolean("accepted"), "a jog from someone without the lease is refused");

        // 3. jog latency: operator message sent -> first command to the arm that moves
        List<Double> latUs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          double dir = i % 2 == 0 ? 1 : -1;
          long t0 = System.nanoTime();
          ana.send(jog("joint", 0.3 * dir, 0, 0, 0, 0, 0));
          await(() -> log.firstAfter(t0, e -> e.mode() == Mode.TELEOP && e.velocity()[0] * dir > 1e-9) != null, 5,
              "jog reaches the arm");
          latUs.add((log.firstAfter(t0, e -> e.velocity()[0] * dir > 1e-9).nanos() - t0) / 1e3);
          long t1 = System.nanoTime();
          ana.send(jog("joint", 0, 0, 0, 0, 0, 0));
          await(() -> log.firstAfter(t1, e -> e.velocity()[0] == 0) != null, 5, "jog stop reaches the arm");
        }

        // 4. Cartesian jog straight up at 1 m/s asked: the tool moves at most 250 mm/s
        long up = System.nanoTime();
        for (int i = 0; i < 20; i++) {
          ana.send(jog("base", 0, 0, 1.0, 0, 0, 0));
          Thread.sleep(50); // the operator's key repeat, not synchronisation: the jog is renewed like a held key
        }
        ana.send(jog("base", 0, 0, 0, 0, 0, 0));
        long upEnd = System.nanoTime();
        RobotModel model = live.started.get().runtime().parts().model();
        double maxTool = 0;
        double rise = 0;
        List<CommandLog.Entry> entries = log.snapshot().stream().filter(e -> e.nanos() >= up && e.nanos() <= upEnd).toList();
        for (int k = 10; k < entries.size(); k += 10) {
          double[] a = model.chain().forwardPosition(entries.get(k - 10).position());
          double[] b = model.chain().forwardPosition(entries.get(k).position());
          double dt = (entries.get(k).nanos() - entries.get(k - 10).nanos()) / 1e9;
          double d = Math.sqrt(Math.pow(b[0] - a[0], 2) + Math.pow(b[1] - a[1], 2) + Math.pow(b[2] - a[2], 2));
          maxTool = Math.max(maxTool, d / (10 * 1e-3)); // commands are 1 ms apart in the kernel's time
          rise += b[2] - a[2];
        }
        assertTrue(rise > 0.05, "the tool went up: " + rise);
        assertTrue(maxTool <= 0.25 * 1.02, "tool speed " + maxTool + " m/s over the 0.25 m/s teleop limit");

        // 5. release: autonomy resumes from where the operator left the arm
        await(() -> log.snapshot().getLast().velocity()[2] == 0, 5, "rest before release");
        int beforeRelease = ana.mark();
        JsonObject released = ana.call("release");
        assertTrue(released.getBoolean("accepted"), released.encode());
        assertEquals("AUTONOMOUS", released.getString("mode"));
        long rel = System.nanoTime();
        await(() -> log.firstAfter(rel, e -> e.mode() == Mode.AUTONOMOUS
            && Arrays.stream(e.velocity()).anyMatch(v -> Math.abs(v) > 1e-3)) != null, 10, "the planner moving the arm again");
        double jumpTake = log.jumpAt(Mode.HOLD, Mode.TELEOP);
        double jumpRelease = log.jumpAt(Mode.TELEOP, Mode.AUTONOMOUS);
        assertTrue(jumpTake < 1e-3, "takeover jump " + jumpTake);
        assertTrue(jumpRelease < 1e-3, "release jump " + jumpRelease);

        // 6. still stuck: a second request; ana takes again and loses her heartbeat
        assertNotNull(ana.await(beforeRelease, m -> "handover".equals(m.getString("type")) && m.getBoolean("open")
            && PLANNER_TRIGGERS.contains(m.getString("trigger")), 30),
            "the plateau after the release is a new request");
        assertTrue(ana.call("take").getBoolean("accepted"));
        int beforeLoss = ana.mark();
        anaBeats.set(false);
        long lastBeat = System.nanoTime();
        await(() -> live.modes.stream().anyMatch(c -> c.to() == Mode.PROTECTIVE_STOP), 5,
            "protective stop after the heartbeat is lost, recorded on the bus");
        await(() -> live.faults.stream().anyMatch(f -> f.code().equals("DEADMAN")), 5, "the DEADMAN fault");
        ModeChange ps = live.modes.stream().filter(c -> c.to() == Mode.PROTECTIVE_STOP).findFirst().orElseThrow();
        assertTrue(ps.reason().startsWith("DEADMAN"), ps.reason());
        assertNotNull(ana.await(beforeLoss, m -> "lease".equals(m.getString("type")) && m.getString("holder").isEmpty(), 5),
            "the lease is revoked");
        double beatLossToStopMs = (ps.header().stampNs() - lastBeat) / 1e6;
        assertFalse(ana.call("take").getBoolean("accepted"), "no take during a protective stop");
        JsonObject reset = bob.call("reset");
        assertTrue(reset.getBoolean("accepted"), reset.encode());
        assertEquals("HOLD", reset.getString("mode"));

        double[] lat = latUs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf("teleop figures: trigger->HOLD %.2f ms, trigger->arm at rest %.1f ms, "
                + "jog message->arm p50 %.0f us p99 %.0f us (n=%d), jump at takeover %.2e rad, at release %.2e rad, "
                + "heartbeat lost->protective stop %.0f ms (limit 250), max tool speed in jog %.3f m/s%n",
            triggerToHoldMs, triggerToRestMs, pct(lat, 50), pct(lat, 99), lat.length, jumpTake, jumpRelease,
            beatLossToStopMs, maxTool);
      }
    } finally {
      beat.shutdownNow();
    }

    // every transition is a record in memory, and the operator's segments are demonstrations
    try (var memory = io.telos.memory.sqlite.SqliteEpisodeStore.reader(dir.resolve("memory.db"))) {
      memory.open();
      var events = memory.eventsBetween(Long.MIN_VALUE, Long.MAX_VALUE);
      var kinds = events.stream().map(e -> e.kind()).collect(java.util.stream.Collectors.toSet());
      // every kind but the camera pictures' and the scene's (this cell has no camera and no objects)
      assertEquals(java.util.EnumSet.complementOf(java.util.EnumSet.of(io.telos.memory.EventRecord.Kind.FRAME,
          io.telos.memory.EventRecord.Kind.SCENE)), kinds,
          events.toString());
      assertTrue(events.stream().anyMatch(e -> e.to() == Mode.TELEOP && e.detail().contains("ana")), events.toString());
      // the operators' audit trail: console sessions and commands with their outcomes
      var audit = events.stream().filter(e -> e.kind() == io.telos.memory.EventRecord.Kind.OPERATOR_ACTION)
          .map(e -> e.detail()).toList();
      assertTrue(audit.stream().anyMatch(d -> d.startsWith("mallory login_refused refused")), audit.toString());
      assertTrue(audit.stream().anyMatch(d -> d.startsWith("ana login accepted: console from 127.0.0.1")),
          audit.toString());
      assertTrue(audit.stream().anyMatch(d -> d.equals("ana take accepted: you have control")), audit.toString());
      assertTrue(audit.stream().anyMatch(d -> d.startsWith("bob take refused")), audit.toString());
      assertTrue(audit.stream().noneMatch(d -> d.contains(" heartbeat accepted")), "heartbeats are not audited");
      assertTrue(events.stream().anyMatch(e -> e.kind() == io.telos.memory.EventRecord.Kind.LEASE_CHANGE
          && e.detail().contains("DEADMAN")), "the revocation is recorded with its reason");
      assertTrue(memory.listEpisodes(100).stream().anyMatch(e -> e.meta().operator() && e.steps() > 100),
          "the operator's segment is a demonstration episode with its steps");
    }
    java.io.StringWriter text = new java.io.StringWriter();
    picocli.CommandLine cl = Telos.commandLine();
    cl.setOut(new java.io.PrintWriter(text, true));
    assertEquals(0, cl.execute("memory", "events", "--path", dir.resolve("memory.db").toString()));
    assertTrue(text.toString().contains("handover requested") && text.toString().contains("lease ana <- free: taken")
        && text.toString().contains("-> TELEOP"), text.toString());
  }
}
