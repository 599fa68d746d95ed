package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Addresses;
import io.telos.api.config.Settings;
import io.telos.launch.fleet.Fleet;
import io.telos.memory.postgres.PgServer;
import io.telos.runtime.config.ClusterSpec;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet on loopback, every part in its own JVM: three agents (each driving its own simulated arm
 * lock-step, recording to one PostgreSQL store), the fleet trainer, and this test as an operator's
 * member. Checked in one run (the trainer learns while the operators act):
 *
 * <ol>
 *   <li>every robot's status reaches the operator and every robot reaches targets;
 *   <li>the trainer learns a model from the three robots' joint experience in the fleet store and
 *       publishes it; all three agents adopt it (checksummed, installed where their learned world
 *       model watches, loaded at the next plan), judge it by a canary over their next goals, and keep
 *       reaching targets (on it, or on what they rolled back to);
 *   <li>an operator on arm1's web console takes robot arm2 (served by another member), jogs it and
 *       releases it; while she holds it, neither a mode request from the fleet nor another
 *       operator can take it;
 *   <li>arm1's member paused (SIGSTOP) while she holds arm2: the lease is freed (deadman or the
 *       cluster's failure detection), another operator takes arm2, and when arm1 resumes her
 *       console can neither keep nor steal it;
 *   <li>PostgreSQL restarted mid-run: every step a store acknowledged is in the database;
 *   <li>a second agent claiming arm2's id refuses to start;
 *   <li>kill -9 of arm3's member while an operator on its console holds arm2: the cluster drops
 *       it within its failure detection, no lease is held by it after that, arm1 and arm2 carry on.
 * </ol>
 *
 * The arms run lock-step (simulated time): the fleet is what is under test, and three real-time
 * servo loops, a trainer and the database on two cores would make the robots hold for late states.
 */
@Timeout(value = 600, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FleetIT {
  private static final int HEARTBEAT_S = 4;
  private static final String TOKEN = "fleet-it-token-0123456789";
  private static final Pattern CONSOLE = Pattern.compile("operator console at http://127\\.0\\.0\\.1:(\\d+)/");
  private final List<Process> children = new ArrayList<>();
  private final Map<String, JsonObject> seen = new ConcurrentHashMap<>();
  private final Map<String, Long> seenAt = new ConcurrentHashMap<>();
  private Path dir;
  private final long began = System.nanoTime();

  /** Marks the start of a phase in the test's output, with the time since the test began. */
  private void phase(String what) {
    System.out.printf("[FleetIT] %6.1f s  %s%n", (System.nanoTime() - began) / 1e9, what);
  }

  @AfterEach
  void stop() throws IOException {
    children.forEach(Process::destroyForcibly); // SIGKILL ends a stopped process too
    if (dir != null) { // the members' logs stay beside the test reports
      Path keep = Files.createDirectories(Path.of("target", "fleet-it-logs"));
      try (var logs = Files.list(dir)) {
        for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
          Files.copy(log, keep.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  @Test
  void threeAgentsLearnTogetherAndAreOperatedFromAnywhere(@TempDir Path tmp) throws Exception {
    dir = tmp;
    PgServer pg = PgServer.get();
    String store = pg.freshSchemaUrl();
    int base = freeBase(6);
    String members = "127.0.0.1:" + base + "-" + (base + 5);
    Process arm1 = agent("arm1", "arm1", base, members, store,
        "teleop: { heartbeat_ms: 10000, triggers: { stuck: false }, console: { host: 127.0.0.1, port: 0, token: " + TOKEN
        + " } }");
    Process arm2 = agent("arm2", "arm2", base + 1, members, store,
        "teleop: { heartbeat_ms: 10000, triggers: { stuck: false } }");
    Process arm3 = agent("arm3", "arm3", base + 2, members, store,
        "teleop: { triggers: { stuck: false }, console: { host: 127.0.0.1, port: 0, token: " + TOKEN + " } }");

    ClusterSpec spec = ClusterSpec.from(new Settings("cluster", Map.of("name", "telos-it", "port", base + 4,
        "members", List.of(members), "heartbeat_timeout_s", HEARTBEAT_S)));
    HazelcastClusterManager cm = new HazelcastClusterManager(Fleet.hazelcast(spec));
    Vertx operator = Vertx.builder().withClusterManager(cm).buildClustered().await();
    try {
      operator.eventBus().<String>consumer(Fleet.STATUS, m -> {
        JsonObject n = new JsonObject(m.body());
        seen.put(n.getString("robot"), n);
        seenAt.put(n.getString("robot"), System.nanoTime());
      }).completion().await();

      phase("1 targets");
      // 1. every robot is seen and reaches targets
      await(() -> List.of("arm1", "arm2", "arm3").stream().allMatch(r -> reached(r) >= 2), 180,
          () -> "all three robots reach targets; seen " + seen + "\n" + tail("arm1") + tail("arm2") + tail("arm3"));
      assertEquals(3, List.of("arm1", "arm2", "arm3").stream().map(r -> seen.get(r).getString("node")).distinct()
          .count(), "three members");

      // the trainer starts learning now; its model is checked for after the operators' part (2)
      trainer(base + 3, members, store);
      phase("3 teleop across members");
      // 3. an operator on arm1's console takes arm2, served by another member
      int port = consolePort(dir.resolve("arm1.log"));
      String session = OperatorClient.login(port, "ana", TOKEN)[1];
      try (OperatorClient ana = OperatorClient.connect(port, session)) {
        JsonObject took = ana.call(forArm2("take"), 10);
        assertNotNull(took, "ana's take is answered");
        assertTrue(took.getBoolean("accepted"), took.encode());
        String anaHolds = took.getString("holder");
        assertTrue(anaHolds.startsWith("ana@") && anaHolds.endsWith(seen.get("arm1").getString("node")),
            "the lease is held by ana on arm1's member: " + anaHolds);
        AtomicBoolean beating = new AtomicBoolean(true);
        Thread heart = Thread.ofVirtual().start(() -> {
          while (beating.get()) {
            ana.send(forArm2("heartbeat"));
            try {
              Thread.sleep(50);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        await(() -> "TELEOP".equals(seen.get("arm2").getString("mode")) && anaHolds.equals(holder("arm2")), 10,
            () -> "arm2 in TELEOP, held by ana: " + seen.get("arm2"));
        assertEquals("AUTONOMOUS", seen.get("arm1").getString("mode"), "arm1 untouched");
        JsonObject jog = ana.call(forArm2("jog").put("frame", "base").put("v", new JsonArray(List.of(0.02, 0, 0, 0,
            0, 0))), 10);
        assertTrue(jog.getBoolean("accepted"), "ana jogs arm2: " + jog.encode());
        assertTrue(request(operator, "arm2", "AUTONOMOUS").startsWith("REFUSED the lease is held by 'ana@"),
            "a mode request from the fleet cannot take arm2 from its holder");
        JsonObject bobTake = operatorCommand(operator, cm, "bob", "take");
        assertFalse(bobTake.getBoolean("accepted"), "bob cannot take a held lease: " + bobTake.encode());
        JsonObject released2 = ana.call(forArm2("release"), 10);
        assertTrue(released2.getBoolean("accepted"), released2.encode());
        await(() -> "AUTONOMOUS".equals(seen.get("arm2").getString("mode")) && holder("arm2").isEmpty(), 10,
            () -> "arm2 back in autonomy: " + seen.get("arm2"));

        phase("2 adoption (the trainer started before 3)");
        // 2. one trainer learns from the fleet's joint experience; every agent adopts its model, judges it by its
        // canary (a version that makes its robot miss more is rolled back there) and keeps reaching targets
        for (String r : List.of("arm1", "arm2", "arm3")) { // installed, then loaded by the planner at its next plan
          await(() -> log(r).contains("event=model_installed version=")
              && log(r).contains("event=now_planning model=learned-v"),
              300, () -> r + " adopts the fleet's model\n" + tail(r) + tail("trainer"));
        }
        String released = Files.readString(dir.resolve("trainer.log"));
        assertTrue(released.contains("event=released version=1") && released.contains("robots=[arm1, arm2, arm3]"),
            "version 1 learned from all three robots' episodes:\n" + released);
        Map<String, Long> atAdoption = new ConcurrentHashMap<>();
        List.of("arm1", "arm2", "arm3").forEach(r -> atAdoption.put(r, reached(r)));
        await(() -> atAdoption.keySet().stream().allMatch(r -> reached(r) > atAdoption.get(r)), 180,
            () -> "every robot reaches targets on the fleet's model: " + seen);

        phase("4 SIGSTOP of the holder");
        // 4. arm1's member paused while ana holds arm2: the lease goes, bob takes it, ana cannot get it back
        assertTrue(ana.call(forArm2("take"), 10).getBoolean("accepted"));
        await(() -> holder("arm2").startsWith("ana@"), 10, () -> "ana holds arm2 again: " + seen.get("arm2"));
        signal(arm1, "STOP");
        await(() -> holder("arm2").isEmpty(), HEARTBEAT_S * 4L + 10, () -> "arm2's lease freed after arm1 paused: "
            + seen.get("arm2"));
        if ("PROTECTIVE_STOP".equals(seen.get("arm2").getString("mode"))) { // the deadman came first
          assertTrue(operatorCommand(operator, cm, "bob", "reset").getBoolean("accepted"));
        }
        JsonObject bob = operatorCommand(operator, cm, "bob", "take");
        assertTrue(bob.getBoolean("accepted"), "bob takes the freed lease: " + bob.encode());
        String bobHolds = bob.getString("holder");
        Thread bobHeart = Thread.ofVirtual().start(() -> {
          while (beating.get()) {
            operatorCommand(operator, cm, "bob", "heartbeat");
            try {
              Thread.sleep(50);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        long resumed = System.nanoTime();
        signal(arm1, "CONT");
        await(() -> seenAt.getOrDefault("arm1", 0L) > resumed, 90, () -> "arm1 back in the fleet\n" + tail("arm1"));
        JsonObject steal = ana.call(forArm2("take"), 15);
        phase("ana's take after she resumed: " + steal);
        assertTrue(steal == null || !steal.getBoolean("accepted", false), "ana cannot steal arm2 back: " + steal);
        long after = System.nanoTime();
        await(() -> seenAt.getOrDefault("arm2", 0L) > after, 10, () -> "a fresh arm2 status");
        assertEquals(bobHolds, holder("arm2"), "bob keeps arm2 after arm1 resumed: " + seen.get("arm2"));
        beating.set(false);
        heart.join();
        bobHeart.join();
        assertTrue(operatorCommand(operator, cm, "bob", "release").getBoolean("accepted"));
        // arm1 itself was paused too: its lock-step planner missed its deadline, so its arm holds and asks for an
        // operator (LOCKSTEP_TIMEOUT) -- one sends it back to work from here
        long askFrom = System.nanoTime();
        await(() -> reachable(operator, "arm1"), 60, () -> "arm1's agent takes requests again after it rejoined");
        phase("arm1 takes requests again " + (System.nanoTime() - askFrom) / 1_000_000 + " ms after it was asked");
        if ("PROTECTIVE_STOP".equals(seen.get("arm1").getString("mode"))) {
          assertEquals("HOLD", request(operator, "arm1", "reset"));
        }
        assertEquals("AUTONOMOUS", request(operator, "arm1", "AUTONOMOUS"));
      }

      phase("5 PostgreSQL restart");
      // 5. PostgreSQL restarted mid-run: no acknowledged step is lost
      pg.restart();
      Map<String, Long> acknowledged = new ConcurrentHashMap<>();
      List.of("arm1", "arm2", "arm3").forEach(r -> acknowledged.put(r, seen.get(r).getLong("steps_durable")));
      await(() -> acknowledged.keySet().stream().allMatch(r -> seen.get(r).getLong("steps_durable")
          > acknowledged.get(r) + 20), 120, () -> "every store writes again after the restart: " + seen);
      List.of("arm1", "arm2", "arm3").forEach(r -> acknowledged.put(r, seen.get(r).getLong("steps_durable")));
      for (String r : List.of("arm1", "arm2", "arm3")) {
        long stored = stepsInStore(store, pg.user(), r);
        assertTrue(stored >= acknowledged.get(r), r + ": " + acknowledged.get(r) + " steps acknowledged, "
            + stored + " in the store");
      }

      phase("6 twin");
      // 6. a second agent for arm2 refuses to start: the fleet already has one
      Process twin = agent("arm2-twin", "arm2", base + 5, members, store, "");
      assertTrue(twin.waitFor(120, TimeUnit.SECONDS), "the twin exits");
      assertNotEquals(0, twin.exitValue());
      assertTrue(Files.readString(dir.resolve("arm2-twin.log")).contains("already runs in the fleet"), tail("arm2-twin"));

      phase("7 kill -9");
      // 7. kill -9 of the member whose console holds arm2: the cluster drops it, the lease goes, the others go on
      await(() -> cm.getNodes().size() == 5, 60, () -> "the twin left; nodes " + cm.getNodes());
      int port3 = consolePort(dir.resolve("arm3.log"));
      try (OperatorClient cy = OperatorClient.connect(port3, OperatorClient.login(port3, "cy", TOKEN)[1])) {
        JsonObject took = cy.call(forArm2("take"), 10);
        assertTrue(took != null && took.getBoolean("accepted"), "cy takes arm2 from arm3's console: " + took);
        AtomicBoolean alive = new AtomicBoolean(true);
        Thread cyHeart = Thread.ofVirtual().start(() -> {
          while (alive.get()) {
            cy.send(forArm2("heartbeat"));
            try {
              Thread.sleep(50);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        await(() -> holder("arm2").startsWith("cy@"), 10, () -> "cy holds arm2: " + seen.get("arm2"));
        arm3.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        alive.set(false);
        cyHeart.join();
        await(() -> cm.getNodes().size() == 4, HEARTBEAT_S * 4L, () -> "arm3's member dropped; nodes " + cm.getNodes());
        await(() -> holder("arm2").isEmpty(), 10, () -> "no lease held by the dead member: " + seen.get("arm2"));
      }
      if ("PROTECTIVE_STOP".equals(seen.get("arm2").getString("mode"))) { // the deadman came first
        assertEquals("HOLD", request(operator, "arm2", "reset"));
      }
      assertEquals("AUTONOMOUS", request(operator, "arm2", "AUTONOMOUS"));
      for (String r : List.of("arm1", "arm2")) {
        long ended = seen.get(r).getLong("goals_ended");
        await(() -> seen.get(r).getLong("goals_ended") > ended, 60, () -> r + " keeps reaching targets: " + seen.get(r));
      }
      assertTrue(arm1.isAlive() && arm2.isAlive(), "arm1 and arm2 carry on");
      phase("done");
    } finally {
      operator.close().await();
    }
  }

  private long reached(String robot) {
    JsonObject s = seen.get(robot);
    return s == null ? 0 : s.getLong("goals_reached", 0L);
  }

  private String holder(String robot) {
    JsonObject s = seen.get(robot);
    return s == null ? "?" : s.getString("holder", "?");
  }

  private static JsonObject forArm2(String type) {
    return new JsonObject().put("robot", "arm2").put("type", type);
  }

  /** An operator command to arm2 from this test's member, as a console here would send it. */
  private static JsonObject operatorCommand(Vertx v, HazelcastClusterManager cm, String who, String type) {
    JsonObject m = new JsonObject().put("type", type).put("operator", who).put("member", cm.getNodeId());
    return new JsonObject(ask(v, Addresses.fleetOperator("arm2"), m.encode()));
  }

  private static String request(Vertx v, String robot, String body) {
    return ask(v, Fleet.modeAddress(robot), body);
  }

  /**
   * A request across the cluster, asked again (for up to 30 s) while nobody answers: after a member
   * was cut off and merged back the bus's registry can miss an address for a few seconds, and an
   * operator's console asks again too.
   */
  private static String ask(Vertx v, String address, String body) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return v.eventBus().<String>request(address, body, new DeliveryOptions().setSendTimeout(5000)).await().body();
      } catch (ReplyException e) {
        if (e.failureType() == ReplyFailure.RECIPIENT_FAILURE || System.nanoTime() > end) {
          throw e;
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** Whether a robot's agent answers requests from the fleet (a member that rejoined may not, for a while). */
  private static boolean reachable(Vertx v, String robot) {
    try {
      v.eventBus().<String>request(Fleet.modeAddress(robot), "who", new DeliveryOptions().setSendTimeout(2000))
          .await();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void signal(Process p, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + signal);
  }

  /** Steps of {@code robot} in the fleet store. */
  private static long stepsInStore(String url, String user, String robot) throws Exception {
    try (Connection c = DriverManager.getConnection(url, user, "");
        PreparedStatement s = c.prepareStatement("SELECT count(*) FROM telos_steps s JOIN telos_episodes e"
            + " ON s.episode_id = e.id WHERE e.robot_id = ?")) {
      s.setString(1, robot);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  /** The console port arm1 printed when it came up. */
  private static int consolePort(Path log) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < end) {
      Matcher m = CONSOLE.matcher(Files.readString(log));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no console URL in " + log);
  }

  /** The fleet trainer: {@code telos fleet trainer} on the fleet store. */
  private void trainer(int port, String members, String store) throws IOException {
    start("trainer", List.of("fleet", "trainer", "--name", "telos-it", "--port", Integer.toString(port), "--members",
        members, "--store-url", store, "--store-user", "telos", "--every-episodes", "20", "--steps", "300", "--hidden", "48",
        "--batch", "64",
        "--out", dir.resolve("trainer-models").toString()));
  }

  /** An agent JVM running {@code telos run} for robot {@code robotId}, learned model, in the fleet. */
  private Process agent(String name, String robotId, int port, String members, String store, String extra)
      throws IOException {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, """
        robot: { id: %s, description: "builtin:telos6" }
        clock: sim
        seed: %d
        bridge: { type: sim }
        planner:
          type: mppi
          rate_hz: 25
          world_model: { type: learned, path: "%s", watch_s: 0.5 }
        safety: { rate_hz: 500 }
        task: { type: reach_random, count: 5000, tolerance_m: 0.02, timeout_s: 8, settle_s: 0.05 }
        memory: { url: "%s", user: telos }
        cluster:
          name: telos-it
          port: %d
          members: ["%s"]
          heartbeat_timeout_s: %d
          models: { canary_goals: 5, max_drop: 0.2 }
        %s
        """.formatted(robotId, port, dir.resolve(name + "-models"), store, port, members, HEARTBEAT_S, extra));
    return start(name, List.of("run", file.toString()));
  }

  private Process start(String name, List<String> args) throws IOException {
    Process p = TelosProcess.builder("512m", args, dir.resolve(name + ".log")).start();
    children.add(p);
    return p;
  }

  private String log(String name) {
    try {
      return Files.readString(dir.resolve(name + ".log"));
    } catch (IOException e) {
      return "";
    }
  }

  private String tail(String name) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve(name + ".log"));
      return "--- " + name + "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()))
          + "\n";
    } catch (IOException e) {
      return "--- " + name + ": " + e + "\n";
    }
  }

  /** Waits for {@code condition}, polling every 50 ms, up to {@code seconds}. */
  private static void await(BooleanSupplier condition, long seconds, Supplier<String> what)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what.get());
      }
      Thread.sleep(50);
    }
  }

  /** A port with the next {@code n - 1} free too. */
  static int freeBase(int n) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int p;
      try (ServerSocket s = new ServerSocket(0)) {
        p = s.getLocalPort();
      }
      if (p > 65000) {
        continue;
      }
      boolean free = true;
      for (int k = 1; k < n && free; k++) {
        try (ServerSocket s = new ServerSocket(p + k)) {
          free = true;
        } catch (IOException e) {
          free = false;
        }
      }
      if (free) {
        return p;
      }
    }
    throw new IOException("no " + n + " consecutive free ports");
  }
}
