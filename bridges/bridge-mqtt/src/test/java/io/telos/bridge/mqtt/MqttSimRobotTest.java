package io.telos.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.Mode;
import io.telos.api.Vec;
import io.telos.api.WallClock;
import io.telos.api.config.ConfigException;
import io.telos.api.spi.RobotHardware.Health;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class MqttSimRobotTest {
  private static final Duration T = Duration.ofSeconds(5);
  /** The robot's own joint order. */
  private static final List<String> ROBOT_JOINTS = List.of("j1", "j2", "j3");
  /** The agent's (the chain's) order: a different one, to show that joints travel by name. */
  private static final List<String> AGENT_JOINTS = List.of("j3", "j1", "j2");

  private static JointCommand command(long seq, double... agentOrder) {
    return new JointCommand(new Header(seq, System.nanoTime(), "safety/arm1", ""), AGENT_JOINTS, Vec.of(agentOrder),
        Vec.zeros(agentOrder.length), Mode.AUTONOMOUS);
  }

  @Test
  @SuppressWarnings("try")
  void endToEndThroughTheRobotsEmbeddedBroker() throws Exception {
    FakeRobot robot = new FakeRobot("arm1", ROBOT_JOINTS, 0.1, 0.2, 0.3);
    try (MqttSimRobot sim = MqttSimRobot.create(robot, Map.of("port", 0, "state_rate_hz", 500), WallClock.INSTANCE,
        robot::step)) {
      sim.start();
      assertTrue(sim.awaitConnected(5, TimeUnit.SECONDS));
      MqttConfig agentConfig = MqttConfig.parse("arm1", Map.of("broker", sim.brokerUri()));
      try (MqttRobotHardware hw = new MqttRobotHardware("arm1", AGENT_JOINTS, agentConfig, WallClock.INSTANCE)) {
        hw.start();
        assertTrue(hw.awaitConnected(5, TimeUnit.SECONDS));
        JointState first = Await.value("first state", T, hw::read);
        assertEquals(Vec.of(0.3, 0.1, 0.2), first.position(), "robot order mapped to the agent's");
        assertEquals(Health.OK, hw.health());

        hw.write(command(5, 1.3, 1.1, 1.2));
        JointCommand applied = robot.commands.poll(5, TimeUnit.SECONDS);
        assertNotNull(applied, "the robot got the command");
        assertEquals(ROBOT_JOINTS, applied.names());
        assertEquals(Vec.of(1.1, 1.2, 1.3), applied.position(), "agent order mapped to the robot's");
        assertEquals(5, applied.header().sequence());
        assertEquals(Mode.AUTONOMOUS, applied.mode());
        Await.until("the state follows the command", T,
            () -> hw.read().position().equals(Vec.of(1.3, 1.1, 1.2)));
        assertTrue(robot.steps > 0 && robot.stepNs == robot.steps * 2_000_000L, "stepped by the 2 ms period");
        assertTrue(sim.statesPublished() > 0);
        assertEquals(0, sim.commandsRejected());

        sim.close(); // also stops the embedded broker: the agent loses it
        assertTrue(hw.awaitDisconnected(5, TimeUnit.SECONDS));
        assertEquals(Health.LOST, hw.health());
      }
    }
  }

  @Test
  void expiredCommandsAreNotAppliedAndInvalidOnesAreCounted() throws Exception {
    try (EmbeddedBroker broker = new EmbeddedBroker(0).start()) {
      FakeRobot robot = new FakeRobot("arm1", ROBOT_JOINTS, 0, 0, 0);
      AtomicBoolean hold = new AtomicBoolean();
      CountDownLatch held = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      try (MqttSimRobot sim = MqttSimRobot.create(robot, Map.of("broker", broker.uri()), WallClock.INSTANCE, dt -> {
            if (hold.get()) {
              held.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          });
          RawClient agent = RawClient.connect(broker.uri(), "agent")) {
        sim.start();
        assertTrue(sim.awaitConnected(5, TimeUnit.SECONDS));
        hold.set(true);
        assertTrue(held.await(5, TimeUnit.SECONDS), "loop stalled in the stepper");

        String cmd = "{\"stamp_ns\":1,\"seq\":9,\"name\":[\"j1\",\"j2\",\"j3\"],\"position\":[1,2,3],"
            + "\"velocity\":[0,0,0],\"mode\":\"AUTONOMOUS\"}";
        agent.publish("telos/arm1/command", cmd.getBytes(StandardCharsets.UTF_8), 1, false, 1L);
        Await.until("command received", T, () -> sim.commandsReceived() == 1);
        long received = System.nanoTime();
        Await.until("its 1 s expiry has run out", Duration.ofSeconds(3),
            () -> System.nanoTime() - received > 1_100_000_000L);
        hold.set(false);
        release.countDown();
        Await.until("dropped as expired", T, () -> sim.commandsExpired() == 1);
        assertNull(robot.commands.poll(), "never applied");

        agent.publish("telos/arm1/command", cmd.replace("j3", "j9").getBytes(StandardCharsets.UTF_8), 1, false, 1L);
        Await.until("rejected", T, () -> sim.commandsRejected() == 1);
        assertTrue(sim.lastRejection().contains("unknown joint 'j9'"), sim.lastRejection());

        agent.publish("telos/arm1/command", cmd.getBytes(StandardCharsets.UTF_8), 1, false, 1L);
        JointCommand applied = robot.commands.poll(5, TimeUnit.SECONDS);
        assertNotNull(applied, "a fresh command is applied");
        assertEquals(Vec.of(1, 2, 3), applied.position());
      }
    }
  }

  @Test
  void settingsErrorsNameTheKey() {
    FakeRobot robot = new FakeRobot("arm1", ROBOT_JOINTS, 0, 0, 0);
    ConfigException e = assertThrows(ConfigException.class,
        () -> MqttSimRobot.create(robot, Map.of("state_rate_hz", 0), WallClock.INSTANCE, null));
    assertEquals("bridge.state_rate_hz: must be a number in (0, 10000], was 0", e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> MqttSimRobot.create(robot, Map.of("qos_command", 3), WallClock.INSTANCE, null));
    assertEquals("bridge.qos_command: must be 0, 1 or 2, was 3", e.getMessage());
    MqttSimRobot sim = MqttSimRobot.create(robot, Map.of(), WallClock.INSTANCE, null);
    assertEquals("telos-arm1-robot", sim.config().clientId());
  }

  /** Latency through the embedded broker on this machine, printed for the README (no assertion on time). */
  @Test
  void latencyFigures() throws Exception {
    try (EmbeddedBroker broker = new EmbeddedBroker(0).start()) {
      Latency.measure(broker.uri(), "embedded broker").forEach(System.out::println);
    }
  }
}
