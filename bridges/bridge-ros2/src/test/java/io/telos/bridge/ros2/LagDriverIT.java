package io.telos.bridge.ros2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.telos.model.ActuatorResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A slow ros2_control-style driver that is not Java: {@code src/test/cyclone/lag_driver.c} on
 * Cyclone DDS, built by the test with idlc and gcc (skipped without Debian's cyclonedds-dev,
 * cyclonedds-tools and gcc). Checks that the C filter is {@link ActuatorResponse.Filter} (its own
 * self-check, then the Java filter on the same command sequences), and that a step command sent
 * over DDS comes back on {@code /joint_states} with the driver's time constant, dead time and speed
 * ceiling, measured from the stream.
 */
@Timeout(180)
class LagDriverIT {

  private static void assumeCyclone() {
    assumeTrue(CycloneDdsInteropIT.onPath("idlc") && CycloneDdsInteropIT.onPath("gcc")
        && Files.exists(Path.of("/usr/include/dds/dds.h")),
        "needs Debian packages cyclonedds-dev cyclonedds-tools libcycloneddsidl0 and gcc");
  }

  /** Builds the Cyclone programs (types, fake driver, config) and the lag driver next to them. */
  static Path build() throws IOException, InterruptedException {
    Path dir = CycloneDdsInteropIT.build();
    CycloneDdsInteropIT.run(dir, "gcc", "-O2", "-Wall", "-o", "lag_driver",
        CycloneDdsInteropIT.SRC.toAbsolutePath().resolve("lag_driver.c").toString(), "ros2_types.c", "-I.",
        "-lddsc", "-lm");
    return dir;
  }

  private static String output(Process p, String stdin) throws IOException, InterruptedException {
    try (Writer w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
      w.write(stdin);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "lag_driver did not exit");
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  @Test
  void theCFilterIsTheActuatorResponseFilter() throws Exception {
    assumeCyclone();
    Path dir = build();
    String self = output(new ProcessBuilder(dir.resolve("lag_driver").toString(), "--self-check")
        .redirectErrorStream(true).start(), "");
    assertEquals("self-check ok", self.trim());

    // lag s, dead time ms, max velocity, step s, q0
    double[][] cases = {
      {0.05, 20, Double.POSITIVE_INFINITY, 1e-3, 0.1},
      {0.08, 7.5, 1.0, 1e-3, -0.3},
      {0.3, 0, 0.4, 2e-3, 0},
      {0, 2.5, Double.POSITIVE_INFINITY, 1e-3, 0},
      {0.02, 9, 3.0, 1e-4, 1.2},
    };
    for (double[] c : cases) {
      int steps = 1500;
      double[] command = new double[steps];
      StringBuilder in = new StringBuilder();
      for (int k = 0; k < steps; k++) {
        double t = k * c[3];
        command[k] = k < 100 ? c[4] : k < 500 ? c[4] + 0.8 : k < 900 ? c[4] - 0.5 + 0.001 * k : 0.6 * Math.sin(9 * t);
        in.append(Double.toString(command[k])).append('\n');
      }
      String v = Double.isInfinite(c[2]) ? "inf" : Double.toString(c[2]);
      Process p = new ProcessBuilder(dir.resolve("lag_driver").toString(), "--filter", Double.toString(c[0]),
          Double.toString(c[1]), v, Double.toString(c[3]), Double.toString(c[4])).start();
      List<String> lines = output(p, in.toString()).lines().toList();
      assertEquals(steps, lines.size());
      ActuatorResponse.Filter f = ActuatorResponse.uniform(1, c[0], c[1] / 1e3, c[2]).filter(c[3], new double[] {c[4]});
      double worst = 0;
      for (int k = 0; k < steps; k++) {
        f.step(new double[] {command[k]});
        worst = Math.max(worst, Math.abs(Double.parseDouble(lines.get(k)) - f.position(0)));
      }
      assertTrue(worst < 1e-12, "C and Java filters differ by " + worst + " for lag " + c[0] + " s, dead "
          + c[1] + " ms, max velocity " + v + ", step " + c[3] + " s");
    }
  }

  /**
   * Joint j1 steps by 0.02 rad (onset speed 0.25 rad/s, under the 1 rad/s ceiling: a pure lag),
   * joint j2 by 1 rad (the ceiling limits it to a ramp). From the joint_states stream: the fitted
   * time constant and the onset (dead time) of j1, every sample of both against the closed forms,
   * and j2's speed.
   */
  @Test
  void aStepOverDdsShowsTheDriversLagDeadTimeAndCeiling() throws Exception {
    assumeCyclone();
    Path dir = build();
    double tau = 0.08;
    double deadMs = 40;
    double vmax = 1.0;
    double rateHz = 1000;
    double h = 1 / rateHz;
    int domain = Domains.next();
    ProcessBuilder pb = new ProcessBuilder(dir.resolve("lag_driver").toString(), Integer.toString(domain), "120",
        Double.toString(tau), Double.toString(deadMs), Double.toString(vmax), "j1,j2", "0,0",
        Double.toString(rateHz)).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("CYCLONEDDS_URI", "file://" + dir.resolve("cyclonedds.xml"));
    Process driver = pb.start();
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    // {n, nominal stamp of the tick that took it, wall time it was taken (ns), bits of its first value}
    List<long[]> taken = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread.ofPlatform().daemon(true).start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          if (l.startsWith("cmd ")) {
            String[] f = l.split(" ");
            taken.add(new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                Double.doubleToLongBits(Double.parseDouble(f[4]))});
          } else {
            lines.add(l);
          }
        }
      } catch (IOException e) {
        // process ended
      }
    });
    ConcurrentSkipListMap<Long, double[]> stream = new ConcurrentSkipListMap<>(); // stamp ns -> {q1, q2, v1, v2}
    AtomicLong newest = new AtomicLong();
    IhmcRos2Transport transport = new IhmcRos2Transport("telos_lag_it", domain, true);
    try {
      assertEquals("ready", lines.poll(10, TimeUnit.SECONDS));
      transport.subscribe(Ros2Type.JOINT_STATE, "/joint_states", Ros2Qos.DEFAULT, m -> {
        long stamp = m.stampSec() * 1_000_000_000L + m.stampNanosec();
        stream.put(stamp, new double[] {m.position()[0], m.position()[1], m.velocity()[0], m.velocity()[1]});
        newest.accumulateAndGet(stamp, Math::max);
      });
      Ros2Transport.Publisher<Ros2Msg.Float64MultiArray> commands =
          transport.publisher(Ros2Type.FLOAT64_MULTI_ARRAY, "/forward_position_controller/commands", Ros2Qos.DEFAULT);
      assertTrue(Await.until(() -> !stream.isEmpty(), 30_000), "no joint_states from the lag driver");
      // until the driver has taken one: the command path is matched too (a hold: nothing moves)
      assertTrue(Await.until(() -> commands.publish(new Ros2Msg.Float64MultiArray(new double[] {0, 0}))
          && !taken.isEmpty(), 30_000), "the lag driver never took a command");
      int before = taken.size();
      assertEquals(List.of(0.0, 0.0), List.of(stream.lastEntry().getValue()[0], stream.lastEntry().getValue()[1]));

      double c1 = 0.02;
      double c2 = 1.0;
      Instant sent = Instant.now();
      long sendNs = sent.getEpochSecond() * 1_000_000_000L + sent.getNano();
      assertTrue(commands.publish(new Ros2Msg.Float64MultiArray(new double[] {c1, c2})));
      // the step, not a hold still in flight from the matching loop above (taken a tick earlier)
      java.util.function.IntSupplier step = () -> {
        synchronized (taken) {
          for (int i = before; i < taken.size(); i++) {
            if (Double.longBitsToDouble(taken.get(i)[3]) == c1) {
              return i;
            }
          }
          return -1;
        }
      };
      assertTrue(Await.until(() -> step.getAsInt() >= 0, 10_000), "the step was not taken");
      long takenNs = taken.get(step.getAsInt())[1];
      long takenWallNs = taken.get(step.getAsInt())[2];
      double behindS = (takenWallNs - takenNs) / 1e9; // how late the driver's loop ran that tick
      double deadS = deadMs / 1e3;
      long endNs = takenNs + Math.round((deadS + 1.0) * 1e9);
      assertTrue(Await.until(() -> newest.get() >= endNs, 20_000), "joint_states stopped");

      TreeMap<Long, double[]> after = new TreeMap<>(stream.subMap(takenNs, true, endNs, true));
      int expected = (int) Math.round((endNs - takenNs) / 1e9 * rateHz) + 1;
      assertTrue(after.size() > expected / 2, after.size() + " of " + expected + " samples received");

      // j1 from the stream: ln(rest) = -(t - onset) / tau between 2 % and 98 % of the way
      double sx = 0;
      double sy = 0;
      double sxx = 0;
      double sxy = 0;
      int m = 0;
      for (var e : after.entrySet()) {
        double t = (e.getKey() - takenNs) / 1e9;
        double rest = (c1 - e.getValue()[0]) / c1;
        if (rest < 0.98 && rest > 0.02) {
          sx += t;
          sy += Math.log(rest);
          sxx += t * t;
          sxy += t * Math.log(rest);
          m++;
        }
      }
      double slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);
      double tauMeasured = -1 / slope;
      double onset = (sy - slope * sx) / m * tauMeasured; // s after the tick that took the command
      double deadFromSend = onset + (takenNs - sendNs) / 1e9;
      System.out.printf("lag driver over DDS (tau %.0f ms, dead %.0f ms, %.0f Hz): %d samples fitted, tau %.3f ms, "
          + "dead time %.3f ms after the taking tick, %.3f ms after the send (taken %.3f ms after the send, "
          + "the loop %.3f ms behind its schedule)%n", tau * 1e3, deadMs, rateHz, m, tauMeasured * 1e3, onset * 1e3,
          deadFromSend * 1e3, (takenWallNs - sendNs) / 1e6, behindS * 1e3);
      assertTrue(m > 50, "samples in the fit: " + m);
      assertEquals(tau, tauMeasured, h, "time constant from the stream");
      assertEquals(deadS, onset, h / 2, "dead time after the tick that took the command");
      // from the send: the command crosses DDS and waits for the next tick (up to one period); a loop
      // running behind its schedule takes it at a tick stamped earlier than the wall clock
      assertTrue(takenWallNs >= sendNs && takenWallNs - sendNs < 10_000_000L,
          "taken " + (takenWallNs - sendNs) / 1e6 + " ms after the send");
      assertTrue(deadFromSend > deadS - h - Math.max(0, behindS) && deadFromSend < deadS + h + 0.010,
          "dead time from the send " + deadFromSend * 1e3 + " ms, the loop " + behindS * 1e3 + " ms behind");

      // every sample against the closed forms: j1 a delayed exponential, j2 a ramp at the ceiling
      double peak = 0;
      for (var e : after.entrySet()) {
        double t = (e.getKey() - takenNs) / 1e9 - deadS; // time since the response began
        double[] s = e.getValue();
        double want1 = t <= 1e-9 ? 0 : c1 * -Math.expm1(-t / tau);
        assertEquals(want1, s[0], 1e-9, "j1 at " + t + " s");
        if (t < 0.8) {
          assertEquals(Math.max(0, vmax * t), s[1], 1e-9, "j2 ramps at the ceiling, at " + t + " s");
        }
        peak = Math.max(peak, Math.abs(s[3]));
      }
      assertEquals(vmax, peak, 1e-9, "j2's published speed reaches and never exceeds the ceiling");
      assertNotNull(stream.lastEntry());
    } finally {
      transport.close();
      driver.getOutputStream().close();
      if (!driver.waitFor(10, TimeUnit.SECONDS)) {
        driver.destroyForcibly();
      }
    }
  }
}
