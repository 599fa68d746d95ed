package io.telos.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.telos.api.JointState;
import io.telos.api.WallClock;
import io.telos.bridge.common.BenchStats;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, not a timed assertion: a 1 kHz stream of 6-joint states (QoS 0) through a real
 * Mosquitto into (a) the native pair's subscriber and (b) {@link MqttRobotHardware} ({@code read()}
 * sees the new state). The native pair is a libmosquitto C publisher and subscriber (two processes,
 * built by the test with gcc; needs {@code libmosquitto-dev}); without the header both the baseline
 * and the bridge's feed are raw Paho clients in this JVM (said so in the table). One-way latency
 * from the sender's monotonic clock in {@code stamp_ns} (checked to be {@code System.nanoTime()}'s
 * clock). {@code -Dtelos.bench.paho=true} forces the Paho baseline. {@code -Dtelos.bench.n} changes the measured count (default 5000, after 500 warm-up).
 */
@Timeout(90)
class MqttBenchIT {
  private static final List<String> JOINTS = List.of("j1", "j2", "j3", "j4", "j5", "j6");
  private static final String TOPIC = "telos/bench/state";
  private static final int WARMUP = 500;
  private static final int N = Integer.getInteger("telos.bench.n", 5000);
  private static final int TOTAL = WARMUP + N;
  private static final int RATE_HZ = 1000;
  private static final Path SRC = Path.of("src/test/c/mqtt_bench.c");

  @TempDir
  Path dir;
  private Mosquitto mosquitto;

  @BeforeEach
  void needsMosquitto() {
    assumeTrue(Mosquitto.available(), "needs the Debian package mosquitto");
  }

  @AfterEach
  void stopBroker() {
    if (mosquitto != null) {
      mosquitto.close();
    }
  }

  /** A child process whose stdout lines are queued. */
  private static final class Peer implements AutoCloseable {
    final Process process;
    final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

    Peer(String... cmd) throws IOException {
      process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      Thread.ofPlatform().daemon(true).start(() -> {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String l;
          while ((l = r.readLine()) != null) {
            lines.add(l);
          }
        } catch (IOException e) {
          // ended
        }
      });
    }

    String await(String prefix, long timeoutS) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
      while (true) {
        String l = lines.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        assertNotNull(l, () -> "no '" + prefix + "' from " + process.info().commandLine().orElse("peer"));
        if (l.startsWith(prefix)) {
          return l;
        }
      }
    }

    @Override
    public void close() throws InterruptedException {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private static String state(long seq, long sentNs) {
    return "{\"stamp_ns\":" + sentNs + ",\"name\":[\"j1\",\"j2\",\"j3\",\"j4\",\"j5\",\"j6\"],\"position\":[" + seq
        + "," + sentNs + "," + (seq % 1000) / 1000.0 + ",0,0,0],\"velocity\":[0,0,0,0,0,0],\"effort\":[]}";
  }

  /** Builds the C pair, or returns null when libmosquitto's header or gcc is missing. */
  private String buildNative() throws Exception {
    if (Boolean.getBoolean("telos.bench.paho") || !Files.exists(Path.of("/usr/include/mosquitto.h")) || !Files.isExecutable(Path.of("/usr/bin/gcc"))) {
      return null;
    }
    Path exe = dir.resolve("mqtt_bench");
    Process p = new ProcessBuilder("gcc", "-O2", "-o", exe.toString(), SRC.toAbsolutePath().toString(),
        "-lmosquitto").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), () -> "gcc failed:\n" + out);
    return exe.toString();
  }

  private static boolean sharedClock(String exe) throws Exception {
    Process p = new ProcessBuilder(exe, "clock").start();
    try (OutputStream in = p.getOutputStream();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (int i = 0; i < 20; i++) {
        long t0 = System.nanoTime();
        in.write('\n');
        in.flush();
        long c = Long.parseLong(out.readLine().trim());
        long t1 = System.nanoTime();
        if (c < t0 || c > t1) {
          System.out.printf("clock check: C CLOCK_MONOTONIC %d not within System.nanoTime [%d, %d]%n", c, t0, t1);
          return false;
        }
      }
      System.out.println("clock check: C CLOCK_MONOTONIC within System.nanoTime brackets 20/20");
      return true;
    } finally {
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** Publishes the stream with a raw Paho client in this JVM, absolute-deadline pacing. */
  private static long pahoPublish(String uri) throws Exception {
    try (RawClient pub = RawClient.connect(uri, "telos-bench-paho-pub")) {
      long period = 1_000_000_000L / RATE_HZ;
      long next = System.nanoTime() + 50_000_000L;
      for (int i = 0; i < TOTAL; i++) {
        long wait;
        while ((wait = next - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        long now = System.nanoTime();
        pub.client.publish(TOPIC, new MqttMessage(state(i, now).getBytes(StandardCharsets.UTF_8), 0, false, null));
        next += period;
      }
      Thread.sleep(200);
      return TOTAL;
    }
  }

  /**
   * Run twice: with Mosquitto's defaults, and with {@code set_tcp_nodelay true} (Nagle off on the
   * broker's sockets). With Nagle on, a 1 kHz stream of small messages occasionally stalls ~40 ms
   * behind a delayed ACK; the bridge turns Nagle off on its own socket, but the broker's side is
   * the broker's configuration.
   */
  @ParameterizedTest(name = "set_tcp_nodelay={0}")
  @ValueSource(booleans = {false, true})
  void jointStates1kHzBridgeVersusNativePair(boolean brokerNoDelay) throws Exception {
    mosquitto = brokerNoDelay ? new Mosquitto(dir, "set_tcp_nodelay true") : new Mosquitto(dir);
    long began = System.nanoTime();
    String exe = buildNative();
    if (exe != null) {
      assumeTrue(sharedClock(exe), "C CLOCK_MONOTONIC and System.nanoTime() are not the same clock here");
    }
    String pubName = exe != null ? "libmosquitto C pub" : "Paho raw pub";
    BenchStats stats = new BenchStats(String.format(
        "MQTT joint states (JSON, ~%d B), 6 joints, %d Hz, %d measured after %d warm-up, QoS 0, Mosquitto%s, loopback,"
            + " %d cores%s", state(TOTAL, System.nanoTime()).length(), RATE_HZ, N, WARMUP,
        brokerNoDelay ? " (set_tcp_nodelay true)" : " (default config)",
        Runtime.getRuntime().availableProcessors(),
        exe != null ? "" : " (baseline: raw Paho -> raw Paho, not the libmosquitto C pair)"));
    String port = Integer.toString(mosquitto.port);
    String total = Integer.toString(TOTAL);

    // (a) the native pair
    long[] nativeLat = new long[N];
    int nativeN = 0;
    long nativeReceived;
    if (exe != null) {
      try (Peer sub = new Peer(exe, "sub", port, TOPIC, total, Integer.toString(WARMUP))) {
        sub.await("ready", 10);
        try (Peer pub = new Peer(exe, "pub", port, TOPIC, total, Integer.toString(RATE_HZ))) {
          pub.await("sent", 30);
        }
        String l;
        while (!(l = sub.await("", 10)).startsWith("received")) {
          nativeLat[nativeN++] = Long.parseLong(l.split(" ")[1]);
        }
        nativeReceived = Long.parseLong(l.substring("received ".length()).trim());
      }
    } else {
      AtomicInteger count = new AtomicInteger();
      AtomicLong received = new AtomicLong();
      boolean[] seen = new boolean[N];
      try (RawClient sub = new RawClient(mosquitto.uri(), "telos-bench-paho-sub")) {
        sub.client.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
          @Override
          public void messageArrived(String topic, MqttMessage m) {
            long now = System.nanoTime();
            String s = new String(m.getPayload(), StandardCharsets.UTF_8);
            int a = s.indexOf("\"stamp_ns\":") + 11;
            long sent = Long.parseLong(s, a, s.indexOf(',', a), 10);
            int b = s.indexOf("\"position\":[") + 12;
            int seq = Integer.parseInt(s, b, s.indexOf(',', b), 10);
            received.incrementAndGet();
            if (seq >= WARMUP && seq < TOTAL && !seen[seq - WARMUP]) {
              seen[seq - WARMUP] = true;
              nativeLat[count.getAndIncrement()] = now - sent;
            }
          }

          @Override
          public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse r) {}

          @Override
          public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException e) {}

          @Override
          public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken t) {}

          @Override
          public void connectComplete(boolean reconnect, String uri) {}

          @Override
          public void authPacketArrived(int rc, org.eclipse.paho.mqttv5.common.packet.MqttProperties p) {}
        });
        org.eclipse.paho.mqttv5.client.MqttConnectionOptions o = new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
        o.setCleanStart(true);
        sub.client.connect(o).waitForCompletion(5000);
        sub.subscribe(TOPIC, 0);
        pahoPublish(mosquitto.uri());
        Await.until("paho stream drained", Duration.ofSeconds(5), () -> received.get() >= TOTAL || seen[N - 1]);
      }
      nativeN = count.get();
      nativeReceived = received.get();
    }
    BenchStats.Row nativeRow = stats.add(pubName + " -> " + (exe != null ? "libmosquitto C sub" : "Paho raw sub"),
        nativeLat, nativeN, TOTAL, nativeReceived);

    // (b) the same publisher -> Mosquitto -> MqttRobotHardware, read() polled with yield
    long[] readLat = new long[N];
    long[] stampLat = new long[N];
    int[] seen = new int[1];
    long accepted;
    try (MqttRobotHardware hw = new MqttRobotHardware("bench", JOINTS,
        MqttConfig.parse("bench", Map.of("broker", mosquitto.uri(), "client_id", "telos-bench-agent")),
        WallClock.INSTANCE)) {
      hw.start();
      assertTrue(hw.awaitConnected(10, TimeUnit.SECONDS), "bridge connect");
      try (RawClient probe = RawClient.connect(mosquitto.uri(), "telos-bench-probe")) {
        Await.until("bridge subscribed", Duration.ofSeconds(10), () -> {
          try {
            probe.publish(TOPIC, state(-1, System.nanoTime()), 0, false);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          LockSupport.parkNanos(20_000_000L);
          return hw.read() != null;
        });
      }
      long before = hw.acceptedStates();
      int[] lastSeq = {-1};
      boolean[] stop = {false};
      Thread poller = Thread.ofPlatform().name("bench-poller").start(() -> {
        JointState last = hw.read();
        while (!stop[0]) {
          JointState s = hw.read();
          if (s != last) {
            long now = System.nanoTime();
            last = s;
            int seq = (int) s.position().get(0);
            long sent = (long) s.position().get(1);
            if (seq >= WARMUP && seq < TOTAL) {
              readLat[seen[0]] = now - sent;
              stampLat[seen[0]] = s.header().stampNs() - sent;
              seen[0]++;
            }
            synchronized (lastSeq) {
              lastSeq[0] = seq;
            }
          } else {
            Thread.yield();
          }
        }
      });
      if (exe != null) {
        try (Peer pub = new Peer(exe, "pub", port, TOPIC, total, Integer.toString(RATE_HZ))) {
          pub.await("sent", 30);
        }
      } else {
        pahoPublish(mosquitto.uri());
      }
      long end = System.nanoTime() + 2_000_000_000L;
      while (System.nanoTime() < end) {
        synchronized (lastSeq) {
          if (lastSeq[0] == TOTAL - 1) {
            break;
          }
        }
        Thread.sleep(5);
      }
      stop[0] = true;
      poller.join();
      accepted = hw.acceptedStates() - before;
      assertEquals(0, hw.rejectedStates(), () -> "rejected: " + hw.lastRejection());
    }
    BenchStats.Row bridgeRow = stats.add(pubName + " -> bridge read() (poll+yield)", readLat, seen[0], TOTAL,
        accepted);
    stats.add(pubName + " -> bridge arrival stamp", stampLat, seen[0], TOTAL, accepted);
    System.out.print(stats.table(bridgeRow, nativeRow));
    System.out.printf("bridge: %d of %d measured states seen by read() (others overwritten before the poll);"
        + " bench took %.1f s%n", seen[0], N, (System.nanoTime() - began) / 1e9);

    assertTrue(nativeN > N / 2 && nativeRow.lossPct() < 50, "native pair lost most of the stream");
    assertTrue(seen[0] > N / 2 && bridgeRow.lossPct() < 50, "bridge lost most of the stream");
  }
}
