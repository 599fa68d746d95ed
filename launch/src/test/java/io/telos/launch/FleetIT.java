package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.telos.api.config.Settings;
import io.telos.launch.fleet.Fleet;
import io.telos.runtime.config.ClusterSpec;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two agents in two JVMs, each driving its own simulated arm, clustered on loopback
 * with this test as a third member (an operator's tool): every robot's status reaches the
 * operator, a mode request crosses the cluster to the right robot only, arm1's web console lists
 * both robots and holds arm2 from the other process, a second agent claiming a
 * robot id already in the fleet refuses to start, and after kill -9 of one member the cluster
 * drops it within its failure detection while the other robot carries on. The arms run lock-step
 * (simulated time): the fleet is what is under test, and two real-time servo loops plus the
 * cluster on two cores would make the robots hold for late states (they would be right to).
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FleetIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int HEARTBEAT_S = 4;
  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void stop() {
    children.forEach(Process::destroyForcibly);
  }

  @Test
  void operatorsSeeEveryRobotAndReachTheRightOne(@TempDir Path dir) throws Exception {
    int base = freeBase();
    String members = "127.0.0.1:" + base + "-" + (base + 3);
    Process arm1 = agent(dir, "arm1", "arm1", base, members,
        "teleop: { console: { host: 127.0.0.1, port: 0, token: " + TOKEN + " } }");
    Process arm2 = agent(dir, "arm2", base + 1, members);

    ClusterSpec spec = ClusterSpec.from(new Settings("cluster", Map.of("name", "telos-it", "port", base + 2,
        "members", List.of(members), "heartbeat_timeout_s", HEARTBEAT_S)));
    HazelcastClusterManager cm = new HazelcastClusterManager(Fleet.hazelcast(spec));
    Vertx operator = Vertx.builder().withClusterManager(cm).buildClustered().await();
    try {
      Map<String, JsonNode> seen = new ConcurrentHashMap<>();
      Map<String, Long> seenAt = new ConcurrentHashMap<>();
      operator.eventBus().<String>consumer(Fleet.STATUS, m -> {
        try {
          JsonNode n = JSON.readTree(m.body());
          seen.put(n.path("robot").asText(), n);
          seenAt.put(n.path("robot").asText(), System.nanoTime());
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }).completion().await();
      await(() -> seen.containsKey("arm1") && seen.containsKey("arm2"), 120,
          () -> "both robots' status; seen " + seen.keySet() + "\n" + tail(dir, "arm1") + tail(dir, "arm2"));
      assertEquals("AUTONOMOUS", seen.get("arm1").path("mode").asText(), tail(dir, "arm1"));
      assertEquals("AUTONOMOUS", seen.get("arm2").path("mode").asText(), tail(dir, "arm2"));
      assertNotEquals(seen.get("arm1").path("member").asText(), seen.get("arm2").path("member").asText());

      // an operator anywhere takes arm2 out of autonomy; arm1 is not touched
      assertEquals("HOLD", request(operator, "arm2", "HOLD"));
      await(() -> "HOLD".equals(seen.get("arm2").path("mode").asText()), 10, () -> "arm2 HOLD: " + seen.get("arm2"));
      assertEquals("AUTONOMOUS", seen.get("arm1").path("mode").asText(), "arm1 untouched: " + seen.get("arm1"));
      assertTrue(request(operator, "arm2", "FLY").startsWith("REFUSED unknown request"));
      assertEquals("AUTONOMOUS", request(operator, "arm2", "AUTONOMOUS"));
      await(() -> "AUTONOMOUS".equals(seen.get("arm2").path("mode").asText()), 10, () -> "arm2 back: " + seen.get("arm2"));

      // arm1's web console, in another process, lists the fleet and holds arm2 through it
      String console = consoleUrl(dir.resolve("arm1.log"));
      HttpClient http = HttpClient.newHttpClient();
      String session = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(console + "api/login"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
              "{\"user\":\"ana\",\"token\":\"" + TOKEN + "\"}")).build(), HttpResponse.BodyHandlers.ofString()).body())
          .path("session").asText();
      JsonNode[] listed = new JsonNode[1];
      await(() -> {
        listed[0] = tree(call(http, HttpRequest.newBuilder(URI.create(console + "api/fleet"))
            .header("Cookie", "telos_session=" + session).build()));
        return listed[0].path("robots").size() == 2;
      }, 10, () -> "arm1's console lists both robots: " + listed[0]);
      JsonNode held = JSON.readTree(call(http, HttpRequest.newBuilder(URI.create(console + "api/fleet/mode"))
          .header("Content-Type", "application/json").header("Cookie", "telos_session=" + session)
          .POST(HttpRequest.BodyPublishers.ofString("{\"robot\":\"arm2\",\"request\":\"HOLD\"}")).build()));
      assertEquals("HOLD", held.path("answer").asText(), held.toString());
      await(() -> "HOLD".equals(seen.get("arm2").path("mode").asText()), 10, () -> "arm2 held from arm1's console");
      assertEquals("AUTONOMOUS", request(operator, "arm2", "AUTONOMOUS"));

      // a second agent for arm2 refuses to start: the fleet already has one
      Process twin = agent(dir, "arm2-twin", "arm2", base + 3, members);
      assertTrue(twin.waitFor(120, TimeUnit.SECONDS), "the twin exits");
      assertNotEquals(0, twin.exitValue());
      String twinLog = Files.readString(dir.resolve("arm2-twin.log"));
      assertTrue(twinLog.contains("already runs in the fleet"), twinLog);

      // kill -9 of arm1's member: the cluster drops it, arm2 goes on
      await(() -> cm.getNodes().size() == 3, 30, () -> "the twin left; nodes " + cm.getNodes()); // operator, arm1, arm2
      arm1.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      await(() -> cm.getNodes().size() == 2, HEARTBEAT_S * 4L, () -> "arm1's member dropped; nodes " + cm.getNodes());
      long afterDrop = System.nanoTime();
      await(() -> seenAt.getOrDefault("arm2", 0L) > afterDrop, 10, () -> "arm2 still publishes");
      assertTrue(arm2.isAlive(), "arm2's agent carries on");
      long ended = seen.get("arm2").path("goals_ended").asLong();
      await(() -> seen.get("arm2").path("goals_ended").asLong() > ended, 30, () -> "arm2 keeps reaching targets: "
          + seen.get("arm2"));
    } finally {
      operator.close().await();
    }
  }

  private static final String TOKEN = "fleet-it-token-0123456789";
  private static final Pattern CONSOLE = Pattern.compile("operator console at (http://\\S+/)");

  /** The console URL arm1 printed when it came up. */
  private static String consoleUrl(Path log) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < end) {
      Matcher m = CONSOLE.matcher(Files.readString(log));
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no console URL in " + log);
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException(json, e);
    }
  }

  private static String call(HttpClient http, HttpRequest r) {
    try {
      return http.send(r, HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String request(Vertx v, String robot, String body) {
    return v.eventBus().<String>request(Fleet.modeAddress(robot), body, new DeliveryOptions().setSendTimeout(10_000))
        .await().body();
  }

  private Process agent(Path dir, String id, int port, String members) throws IOException {
    return agent(dir, id, id, port, members, "");
  }

  private Process agent(Path dir, String name, String robotId, int port, String members) throws IOException {
    return agent(dir, name, robotId, port, members, "");
  }

  /** An agent JVM running {@code telos run} on a launch file for robot {@code robotId} in the fleet. */
  private Process agent(Path dir, String name, String robotId, int port, String members, String extra)
      throws IOException {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, """
        robot: { id: %s, description: "builtin:telos6" }
        clock: sim
        seed: %d
        bridge: { type: sim }
        planner: { type: mppi, rate_hz: 25 }
        safety: { rate_hz: 500 }
        task: { type: reach_random, count: 500, tolerance_m: 0.02, timeout_s: 8, settle_s: 0.05 }
        cluster: { name: telos-it, port: %d, members: ["%s"], heartbeat_timeout_s: %d }
        %s
        """.formatted(robotId, port, port, members, HEARTBEAT_S, extra));
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-Xss2m", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        "io.telos.launch.Telos", "run", file.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile())
        .start();
    children.add(p);
    return p;
  }

  private static String tail(Path dir, String name) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve(name + ".log"));
      return "--- " + name + "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()))
          + "\n";
    } catch (IOException e) {
      return "--- " + name + ": " + e + "\n";
    }
  }

  /** Waits for {@code condition}, polling every 50 ms, up to {@code seconds}. */
  private static void await(BooleanSupplier condition, long seconds, java.util.function.Supplier<String> what)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what.get());
      }
      Thread.sleep(50);
    }
  }

  /** A port with the next three free too. */
  private static int freeBase() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int p;
      try (ServerSocket s = new ServerSocket(0)) {
        p = s.getLocalPort();
      }
      if (p > 65000) {
        continue;
      }
      boolean free = true;
      for (int k = 1; k < 4 && free; k++) {
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
    throw new IOException("no four consecutive free ports");
  }
}
