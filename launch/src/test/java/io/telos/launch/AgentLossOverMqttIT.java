package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.JointState;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A robot whose agent dies holds by itself: the simulated arm behind its MQTT driver (this JVM,
 * embedded broker) is driven in real time by an agent in another JVM; the agent is killed with
 * {@code kill -9} while the arm moves, and the arm must come to rest within the command expiry the
 * bridge stamps on every command (its deadman, {@code command_expiry_s: 1}) and stay there — what
 * a member of a fleet that crashes leaves behind. Prints the time from the kill to rest.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AgentLossOverMqttIT {
  private static final double MOVING_RAD_S = 0.05;
  private static final double REST_RAD_S = 1e-3;

  @Test
  void theArmOfAKilledAgentHoldsWithinItsCommandExpiry(@TempDir Path dir) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (SimRobotCommand.Standalone robot = SimRobotCommand.Standalone.start("arm1", "builtin:telos6", "embedded",
        port, 7)) {
      assertTrue(robot.mqtt().awaitConnected(10, TimeUnit.SECONDS), "the driver is on its broker");
      Path file = dir.resolve("agent.yaml");
      Files.writeString(file, """
          robot: { id: arm1, description: "builtin:telos6" }
          clock: wall
          bridge: { type: mqtt, broker: "%s", command_expiry_s: 1 }
          planner: { type: mppi, rate_hz: 50 }
          safety: { rate_hz: 1000 }
          task: { type: reach_random, count: 100, tolerance_m: 0.01, timeout_s: 8, settle_s: 0.1 }
          memory: { type: none }
          """.formatted(robot.mqtt().brokerUri()));
      Process agent = TelosProcess.builder("512m", List.of("run", file.toString()), dir.resolve("agent.log")).start();
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (speed(robot.arm().groundTruth()) < MOVING_RAD_S) { // the agent drives the arm
          assertTrue(agent.isAlive() && System.nanoTime() < deadline, "the arm moves under the agent:\n"
              + Files.readString(dir.resolve("agent.log")));
          Thread.sleep(5);
        }
        long killed = System.nanoTime();
        agent.destroyForcibly();
        List<double[]> samples = new ArrayList<>(); // {t since kill s, speed, q...}
        while (System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(4)) {
          JointState js = robot.arm().groundTruth();
          double[] row = new double[2 + js.position().size()];
          row[0] = (System.nanoTime() - killed) / 1e9;
          row[1] = speed(js);
          for (int i = 0; i < js.position().size(); i++) {
            row[2 + i] = js.position().get(i);
          }
          samples.add(row);
          Thread.sleep(5);
        }
        int rest = restIndex(samples);
        assertTrue(rest >= 0, "the arm came to rest after the kill; last speed " + samples.getLast()[1]);
        double restS = samples.get(rest)[0];
        double drift = 0;
        for (double[] row : samples.subList(rest, samples.size())) {
          for (int i = 2; i < row.length; i++) {
            drift = Math.max(drift, Math.abs(row[i] - samples.get(rest)[i]));
          }
        }
        System.out.printf("[AgentLossOverMqttIT] moving at %.3f rad/s when the agent was killed; at rest after %.0f ms;"
            + " drift afterwards %.2e rad over %.1f s%n", samples.getFirst()[1], restS * 1000, drift,
            samples.getLast()[0] - restS);
        assertTrue(restS <= 1.5, "at rest within the 1 s command expiry (+ braking): " + restS + " s");
        assertTrue(drift < 1e-3, "holds where it stopped: drift " + drift + " rad");
      } finally {
        agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** The largest joint speed, rad/s. */
  private static double speed(JointState js) {
    double m = 0;
    for (int i = 0; i < js.velocity().size(); i++) {
      m = Math.max(m, Math.abs(js.velocity().get(i)));
    }
    return m;
  }

  /** The first sample from which the arm stays below {@link #REST_RAD_S}, or -1. */
  private static int restIndex(List<double[]> samples) {
    int rest = -1;
    for (int k = 0; k < samples.size(); k++) {
      if (samples.get(k)[1] >= REST_RAD_S) {
        rest = -1;
      } else if (rest < 0) {
        rest = k;
      }
    }
    return rest;
  }
}
