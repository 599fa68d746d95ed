package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.telos.api.Mode;
import io.telos.api.config.Settings;
import io.telos.api.spi.RobotHardware;
import io.telos.bridge.mqtt.Mosquitto;
import io.telos.bridge.sim.SimulatedArm;
import io.telos.runtime.AgentRuntime;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lost peers end to end, through the real wire: the agent runs the demo against the standalone
 * simulated arm; after the first goal the peer disappears (Mosquitto stopped, or the robot's DDS
 * participant gone), the test waits until the safety kernel is holding the arm, brings the peer
 * back, and the run must finish: the fault recorded, no limit violation, the agent back in
 * autonomy by itself, the remaining targets reached.
 */
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hung native peer fails, not blocks
class BridgeFaultsIT {
  private static final int TARGETS = 3;

  @TempDir
  Path dir;

  @Test
  void demoOverMosquittoSurvivesABrokerRestart() throws Exception {
    assumeTrue(Mosquitto.available(), "Debian mosquitto is not installed");
    Mosquitto broker = new Mosquitto(dir);
    int port = broker.port;
    AtomicReference<Mosquitto> current = new AtomicReference<>(broker);
    try (SimRobotCommand.Standalone robot = SimRobotCommand.Standalone.start("arm1", "builtin:telos6", broker.uri(), 0, 42)) {
      assertTrue(robot.mqtt().awaitConnected(10, TimeUnit.SECONDS), "sim robot connected to Mosquitto");
      LaunchSpec spec = demoOver(Map.of("type", "mqtt", "broker", broker.uri()));
      Outage outage = new Outage();
      CompletableFuture<RunReport> run = outage.start(spec);

      outage.awaitFirstGoal();
      long appliedBefore = robot.mqtt().commandsApplied();
      current.getAndSet(null).close(); // the broker goes away
      outage.awaitHolding();
      current.set(new Mosquitto(dir, port)); // and comes back where it was
      assertTrue(robot.mqtt().awaitConnected(15, TimeUnit.SECONDS), "sim robot reconnected");

      RunReport r = run.get(3, TimeUnit.MINUTES);
      outage.assertRecovered(r);
      assertTrue(robot.mqtt().commandsApplied() > appliedBefore + 500,
          "the robot executes the agent's commands again after the restart");
      assertEquals(0, robot.mqtt().commandsRejected(), "the robot rejected commands: " + robot.mqtt().lastRejection());
    } finally {
      Mosquitto m = current.get();
      if (m != null) {
        m.close();
      }
    }
  }

  @Test
  void badInputOnTheWireIsRefusedWithAFaultAndTheRunGoesOn() throws Exception {
    assumeTrue(Mosquitto.available(), "Debian mosquitto is not installed");
    Path pub = Path.of("/usr/bin/mosquitto_pub");
    assumeTrue(java.nio.file.Files.isExecutable(pub), "Debian mosquitto-clients is not installed");
    try (Mosquitto broker = new Mosquitto(dir);
        SimRobotCommand.Standalone robot = SimRobotCommand.Standalone.start("arm1", "builtin:telos6", broker.uri(), 0, 42)) {
      assertTrue(robot.mqtt().awaitConnected(10, TimeUnit.SECONDS), "sim robot connected to Mosquitto");
      LaunchSpec spec = demoOver(Map.of("type", "mqtt", "broker", broker.uri()));
      Outage outage = new Outage();
      CompletableFuture<RunReport> run = outage.start(spec);
      outage.awaitFirstGoal();
      for (String bad : new String[] {
          "{\"name\":[\"j1\",\"j2\"", // malformed JSON
          "{\"name\":[\"shoulder_pan\"],\"position\":[NaN]}", // NaN, missing joints
          "{\"name\":[\"x1\",\"x2\",\"x3\",\"x4\",\"x5\",\"x6\"],\"position\":[0,0,0,0,0,0]}"}) { // unknown joints
        Process p = new ProcessBuilder(pub.toString(), "-h", "127.0.0.1", "-p", Integer.toString(broker.port), "-V",
            "mqttv5", "-t", "telos/arm1/state", "-m", bad).redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mosquitto_pub");
      }
      RunReport r = run.get(3, TimeUnit.MINUTES);
      assertTrue(r.faults().getOrDefault("BAD_INPUT", 0L) >= 2, "refusals reported as faults: " + r.faults());
      assertEquals(0, r.commandViolations(), "commands outside limits");
      assertEquals(TARGETS, r.outcomes().size(), r.outcomes().toString());
      assertTrue(r.reached() >= TARGETS - 1, "the run went on: " + r.outcomes() + " faults " + r.faults());
      assertEquals(0, r.faults().getOrDefault("TRACKING_ERROR", 0L), "no protective stop: " + r.faults());
    }
  }

  @Test
  void demoOverRos2SurvivesTheRobotDriverLeavingDds() throws Exception {
    int domain = 90 + (int) (ProcessHandle.current().pid() % 50);
    Ros2SimRobot robot = Ros2SimRobot.start("arm1", "builtin:telos6", domain, true, 42);
    try {
      LaunchSpec spec = demoOver(Map.of("type", "ros2", "domain_id", domain, "loopback_only", true));
      Outage outage = new Outage();
      CompletableFuture<RunReport> run = outage.start(spec);

      outage.awaitFirstGoal();
      SimulatedArm arm = robot.detach(); // the driver's participant leaves; the arm stays where it is
      outage.awaitHolding();
      robot = Ros2SimRobot.attach(arm, "arm1", domain, true);

      RunReport r = run.get(3, TimeUnit.MINUTES);
      outage.assertRecovered(r);
      assertTrue(robot.commandsApplied() > 500, "the restarted driver executes the agent's commands");
    } finally {
      robot.close();
    }
  }

  /** Runs a session on another thread and exposes the moments a fault scenario waits for. */
  private static final class Outage {
    final AtomicReference<ObservedHardware> hardware = new AtomicReference<>();
    final CountDownLatch firstGoal = new CountDownLatch(1);
    volatile long holdWritesAtOutage;

    CompletableFuture<RunReport> start(LaunchSpec spec) {
      return CompletableFuture.supplyAsync(() -> {
        try {
          return Session.run(spec, parts -> {
            ObservedHardware observed = new ObservedHardware(parts.hardware());
            hardware.set(observed);
            return withHardware(parts, observed);
          }, o -> firstGoal.countDown(), Duration.ofMinutes(3), -1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      });
    }

    void awaitFirstGoal() throws InterruptedException {
      assertTrue(firstGoal.await(2, TimeUnit.MINUTES), "first goal ended");
      holdWritesAtOutage = hardware.get().writes(Mode.HOLD);
    }

    /** Until the bridge reports the lost peer and the safety kernel has written commands in HOLD since. */
    void awaitHolding() {
      until("the bridge reports the lost peer", Duration.ofSeconds(10),
          () -> hardware.get().health() != RobotHardware.Health.OK);
      until("the safety kernel holds the arm", Duration.ofSeconds(10),
          () -> hardware.get().writes(Mode.HOLD) > holdWritesAtOutage + 10);
    }

    void assertRecovered(RunReport r) {
      assertEquals(TARGETS, r.outcomes().size(), r.outcomes().toString());
      assertTrue(r.faults().getOrDefault("STATE_STALE", 0L) >= 1, "the lost peer was reported: " + r.faults());
      assertEquals(0, r.commandViolations(), "commands outside limits");
      assertTrue(r.reached() >= TARGETS - 1, "reached " + r.reached() + " of " + TARGETS + ": " + r.outcomes()
          + " faults " + r.faults());
      assertEquals(Mode.AUTONOMOUS, hardware.get().lastWritten(), "back in autonomy: " + hardware.get().writes());
      assertEquals(0, r.faults().getOrDefault("TRACKING_ERROR", 0L), "no protective stop: " + r.faults());
    }
  }

  /** The demo's first targets over the given bridge, without episodic memory. */
  private static LaunchSpec demoOver(Map<String, Object> bridge) {
    return Telos.demoSpec("wall", 42L, TARGETS).withBridge(new Settings("bridge", bridge))
        .withMemory(new Settings("memory", Map.of("type", "none")));
  }

  private static AgentRuntime.Parts withHardware(AgentRuntime.Parts p, RobotHardware hw) {
    return p.withHardware(hw);
  }

  private static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
      }
      LockSupport.parkNanos(1_000_000);
    }
  }
}
