package io.telos.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.Mode;
import io.telos.api.Vec;
import io.telos.api.WallClock;
import io.telos.api.spi.RobotHardware.Health;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract against a real Mosquitto broker and its command-line clients, exactly as the
 * README shows them. Skipped only when {@code /usr/sbin/mosquitto} is absent (Debian packages
 * {@code mosquitto} and {@code mosquitto-clients}).
 */
class MosquittoIT {
  private static final Duration T = Duration.ofSeconds(10);
  private static final List<String> JOINTS = List.of("shoulder", "elbow", "wrist");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;
  private static Mosquitto mosquitto;

  @BeforeAll
  static void startMosquitto() throws Exception {
    Assumptions.assumeTrue(Mosquitto.available(),
        "no " + Mosquitto.BINARY + " (apt-get install mosquitto mosquitto-clients)");
    mosquitto = new Mosquitto(dir);
  }

  @AfterAll
  static void stopMosquitto() {
    if (mosquitto != null) {
      mosquitto.close();
    }
  }

  private static MqttRobotHardware agent(String uri, String clientId) throws Exception {
    MqttRobotHardware hw = new MqttRobotHardware("arm1", JOINTS,
        MqttConfig.parse("arm1", Map.of("broker", uri, "client_id", clientId)), WallClock.INSTANCE);
    hw.start();
    assertTrue(hw.awaitConnected(10, TimeUnit.SECONDS), "connected to " + uri);
    return hw;
  }

  private static List<String> cli(Path tool, int port, String... args) {
    List<String> c = new ArrayList<>(List.of(tool.toString(), "-h", "127.0.0.1", "-p", Integer.toString(port)));
    c.addAll(List.of(args));
    return c;
  }

  @Test
  void mosquittoPubStateInTheDocumentedJsonReachesTheAgent() throws Exception {
    try (MqttRobotHardware hw = agent(mosquitto.uri(), "it-agent-state")) {
      for (String version : List.of("mqttv311", "mqttv5")) {
        double elbow = version.equals("mqttv5") ? -0.7 : 0.7;
        Mosquitto.run(cli(Mosquitto.PUB, mosquitto.port, "-V", version, "-t", "telos/arm1/state", "-m",
            "{\"stamp_ns\": 1000, \"name\": [\"wrist\", \"shoulder\", \"elbow\"], \"position\": [0.3, 0.1, " + elbow
                + "], \"velocity\": [0, 0, 0], \"effort\": []}"), 10);
        Await.until("state from mosquitto_pub " + version, T,
            () -> hw.read() != null && hw.read().position().equals(Vec.of(0.1, elbow, 0.3)));
      }
      assertEquals(Health.OK, hw.health());
      Mosquitto.run(cli(Mosquitto.PUB, mosquitto.port, "-t", "telos/arm1/state", "-m", "{\"stamp_ns\": 1, "
          + "\"name\": [\"wrist\", \"shoulder\"], \"position\": [0.3, 0.1]}"), 10);
      Await.until("rejected", T, () -> hw.rejectedStates() == 1);
      assertEquals(Health.DEGRADED, hw.health());
    }
  }

  @Test
  void mosquittoSubReceivesTheCommandWithItsExpiry() throws Exception {
    try (MqttRobotHardware hw = agent(mosquitto.uri(), "it-agent-command")) {
      Process sub = new ProcessBuilder(cli(Mosquitto.SUB, mosquitto.port, "-V", "mqttv5", "-t", "telos/arm1/command",
          "-C", "1", "-W", "20", "-F", "%E|%q|%p")).redirectErrorStream(true).start();
      // mosquitto_sub says nothing when it has subscribed: send fresh commands until it has one.
      long seq = 0;
      long deadline = System.nanoTime() + T.toNanos();
      while (!sub.waitFor(20, TimeUnit.MILLISECONDS)) {
        hw.write(new JointCommand(new Header(seq++, System.nanoTime(), "safety/arm1", ""), JOINTS,
            Vec.of(0.5, 1.0, 1.5), Vec.of(0, 0, 0), Mode.AUTONOMOUS));
        if (System.nanoTime() > deadline) {
          sub.destroyForcibly();
          fail("mosquitto_sub received no command");
        }
      }
      String out = new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertEquals(0, sub.exitValue(), out);
      String[] parts = out.split("\\|", 3);
      assertEquals("1", parts[0], "message expiry interval, s: " + out);
      assertEquals("0", parts[1], "QoS: " + out);
      JsonNode n = JSON.readTree(parts[2]);
      assertEquals(List.of("shoulder", "elbow", "wrist"), JSON.convertValue(n.get("name"), List.class));
      assertArrayEquals(new double[] {0.5, 1.0, 1.5}, JSON.convertValue(n.get("position"), double[].class));
      assertEquals("AUTONOMOUS", n.get("mode").asText());
      assertTrue(n.get("seq").asLong() >= 0 && n.has("stamp_ns") && n.has("velocity"));
    }
  }

  @Test
  @SuppressWarnings("try")
  void simRobotAndAgentThroughMosquitto() throws Exception {
    FakeRobot robot = new FakeRobot("arm1", List.of("wrist", "elbow", "shoulder"), 3, 2, 1);
    try (MqttSimRobot sim = MqttSimRobot.create(robot, Map.of("broker", mosquitto.uri(), "prefix", "it/e2e"),
        WallClock.INSTANCE, null)) {
      sim.start();
      assertTrue(sim.awaitConnected(10, TimeUnit.SECONDS));
      // its own prefix: the retained statuses it leaves behind must not reach the other tests
      MqttConfig config = MqttConfig.parse("arm1", Map.of("broker", mosquitto.uri(), "prefix", "it/e2e/"));
      try (MqttRobotHardware hw = new MqttRobotHardware("arm1", JOINTS, config, WallClock.INSTANCE)) {
        hw.start();
        assertTrue(hw.awaitConnected(10, TimeUnit.SECONDS));
        JointState s = Await.value("state", T, hw::read);
        assertEquals(Vec.of(1, 2, 3), s.position());
        Await.until("robot online", T, () -> hw.health() == Health.OK);
        hw.write(new JointCommand(new Header(1, System.nanoTime(), "safety/arm1", ""), JOINTS, Vec.of(-1, -2, -3),
            Vec.of(0, 0, 0), Mode.HOLD));
        JointCommand applied = robot.commands.poll(10, TimeUnit.SECONDS);
        assertNotNull(applied);
        assertEquals(Vec.of(-3, -2, -1), applied.position());
        assertEquals(Mode.HOLD, applied.mode());
        Await.until("state follows", T, () -> hw.read().position().equals(Vec.of(-1, -2, -3)));
        String status = Mosquitto.run(cli(Mosquitto.SUB, mosquitto.port, "-t", "it/e2e/status", "-C", "1",
            "-W", "10"), 15).trim();
        assertEquals("online", status, "the agent's retained status");
        sim.close();
        Await.until("LOST once the robot says offline", T, () -> hw.health() == Health.LOST);
      }
    }
  }

  @Test
  void mosquittoClientsInteroperateWithTheEmbeddedBroker() throws Exception {
    try (EmbeddedBroker broker = new EmbeddedBroker(0).start()) {
      int port = broker.port();
      Mosquitto.run(cli(Mosquitto.PUB, port, "-V", "mqttv311", "-t", "telos/arm1/robot_status", "-m", "online", "-r",
          "-q", "1"), 10);
      assertEquals("online", Mosquitto.run(cli(Mosquitto.SUB, port, "-V", "mqttv5", "-t", "telos/arm1/robot_status",
          "-C", "1", "-W", "10"), 15).trim());
      Mosquitto.run(cli(Mosquitto.PUB, port, "-V", "mqttv5", "-t", "x/cmd", "-m", "c", "-r", "-q", "2", "-D",
          "publish", "message-expiry-interval", "30"), 10);
      String out = Mosquitto.run(cli(Mosquitto.SUB, port, "-V", "mqttv5", "-t", "x/#", "-C", "1", "-W", "10", "-F",
          "%E|%q|%r|%p"), 15).trim();
      String[] p = out.split("\\|");
      assertTrue(Integer.parseInt(p[0]) <= 30 && Integer.parseInt(p[0]) >= 29, out);
      assertEquals("0|1|c", p[1] + "|" + p[2] + "|" + p[3], "QoS 0 subscription, retained flag, payload");
    }
  }

  @Test
  void latencyFiguresThroughMosquitto() throws Exception {
    Latency.measure(mosquitto.uri(), "Mosquitto 2.0").forEach(System.out::println);
  }

  @Test
  void mutualTlsWithPemFiles() throws Exception {
    Path openssl = Path.of("/usr/bin/openssl");
    Assumptions.assumeTrue(Files.isExecutable(openssl), "no openssl");
    Path tls = Files.createDirectories(dir.resolve("tls"));
    String d = tls.toString() + "/";
    sh(tls, "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=telos-test-ca -keyout ca.key -out ca.crt");
    sh(tls, "openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout server.key -out server.csr");
    Files.writeString(tls.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    sh(tls, "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -out server.crt"
        + " -extfile san.ext");
    // the agent's key in the old PKCS#1 form ('BEGIN RSA PRIVATE KEY') that many brokers' docs still produce
    sh(tls, "openssl genrsa -traditional -out client.key 2048");
    sh(tls, "openssl req -new -key client.key -subj /CN=telos-agent -out client.csr");
    sh(tls, "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -out client.crt");
    assertTrue(Files.readString(tls.resolve("client.key")).contains("BEGIN RSA PRIVATE KEY"));
    for (String f : List.of("ca.crt", "server.crt", "server.key")) {
      tls.resolve(f).toFile().setReadable(true, false); // mosquitto may drop root for its own user
    }
    tls.toFile().setExecutable(true, false);
    dir.toFile().setExecutable(true, false);
    try (Mosquitto secure = new Mosquitto(dir, "cafile " + d + "ca.crt", "certfile " + d + "server.crt",
        "keyfile " + d + "server.key", "require_certificate true")) {
      String uri = "ssl://127.0.0.1:" + secure.port;
      MqttConfig config = MqttConfig.parse("arm1", Map.of("broker", uri, "ca_file", d + "ca.crt", "cert_file",
          d + "client.crt", "key_file", d + "client.key"));
      try (MqttRobotHardware hw = new MqttRobotHardware("arm1", JOINTS, config, WallClock.INSTANCE)) {
        hw.start();
        assertTrue(hw.awaitConnected(10, TimeUnit.SECONDS), "TLS connect; broker log:\n" + secure.log());
        Mosquitto.run(cli(Mosquitto.PUB, secure.port, "--cafile", d + "ca.crt", "--cert", d + "server.crt", "--key",
            d + "server.key", "-t", "telos/arm1/state", "-m",
            "{\"stamp_ns\":1,\"name\":[\"shoulder\",\"elbow\",\"wrist\"],\"position\":[1,2,3]}"), 10);
        Await.until("state over TLS", T, () -> hw.read() != null);
      }
      MqttConfig noClientCert = MqttConfig.parse("arm1", Map.of("broker", uri, "ca_file", d + "ca.crt"));
      try (MqttRobotHardware hw = new MqttRobotHardware("arm1", JOINTS, noClientCert, WallClock.INSTANCE)) {
        hw.start();
        assertTrue(!hw.awaitConnected(2, TimeUnit.SECONDS), "refused without a client certificate");
        assertEquals(Health.LOST, hw.health());
      }
    }
  }

  private static void sh(Path cwd, String command) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", command).directory(cwd.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), command);
    assertEquals(0, p.exitValue(), command + "\n" + out);
  }
}
