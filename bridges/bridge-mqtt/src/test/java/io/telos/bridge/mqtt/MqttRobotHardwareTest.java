package io.telos.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.telos.api.Clock;
import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.Mode;
import io.telos.api.Vec;
import io.telos.api.WallClock;
import io.telos.api.spi.RobotHardware.Health;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MqttRobotHardwareTest {
  private static final Duration T = Duration.ofSeconds(5);
  private static final List<String> JOINTS = List.of("j1", "j2", "j3");
  private static final ObjectMapper JSON = new ObjectMapper();

  private EmbeddedBroker broker;
  private MqttRobotHardware hw;

  /** A clock the test moves by hand. */
  static final class ManualClock implements Clock {
    final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Override
    public long nanos() {
      return now.get();
    }
  }

  @BeforeEach
  void startBroker() throws Exception {
    broker = new EmbeddedBroker(0).start();
  }

  @AfterEach
  void stop() {
    if (hw != null) {
      hw.close();
    }
    broker.stop();
  }

  private MqttRobotHardware start(Map<String, Object> extra, Clock clock) throws Exception {
    Map<String, Object> s = new HashMap<>(extra);
    s.putIfAbsent("broker", broker.uri());
    hw = new MqttRobotHardware("arm1", JOINTS, MqttConfig.parse("arm1", s), clock);
    hw.start();
    assertTrue(hw.awaitConnected(5, TimeUnit.SECONDS), "connected");
    return hw;
  }

  private static JointCommand command(long seq, long stampNs, double... q) {
    return new JointCommand(new Header(seq, stampNs, "safety/arm1", ""), JOINTS, Vec.of(q), Vec.zeros(q.length),
        Mode.AUTONOMOUS);
  }

  @Test
  void stateRoundTripWithShuffledJointOrderThroughItsOwnEmbeddedBroker() throws Exception {
    hw = new MqttRobotHardware("arm1", JOINTS, MqttConfig.parse("arm1", Map.of("port", 0)), WallClock.INSTANCE);
    assertNull(hw.read());
    assertEquals(Health.LOST, hw.health());
    hw.start();
    assertTrue(hw.awaitConnected(5, TimeUnit.SECONDS));
    assertNotNull(hw.embeddedBroker());
    assertTrue(hw.brokerUri().startsWith("tcp://127.0.0.1:"), hw.brokerUri());
    try (RawClient robot = RawClient.connect(hw.brokerUri(), "robot")) {
      long before = System.nanoTime();
      robot.publish("telos/arm1/state", """
          {"stamp_ns": 77, "name": ["j3", "j1", "j2"], "position": [0.3, 0.1, 0.2],
           "velocity": [3, 1, 2], "effort": [-3, -1, -2]}""", 0, false);
      JointState s = Await.value("state", T, hw::read);
      assertEquals(JOINTS, s.names());
      assertEquals(Vec.of(0.1, 0.2, 0.3), s.position());
      assertEquals(Vec.of(1, 2, 3), s.velocity());
      assertEquals(Vec.of(-1, -2, -3), s.effort());
      assertTrue(s.header().stampNs() >= before && s.header().stampNs() <= System.nanoTime(),
          "stamped with the agent's clock on arrival");
      assertEquals("mqtt/arm1", s.header().source());
      assertEquals(Health.OK, hw.health());
      assertEquals(1, hw.acceptedStates());
    }
  }

  @Test
  void malformedNonFiniteAndUnknownJointStatesAreRejectedAndCounted() throws Exception {
    ManualClock clock = new ManualClock();
    start(Map.of(), clock);
    java.util.List<String> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
    hw.onRejected(reported::add);
    try (RawClient robot = RawClient.connect(broker.uri(), "robot")) {
      robot.publish("telos/arm1/state", "{\"stamp_ns\":1,\"name\":[\"j1\",\"j2\",\"j3\"],\"position\":[1,2,3]}", 0,
          false);
      JointState good = Await.value("first state", T, hw::read);
      robot.publish("telos/arm1/state", "{\"stamp_ns\":2,\"name\":[\"j1\",\"j2\",\"j3\"],\"position\":[1,2,", 0,
          false);
      robot.publish("telos/arm1/state", "{\"stamp_ns\":3,\"name\":[\"j1\",\"j2\",\"j3\"],\"position\":[1,2,1e999]}",
          0, false);
      robot.publish("telos/arm1/state", "{\"stamp_ns\":4,\"name\":[\"j1\",\"j2\",\"j3\"],\"position\":[NaN,2,3]}", 0,
          false);
      robot.publish("telos/arm1/state", "{\"stamp_ns\":5,\"name\":[\"j1\",\"j2\",\"elbow\"],\"position\":[1,2,3]}",
          0, false);
      robot.publish("telos/arm1/state", "{\"stamp_ns\":6,\"name\":[\"j1\",\"j2\"],\"position\":[1,2]}", 0, false);
      Await.until("5 rejections", T, () -> hw.rejectedStates() == 5);
      assertSame(good, hw.read(), "the last valid state stays");
      assertEquals(1, hw.acceptedStates());
      assertTrue(hw.lastRejection().contains("missing joint 'j3'"), hw.lastRejection());
      assertEquals(Health.DEGRADED, hw.health());
      // the 1st, 2nd and 4th refusals are reported (a flood of bad input cannot flood the listeners)
      assertEquals(3, reported.size(), reported.toString());
      assertTrue(reported.get(0).startsWith("state #1 refused: "), reported.get(0));
      assertTrue(reported.get(2).startsWith("state #4 refused: "), reported.get(2));
      clock.now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1001));
      assertEquals(Health.OK, hw.health(), "DEGRADED lasts one second after the last rejection");
    }
  }

  @Test
  void commandCarriesTheMessageExpiryIntervalAndTheContract() throws Exception {
    start(Map.of("command_expiry_s", 3, "qos_command", 1), WallClock.INSTANCE);
    try (RawClient robot = RawClient.connect(broker.uri(), "robot").subscribe("telos/arm1/command", 2)) {
      hw.write(command(7, System.nanoTime(), 0.5, -0.5, 1.25));
      RawClient.Received r = robot.next(T);
      assertNotNull(r, "command received");
      assertEquals(3L, r.message().getProperties().getMessageExpiryInterval());
      assertEquals("application/json", r.message().getProperties().getContentType());
      assertEquals(1, r.message().getQos());
      JsonNode n = JSON.readTree(r.message().getPayload());
      assertEquals(7, n.get("seq").asLong());
      assertEquals("AUTONOMOUS", n.get("mode").asText());
      assertEquals(List.of("j1", "j2", "j3"), JSON.convertValue(n.get("name"), List.class));
      assertArrayEquals(new double[] {0.5, -0.5, 1.25}, JSON.convertValue(n.get("position"), double[].class));
      assertArrayEquals(new double[] {0, 0, 0}, JSON.convertValue(n.get("velocity"), double[].class));
    }
  }

  @Test
  void latestCommandWinsAndStaleOnesAreNeverSent() throws Exception {
    start(Map.of(), WallClock.INSTANCE);
    try (RawClient robot = RawClient.connect(broker.uri(), "robot").subscribe("telos/arm1/command", 0)) {
      hw.write(command(1, System.nanoTime() - TimeUnit.SECONDS.toNanos(2), 9, 9, 9)); // older than 1 s
      long[] writeNs = new long[19_999];
      long t0 = System.nanoTime();
      for (int i = 2; i <= 20_000; i++) {
        JointCommand c = command(i, System.nanoTime(), i, 0, 0);
        long w0 = System.nanoTime();
        hw.write(c);
        writeNs[i - 2] = System.nanoTime() - w0;
      }
      long burstNs = System.nanoTime() - t0;
      java.util.Arrays.sort(writeNs);
      long last = -1;
      int received = 0;
      while (last != 20_000) {
        RawClient.Received r = robot.next(T);
        assertNotNull(r, "command 20000 never arrived; last " + last);
        long seq = JSON.readTree(r.message().getPayload()).get("seq").asLong();
        assertTrue(seq > last && seq != 1, "strictly newer commands, never the stale one: " + seq + " after " + last);
        last = seq;
        received++;
      }
      assertEquals(20_000, hw.writes());
      assertTrue(received <= 20_000);
      System.out.printf(java.util.Locale.ROOT,
          "latest-wins: 20000 writes in %.1f ms (write() p50 %d ns, p99 %d ns, max %d ns), %d published, %d dropped%n",
          burstNs / 1e6, writeNs[writeNs.length / 2], writeNs[writeNs.length * 99 / 100], writeNs[writeNs.length - 1],
          hw.sentCommands(), hw.droppedCommands());
    }
  }

  @Test
  void brokerRestartIsLostThenRecoveredWithoutReplayingStaleCommands() throws Exception {
    start(Map.of(), WallClock.INSTANCE);
    assertEquals(Health.OK, hw.health());
    broker.stop();
    assertTrue(hw.awaitDisconnected(5, TimeUnit.SECONDS));
    assertEquals(Health.LOST, hw.health());
    long dropped = hw.droppedCommands();
    hw.write(command(100, System.nanoTime(), 1, 1, 1)); // while disconnected: must never reach the robot
    Await.until("command dropped while down", T, () -> hw.droppedCommands() == dropped + 1);

    long restarted = System.nanoTime();
    broker.start();
    assertTrue(hw.awaitConnected(10, TimeUnit.SECONDS), "reconnected with back-off");
    System.out.printf(java.util.Locale.ROOT, "reconnected %.0f ms after the broker came back%n",
        (System.nanoTime() - restarted) / 1e6);
    assertEquals(Health.OK, hw.health());
    assertEquals(2, hw.connects());
    try (RawClient robot = RawClient.connect(broker.uri(), "robot")
        .subscribe("telos/arm1/status", 1).subscribe("telos/arm1/command", 1)) {
      assertEquals("online", robot.next("telos/arm1/status", T).text(), "status re-published after the restart");
      hw.write(command(101, System.nanoTime(), 2, 2, 2));
      RawClient.Received first = robot.next("telos/arm1/command", T);
      assertEquals(101, JSON.readTree(first.message().getPayload()).get("seq").asLong(),
          "the first command after the restart is the fresh one");
    }
  }

  @Test
  void retainedStatusWithLastWill() throws Exception {
    try (RawClient watcher = RawClient.connect(broker.uri(), "watcher").subscribe("telos/arm1/status", 1)) {
      start(Map.of("client_id", "agent-1"), WallClock.INSTANCE);
      assertEquals("online", watcher.next(T).text());
      assertTrue(broker.disconnect("agent-1"), "network failure");
      assertEquals("offline", watcher.next(T).text(), "last will");
      assertEquals("online", watcher.next(T).text(), "back after reconnecting");
      hw.close();
      RawClient.Received bye = watcher.next(T);
      assertEquals("offline", bye.text());
      hw = null;
    }
    try (RawClient late = RawClient.connect(broker.uri(), "late").subscribe("telos/arm1/status", 1)) {
      RawClient.Received r = late.next(T);
      assertEquals("offline", r.text());
      assertTrue(r.message().isRetained());
    }
  }

  @Test
  void robotOfflineStatusMeansLost() throws Exception {
    start(Map.of(), WallClock.INSTANCE);
    RawClient robot = RawClient.connect(broker.uri(), "robot", "telos/arm1/robot_status", "offline");
    robot.publish("telos/arm1/robot_status", "online", 1, true);
    assertEquals(Health.OK, hw.health());
    assertTrue(broker.disconnect("robot"));
    Await.until("LOST after the robot's will", T, () -> hw.health() == Health.LOST);
    robot.close();
    try (RawClient back = RawClient.connect(broker.uri(), "robot", "telos/arm1/robot_status", "offline")) {
      back.publish("telos/arm1/robot_status", "online", 1, true);
      Await.until("OK once the robot is back", T, () -> hw.health() == Health.OK);
    }
  }

  @Test
  void estopReachesTheListeners() throws Exception {
    start(Map.of(), WallClock.INSTANCE);
    BlockingQueue<String> reasons = new LinkedBlockingQueue<>();
    hw.onEstop(reasons::add);
    try (RawClient button = RawClient.connect(broker.uri(), "button")) {
      button.publish("telos/arm1/estop", "{\"reason\":\"cell door opened\"}", 1, false);
      assertEquals("cell door opened", reasons.poll(5, TimeUnit.SECONDS));
      button.publish("telos/arm1/estop", new byte[0], 1, false, null); // ignored
      button.publish("telos/arm1/estop", "pressed", 1, false);
      assertEquals("pressed", reasons.poll(5, TimeUnit.SECONDS));
      assertEquals(2, hw.estops());
    }
  }

  @Test
  void objectPosesFromATrackerAreReportedUntilTheyGoStaleAndBadOnesAreRefused() throws Exception {
    ManualClock clock = new ManualClock();
    start(Map.of(), clock);
    java.util.List<String> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
    hw.onRejected(reported::add);
    assertTrue(hw.objects().isEmpty());
    try (RawClient tracker = RawClient.connect(broker.uri(), "tracker")) {
      tracker.publish("telos/arm1/objects", "{\"objects\":[{\"name\":\"puck\",\"position\":[0.5,-0.1,0.03]}]}", 0,
          false);
      var seen = Await.value("object poses", T, () -> hw.objects().isEmpty() ? null : hw.objects());
      assertEquals("puck", seen.get(0).name());
      assertEquals(clock.nanos(), seen.get(0).stampNs());
      tracker.publish("telos/arm1/objects", "{\"objects\":[{\"name\":\"puck\",\"position\":[NaN,0,0]}]}", 0,
          false);
      Await.until("refusal reported", T, () -> !reported.isEmpty());
      assertTrue(reported.get(0).startsWith("objects #1 refused: "), reported.get(0));
      assertEquals(0.5, hw.objects().get(0).xM(), "the last good poses stay");
      clock.now.addAndGet(MqttRobotHardware.OBJECTS_TIMEOUT_NS + 1);
      assertTrue(hw.objects().isEmpty(), "a tracker that went quiet is not trusted");
    }
  }
}
