package io.telos.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.Mode;
import io.telos.api.Vec;
import io.telos.api.WallClock;
import io.telos.api.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerUsersTest {
  private static final Duration T = Duration.ofSeconds(5);
  private static final String H = BrokerUsers.hash("pw".toCharArray(), BrokerUsers.MIN_ITERATIONS);

  @TempDir
  Path dir;

  private Path file(String yaml) throws IOException {
    Path p = dir.resolve("users.yaml");
    Files.writeString(p, yaml);
    return p;
  }

  private ConfigException refused(String yaml) throws IOException {
    Path p = file(yaml);
    return assertThrows(ConfigException.class, () -> BrokerUsers.read("bridge.broker_users", p));
  }

  @Test
  void passwordsAreCheckedAgainstSaltedHashes() throws IOException {
    BrokerUsers u = BrokerUsers.read("k", file("users:\n  arm1: {role: robot, password_hash: \"" + H + "\"}\n"));
    assertTrue(u.authenticate("arm1", "pw".getBytes(StandardCharsets.UTF_8)).isPresent());
    assertFalse(u.authenticate("arm1", "pW".getBytes(StandardCharsets.UTF_8)).isPresent());
    assertFalse(u.authenticate("arm2", "pw".getBytes(StandardCharsets.UTF_8)).isPresent());
    assertFalse(u.authenticate(null, null).isPresent());
    String again = BrokerUsers.hash("pw".toCharArray(), BrokerUsers.MIN_ITERATIONS);
    assertFalse(again.equals(H), "every hash has its own salt");
    assertFalse(u.toString().contains(H), "hashes are not printed");
  }

  @Test
  void rolesGrantOnlyTheirTopics() throws IOException {
    BrokerUsers u = BrokerUsers.read("k", file("topic_root: plant\nusers:\n"
        + "  arm1: {role: robot, password_hash: \"" + H + "\"}\n"
        + "  agent: {role: agent, robots: [arm1, arm2], password_hash: \"" + H + "\"}\n"));
    List<BrokerUsers.Permission> robot = u.permissions(u.users().get("arm1"));
    assertTrue(robot.contains(new BrokerUsers.Permission("plant/arm1/state", BrokerUsers.Activity.PUBLISH)));
    assertTrue(robot.contains(new BrokerUsers.Permission("plant/arm1/command", BrokerUsers.Activity.SUBSCRIBE)));
    assertTrue(robot.stream().noneMatch(p -> p.filter().endsWith("/command")
        && p.activity() == BrokerUsers.Activity.PUBLISH), "a robot never commands");
    List<BrokerUsers.Permission> agent = u.permissions(u.users().get("agent"));
    assertEquals(List.of("plant/arm1/command", "plant/arm2/command"), agent.stream()
        .filter(p -> p.activity() == BrokerUsers.Activity.PUBLISH && p.filter().endsWith("/command"))
        .map(BrokerUsers.Permission::filter).toList());
  }

  @Test
  void badFilesAreNamedPrecisely() throws IOException {
    assertEquals("users.yaml.users.arm1.role: must be robot, agent, operator or observer, was 'admin'",
        refused("users:\n  arm1: {role: admin, password_hash: \"" + H + "\"}\n").getMessage());
    assertTrue(refused("users:\n  arm1: {role: robot, password_hash: secret}\n").getMessage()
        .contains("password_hash: must be pbkdf2-sha256$<iterations>$<salt>$<hash> (print one with: telos broker"
            + " hash-password arm1)"));
    String weak = BrokerUsers.hash("pw".toCharArray(), 1000);
    assertTrue(refused("users:\n  a: {role: agent, password_hash: \"" + weak + "\"}\n").getMessage()
        .endsWith("1000 iterations is too weak, at least 10000"));
    assertTrue(refused("users:\n  arm1: {role: robot, robots: [arm2], password_hash: \"" + H + "\"}\n")
        .getMessage().contains("a robot reaches only its own topics"));
    assertTrue(refused("users:\n  a: {role: agent, pasword_hash: x}\n").getMessage().contains("pasword_hash"));
    assertTrue(refused("users: {}\n").getMessage().contains("at least one user"));
    assertTrue(refused("- just\n- a list\n").getMessage().contains("must be a YAML mapping"));
    ConfigException missing = assertThrows(ConfigException.class,
        () -> BrokerUsers.read("bridge.broker_users", dir.resolve("nope.yaml")));
    assertTrue(missing.getMessage().startsWith("bridge.broker_users: cannot read broker users"), missing.getMessage());
  }

  @Test
  void launchFileKeysAreChecked() throws IOException {
    Path users = file("users:\n  agent: {role: agent, password_hash: \"" + H + "\"}\n");
    ConfigException uri = assertThrows(ConfigException.class, () -> MqttConfig.parse("arm1",
        Map.of("broker", "tcp://10.0.0.2:1883", "broker_users", users.toString())));
    assertTrue(uri.getMessage().startsWith("bridge.broker_users: only used with bridge.broker: embedded"),
        uri.getMessage());
    ConfigException anon = assertThrows(ConfigException.class,
        () -> MqttConfig.parse("arm1", Map.of("broker_users", users.toString())));
    assertTrue(anon.getMessage().contains("set bridge.username and bridge.password"), anon.getMessage());
    ConfigException stranger = assertThrows(ConfigException.class, () -> MqttConfig.parse("arm1",
        Map.of("broker_users", users.toString(), "username", "bob", "password", "pw")));
    assertEquals("bridge.username: 'bob' is not a user of bridge.broker_users", stranger.getMessage());
  }

  @Test
  @SuppressWarnings("try")
  void anAgentOnItsAuthenticatedBrokerDrivesALoggedInRobotAndAnAnonymousOneIsKeptOut() throws Exception {
    Path users = file("users:\n  agent: {role: agent, password_hash: \"" + H + "\"}\n"
        + "  arm1: {role: robot, password_hash: \"" + H + "\"}\n");
    List<String> joints = List.of("j1", "j2");
    MqttConfig agentConfig = MqttConfig.parse("arm1",
        Map.of("port", 0, "broker_users", users.toString(), "username", "agent", "password", "pw"));
    try (MqttRobotHardware hw = new MqttRobotHardware("arm1", joints, agentConfig, WallClock.INSTANCE)) {
      hw.start();
      assertTrue(hw.awaitConnected(10, TimeUnit.SECONDS), "the agent logs in to its own broker");
      assertTrue(hw.embeddedBroker().authenticated());
      String uri = hw.embeddedBroker().uri();

      FakeRobot intruder = new FakeRobot("arm1", joints, 9, 9);
      try (MqttSimRobot anon = MqttSimRobot.create(intruder, Map.of("broker", uri), WallClock.INSTANCE,
          intruder::step)) {
        anon.start();
        assertFalse(anon.awaitConnected(2, TimeUnit.SECONDS), "an anonymous robot is refused");
      }

      FakeRobot robot = new FakeRobot("arm1", joints, 0.1, 0.2);
      try (MqttSimRobot sim = MqttSimRobot.create(robot, Map.of("broker", uri, "username", "arm1", "password", "pw",
          "state_rate_hz", 200), WallClock.INSTANCE, robot::step)) {
        sim.start();
        assertTrue(sim.awaitConnected(10, TimeUnit.SECONDS), "the robot logs in");
        assertEquals(Vec.of(0.1, 0.2), Await.value("first state", T, hw::read).position());
        hw.write(new JointCommand(new Header(3, System.nanoTime(), "safety/arm1", ""), joints, Vec.of(0.3, 0.4),
            Vec.zeros(2), Mode.AUTONOMOUS));
        JointCommand applied = robot.commands.poll(5, TimeUnit.SECONDS);
        assertNotNull(applied, "the agent's command reached the robot through the authenticated broker");
        assertEquals(Vec.of(0.3, 0.4), applied.position());
      }
    }
  }
}
