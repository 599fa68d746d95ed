package io.telos.bridge.sim;

import static io.telos.bridge.sim.SimTesting.MS;
import static io.telos.bridge.sim.SimTesting.PLANAR2;
import static io.telos.bridge.sim.SimTesting.TELOS6;
import static io.telos.bridge.sim.SimTesting.command;
import static io.telos.bridge.sim.SimTesting.hold;
import static io.telos.bridge.sim.SimTesting.lockStep;
import static io.telos.bridge.sim.SimTesting.maxAbsError;
import static io.telos.bridge.sim.SimTesting.q;
import static io.telos.bridge.sim.SimTesting.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.JointState;
import io.telos.api.SimulatedClock;
import io.telos.api.WallClock;
import io.telos.api.spi.RobotHardware;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The hardware-interface side of the simulated arm: state, commands, time, threads. */
class SimulatedArmTest {

  @Test
  void publishesAStampedStateFromConstruction() {
    SimulatedClock clock = new SimulatedClock(5_000);
    try (SimulatedArm arm = new SimulatedArm("arm7", TELOS6, SimConfig.defaults(), clock, 1, true)) {
      JointState s0 = arm.read();
      assertNotNull(s0);
      assertEquals(TELOS6.jointNames(), s0.names());
      assertEquals(TELOS6.jointNames(), arm.jointNames());
      assertEquals("arm7", arm.robotId());
      assertEquals("sim/arm7", s0.header().source());
      assertEquals(0, s0.header().sequence());
      assertEquals(5_000, s0.header().stampNs());
      assertEquals(6, s0.velocity().size());
      assertEquals(6, s0.effort().size());
      arm.start(); // lock-step: no thread
      long seq = 0;
      for (int k = 0; k < 5; k++) {
        clock.advance(2 * MS);
        arm.step(2 * MS);
        JointState s = arm.read();
        assertTrue(s.header().sequence() > seq);
        seq = s.header().sequence();
        assertEquals(clock.nanos(), s.header().stampNs());
      }
      assertEquals(10, arm.stepCount());
      assertEquals(RobotHardware.Health.OK, arm.health());
    }
  }

  @Test
  void stepCarriesSubStepRemainders() {
    SimConfig c = SimConfig.defaults();
    try (SimulatedArm arm = lockStep(PLANAR2, c, 1)) {
      long seq = arm.read().header().sequence();
      arm.step(400_000); // 0.4 ms: no whole step yet, no new state
      assertEquals(0, arm.stepCount());
      assertEquals(seq, arm.read().header().sequence());
      arm.step(700_000); // 1.1 ms in total
      assertEquals(1, arm.stepCount());
      arm.step(2_900_000); // 4.0 ms in total
      assertEquals(4, arm.stepCount());
      assertEquals(4 * MS, arm.simTimeNs());
      arm.step(0);
      arm.step(-5);
      assertEquals(4, arm.stepCount());
    }
  }

  @Test
  void commandsAreMappedByJointName() {
    try (SimulatedArm arm = lockStep(PLANAR2, SimConfig.defaults(), 1)) {
      arm.write(command(List.of("joint2", "joint1"), new double[] {-0.4, 0.9}, new double[2]));
      run(arm, 1500);
      assertArrayEquals(new double[] {0.9, -0.4}, q(arm), 1e-3);
      assertEquals(1, arm.acceptedCommands());
      assertEquals(0, arm.rejectedCommands());
    }
  }

  @Test
  void malformedCommandsAreIgnoredAndCounted() {
    try (SimulatedArm arm = lockStep(PLANAR2, SimConfig.defaults(), 1)) {
      double[] good = {0.5, -0.5};
      arm.write(hold(arm, good));
      run(arm, 1000);
      arm.write(command(List.of("joint1", "elbow"), new double[] {2, 2}, new double[2])); // unknown name
      arm.write(command(List.of("joint1"), new double[] {2}, new double[1])); // missing joint
      arm.write(command(List.of("joint1", "joint1"), new double[] {2, 2}, new double[2])); // duplicate
      arm.write(command(arm.jointNames(), new double[] {Double.NaN, 2}, new double[2]));
      arm.write(command(arm.jointNames(), new double[] {2, 2}, new double[] {0, Double.POSITIVE_INFINITY}));
      arm.write(null);
      assertEquals(6, arm.rejectedCommands());
      assertEquals(1, arm.acceptedCommands());
      run(arm, 500);
      assertTrue(maxAbsError(q(arm), good) < 1e-3, "keeps holding the last valid command: " + Arrays.toString(q(arm)));
      assertEquals(RobotHardware.Health.OK, arm.health());
    }
  }

  @Test
  void sameSeedAndCommandsGiveBitIdenticalStates() {
    SimConfig noisy = SimConfig.defaults().withNoise(1e-3, 1e-2);
    long h1;
    long h2;
    long h3;
    // two live instances, interleaved step by step
    try (SimulatedArm a = lockStep(TELOS6, noisy, 42);
        SimulatedArm b = lockStep(TELOS6, noisy, 42)) {
      long[] h = SimTesting.runScript(new SimulatedArm[] {a, b});
      h1 = h[0];
      h2 = h[1];
    }
    // a third one later in the same JVM
    try (SimulatedArm c = lockStep(TELOS6, noisy, 42)) {
      h3 = SimTesting.runScript(new SimulatedArm[] {c})[0];
    }
    assertEquals(h1, h2);
    assertEquals(h1, h3);
    try (SimulatedArm d = lockStep(TELOS6, noisy, 43)) {
      assertNotEquals(h1, SimTesting.runScript(new SimulatedArm[] {d})[0], "another seed gives other noise");
    }
  }

  @Test
  void anotherJvmComputesTheSameStates() throws Exception {
    SimConfig noisy = SimConfig.defaults().withNoise(1e-3, 1e-2);
    long here;
    try (SimulatedArm a = lockStep(TELOS6, noisy, 42)) {
      here = SimTesting.runScript(new SimulatedArm[] {a})[0];
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        DeterminismProbe.class.getName(), "42")
        .redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    String last = out.lines().reduce((x, y) -> y).orElse("");
    assertEquals("hash=" + here, last, "state hash from a separate JVM");
  }

  @Test
  void noiseIsOnTheMeasurementOnly() {
    try (SimulatedArm arm = lockStep(PLANAR2, SimConfig.defaults().withNoise(0.01, 0.05), 7)) {
      run(arm, 10);
      JointState measured = arm.read();
      JointState truth = arm.groundTruth();
      assertNotEquals(truth.position(), measured.position());
      assertEquals(truth.header(), measured.header());
      assertTrue(maxAbsError(truth.position().toArray(), measured.position().toArray()) < 0.1);
    }
  }

  @Test
  void realTimeModeStepsOnItsOwnThreadAndStopsOnClose() throws Exception {
    SimulatedArm arm = new SimulatedArm("rt", PLANAR2, SimConfig.defaults(), WallClock.INSTANCE, 1, false);
    try {
      arm.start();
      arm.write(hold(arm, 0.3, 0.2));
      long t0 = System.nanoTime();
      Thread.sleep(400);
      double elapsedMs = (System.nanoTime() - t0) / 1e6;
      long steps = arm.stepCount();
      JointState s = arm.read();
      System.out.printf("real time: %d steps in %.0f ms wall, overruns %d%n", steps, elapsedMs, arm.overruns());
      assertTrue(steps > 0.25 * elapsedMs && steps < 1.2 * elapsedMs + 10, steps + " steps in " + elapsedMs + " ms");
      assertTrue(s.header().sequence() > 100);
      assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("telos-sim-rt")));
    } finally {
      arm.close();
    }
    long after = arm.stepCount();
    Thread.sleep(20);
    assertEquals(after, arm.stepCount(), "no stepping after close");
    assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("telos-sim-rt")));
    assertEquals(RobotHardware.Health.LOST, arm.health());
    assertNotNull(arm.read(), "the last state stays readable");
    arm.write(hold(arm, 0, 0)); // ignored, no throw
    arm.step(MS); // ignored, no throw
    arm.close(); // idempotent
    assertEquals(0, arm.linkPoses().length);
  }

  @Test
  void invalidInitialPositionsNameTheKey() {
    var e1 = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> lockStep(PLANAR2, SimConfig.defaults().withInitialPosition(0, 0, 0), 1));
    assertTrue(e1.getMessage().startsWith("bridge.initial_position: must have 2 entries"), e1.getMessage());
    var e2 = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> lockStep(PLANAR2, SimConfig.defaults().withInitialPosition(0, 3.0), 1));
    assertTrue(e2.getMessage().startsWith("bridge.initial_position[1]: must be within the limits of joint2"),
        e2.getMessage());
  }

  @Test
  void defaultInitialPositions() {
    assertArrayEquals(new double[] {0, -0.5, 1.2, -0.7, 1.57, 0}, SimulatedArm.defaultInitialPosition(TELOS6));
    assertArrayEquals(new double[] {0, 0}, SimulatedArm.defaultInitialPosition(PLANAR2));
    assertNull(SimConfig.defaults().initialPosition());
  }

  @Test
  void stepTime() {
    try (SimulatedArm arm = lockStep(TELOS6, SimConfig.defaults(), 1)) {
      double[] home = SimulatedArm.defaultInitialPosition(TELOS6);
      int warmup = 3000;
      int samples = 5000;
      long[] ns = new long[samples];
      for (int k = 0; k < warmup + samples; k++) {
        double[] pos = home.clone();
        pos[0] += 0.3 * Math.sin(k * 1e-3);
        arm.write(hold(arm, pos));
        long t0 = System.nanoTime();
        arm.step(MS);
        long dt = System.nanoTime() - t0;
        if (k >= warmup) {
          ns[k - warmup] = dt;
        }
      }
      Arrays.sort(ns);
      double mean = Arrays.stream(ns).average().orElse(0) / 1e3;
      double p50 = ns[samples / 2] / 1e3;
      double p99 = ns[(int) (samples * 0.99)] / 1e3;
      System.out.printf("telos6 step(1 ms) wall time: mean %.1f us, p50 %.1f us, p99 %.1f us (%d samples)%n",
          mean, p50, p99, samples);
      assertTrue(mean > 0);
    }
  }
}
