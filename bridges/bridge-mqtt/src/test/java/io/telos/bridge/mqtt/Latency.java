package io.telos.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.Mode;
import io.telos.api.Vec;
import io.telos.api.WallClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Measures, through a broker: (1) a state, robot → broker → agent {@code read()} (one way, the
 * agent stamps on arrival); (2) a command → a robot that echoes its position as a state → agent
 * {@code read()} (round trip). QoS 0, one message in flight. Figures only, no assertion on time.
 */
final class Latency {
  private static final List<String> JOINTS = List.of("j1", "j2", "j3");
  private static final Duration T = Duration.ofSeconds(5);

  private Latency() {}

  static List<String> measure(String uri, String label) throws Exception {
    int warmup = 500;
    int n = 3000;
    try (MqttRobotHardware hw = new MqttRobotHardware("arm1", JOINTS,
            MqttConfig.parse("arm1", Map.of("broker", uri, "client_id", "latency-agent")), WallClock.INSTANCE);
        RawClient robot = RawClient.connect(uri, "latency-robot").subscribe("telos/arm1/command", 0)) {
      hw.start();
      assertTrue(hw.awaitConnected(5, TimeUnit.SECONDS));

      long[] oneWay = new long[n];
      for (int i = 0; i < warmup + n; i++) {
        JointState before = hw.read();
        long sent = System.nanoTime();
        robot.publish("telos/arm1/state", "{\"stamp_ns\":" + i + ",\"name\":[\"j1\",\"j2\",\"j3\"],\"position\":["
            + i + ",0,0]}", 0, false);
        JointState s = Await.value("state " + i, T, () -> hw.read() == before ? null : hw.read());
        if (i >= warmup) {
          oneWay[i - warmup] = s.header().stampNs() - sent;
        }
      }

      JointJson decoder = new JointJson(JOINTS);
      Thread echo = Thread.ofPlatform().daemon(true).start(() -> {
        try {
          while (!Thread.currentThread().isInterrupted()) {
            RawClient.Received r = robot.received.take();
            JointJson.Command c = decoder.decodeCommand(r.message().getPayload());
            robot.client.publish("telos/arm1/state", ("{\"stamp_ns\":" + c.stampNs()
                + ",\"name\":[\"j1\",\"j2\",\"j3\"],\"position\":[" + c.position()[0] + ",0,0]}")
                .getBytes(StandardCharsets.UTF_8), 0, false);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      long[] roundTrip = new long[n];
      try {
        for (int i = 0; i < warmup + n; i++) {
          double q = 100_000 + i;
          long sent = System.nanoTime();
          hw.write(new JointCommand(new Header(i, sent, "safety/arm1", ""), JOINTS, Vec.of(q, 0, 0), Vec.zeros(3),
              Mode.AUTONOMOUS));
          long deadline = sent + T.toNanos();
          while (hw.read().position().get(0) != q) { // yield, not park: a park would quantise the figure
            assertTrue(System.nanoTime() < deadline, "echo " + i + " timed out");
            Thread.yield();
          }
          if (i >= warmup) {
            roundTrip[i - warmup] = System.nanoTime() - sent;
          }
        }
      } finally {
        echo.interrupt();
      }
      return List.of(figure(label, "state robot->agent (one way)", oneWay),
          figure(label, "command->echoed state (round trip)", roundTrip));
    }
  }

  private static String figure(String label, String what, long[] ns) {
    long[] s = ns.clone();
    Arrays.sort(s);
    return String.format(Locale.ROOT, "MQTT latency via %s, %s: n=%d p50=%d us p90=%d us p99=%d us max=%d us", label,
        what, s.length, s[s.length / 2] / 1000, s[(int) (s.length * 0.9)] / 1000, s[(int) (s.length * 0.99)] / 1000,
        s[s.length - 1] / 1000);
  }
}
