package io.telos.launch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The slow ros2_control-style driver of the ROS 2 bridge's tests ({@code
 * bridges/bridge-ros2/src/test/cyclone/lag_driver.c}, Eclipse Cyclone DDS in C) as a separate
 * process: built here with idlc and gcc, started on a DDS domain with unicast discovery on
 * 127.0.0.1, stopped by closing its stdin.
 */
final class LagDriver implements AutoCloseable {

  private final Process process;
  private final AtomicLong taken = new AtomicLong();
  private final List<String> log = new ArrayList<>();
  private final CountDownLatch ready = new CountDownLatch(1);

  /** Whether Debian's cyclonedds-dev, cyclonedds-tools and gcc are installed and the C source is here. */
  static boolean available() {
    return CyclonePeers.available("lag_driver");
  }

  /** Builds the driver once per test JVM (idlc types, gcc) with a loopback Cyclone configuration. */
  static Path build() throws IOException, InterruptedException {
    return CyclonePeers.build("lag_driver");
  }

  /**
   * Starts the driver and returns once it says it is ready (its DDS entities exist).
   *
   * @param vmax speed ceiling, rad/s; infinite for none
   */
  static LagDriver start(int domain, double lagS, double deadTimeMs, double vmax, List<String> joints, double[] q0,
      double rateHz) throws IOException, InterruptedException {
    Path dir = build();
    List<String> cmd = List.of(dir.resolve("lag_driver").toString(), Integer.toString(domain), "900",
        Double.toString(lagS), Double.toString(deadTimeMs), Double.isInfinite(vmax) ? "inf" : Double.toString(vmax),
        String.join(",", joints), Arrays.stream(q0).mapToObj(Double::toString).collect(Collectors.joining(",")),
        Double.toString(rateHz));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("CYCLONEDDS_URI", "file://" + dir.resolve("cyclonedds.xml"));
    LagDriver d = new LagDriver(pb.start());
    if (!d.ready.await(20, TimeUnit.SECONDS)) {
      d.close();
      throw new IllegalStateException("lag_driver did not get ready: " + d.log());
    }
    return d;
  }

  private LagDriver(Process process) {
    this.process = process;
    Thread.ofPlatform().daemon(true).name("lag-driver-out").start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          if (l.startsWith("cmd ")) {
            taken.incrementAndGet();
          } else {
            if (l.equals("ready")) {
              ready.countDown();
            }
            synchronized (log) {
              log.add(l);
            }
          }
        }
      } catch (IOException e) {
        // the process ended
      }
    });
  }

  /** Commands the driver has taken off DDS. */
  long commandsTaken() {
    return taken.get();
  }

  /** What the driver printed besides the commands it took. */
  String log() {
    synchronized (log) {
      return String.join("\n", log);
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "lag_driver pid %d", process.pid());
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close(); // the driver exits when its stdin closes
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
