package io.telos.perception.response;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.model.ActuatorResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ResponseEstimatorTest {
  static final double[] LAGS = {0.02, 0.05, 0.1, 0.2, 0.3};
  static final double NOISE_RAD = 1e-4;

  /** How the servo loop samples: exactly 1 kHz, or about 500 Hz with ±0.5 ms jitter. */
  enum Sampling {
    KHZ_1, JITTERY_500HZ
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (double d : new double[] {0, 0.020, 0.050}) {
      for (double ceiling : new double[] {Double.POSITIVE_INFINITY, 1.0}) {
        for (Sampling s : Sampling.values()) {
          out.add(Arguments.of(d, ceiling, s));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "d={0} s, ceiling={1} rad/s, {2}")
  @MethodSource("cases")
  void recoversLagAndDeadTime(double deadTimeS, double ceiling, Sampling sampling) {
    int n = LAGS.length;
    double[] dead = new double[n];
    double[] vmax = new double[n];
    java.util.Arrays.fill(dead, deadTimeS);
    java.util.Arrays.fill(vmax, ceiling);
    ActuatorResponse truth = new ActuatorResponse(LAGS, dead, vmax);
    ResponseEstimator est = new ResponseEstimator(n);
    Rig.run(truth, sampling, 20, 7 + Math.round(deadTimeS * 1000) + (ceiling < 10 ? 100 : 0), est);
    ResponseEstimate e = est.fit();
    StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
        "%n  case d=%.0f ms ceiling=%s %s: samples=%d%n  joint  true τ   est τ ± σ            true d  est d ± σ (ms)   informative saturated%n",
        deadTimeS * 1e3, Double.isFinite(ceiling) ? ceiling + " rad/s" : "none", sampling, e.samples()));
    for (ResponseEstimate.Joint j : e.joints()) {
      table.append(String.format(Locale.ROOT, "  %d      %.3f   %.4f ± %.4f     %4.0f    %5.2f ± %.2f       %6d %6d %s%n",
          j.joint(), LAGS[j.joint()], j.lagS(), j.lagSigmaS(), deadTimeS * 1e3, j.deadTimeS() * 1e3,
          j.deadTimeSigmaS() * 1e3, j.informativeSamples(), j.saturatedSamples(), j.note()));
    }
    System.out.print(table);
    for (ResponseEstimate.Joint j : e.joints()) {
      assertTrue(j.excited(), "joint " + j.joint() + " not excited: " + j.note() + table);
      double tau = LAGS[j.joint()];
      assertEquals(tau, j.lagS(), 0.1 * tau, "lag of joint " + j.joint() + table);
      assertEquals(deadTimeS, j.deadTimeS(), 0.005, "dead time of joint " + j.joint() + table);
      // the uncertainty is honest: the truth within a few σ (or the model floor)
      assertTrue(Math.abs(j.lagS() - tau) <= j.lagBandS(), "lag outside its band, joint " + j.joint() + table);
      assertTrue(Math.abs(j.deadTimeS() - deadTimeS) <= j.deadTimeBandS(), "dead time outside band" + table);
    }
    if (Double.isFinite(ceiling)) {
      // the fast joints hit the ceiling and say so
      ResponseEstimate.Joint fast = e.joints().get(0);
      assertTrue(fast.saturatedSamples() > 0, "joint 0 should show saturation" + table);
      assertEquals(ceiling, fast.maxVelocity(), 0.05 * ceiling, "ceiling of joint 0" + table);
    } else {
      for (ResponseEstimate.Joint j : e.joints()) {
        assertEquals(Double.POSITIVE_INFINITY, j.maxVelocity(), "no ceiling on joint " + j.joint() + table);
      }
    }
  }

  @Test
  void aJointThatDoesNotMoveHasNoEstimate() {
    ActuatorResponse truth = ActuatorResponse.uniform(3, 0.05, 0.01, Double.POSITIVE_INFINITY);
    ResponseEstimator est = new ResponseEstimator(3);
    Rig.run(truth, Sampling.KHZ_1, 10, 3, est, 1); // joint 1 is held still
    ResponseEstimate e = est.fit();
    assertTrue(e.joints().get(0).excited());
    assertTrue(e.joints().get(2).excited());
    ResponseEstimate.Joint still = e.joints().get(1);
    assertFalse(still.excited(), still.toString());
    assertTrue(Double.isNaN(still.lagS()) && Double.isNaN(still.deadTimeS()));
    assertFalse(e.complete());
    IllegalStateException ex = assertThrows(IllegalStateException.class, e::toResponse);
    assertTrue(ex.getMessage().contains("[1]"), ex.getMessage());
    ActuatorResponse filled = e.toResponse(ActuatorResponse.uniform(3, 0.123, 0, Double.POSITIVE_INFINITY));
    assertEquals(0.123, filled.lagS(1));
    assertEquals(0.05, filled.lagS(0), 0.005);
    assertEquals(List.of(1), e.compare(truth).unchecked());
  }

  @Test
  void anEmptyOrShortRecordingHasNoEstimate() {
    ResponseEstimator est = new ResponseEstimator(2);
    ResponseEstimate e = est.fit();
    assertEquals(0, e.samples());
    assertEquals(0, e.excitedJoints());
    for (int k = 0; k < 10; k++) {
      est.record(k * 1_000_000L, new double[] {k, 0}, new double[] {0, 0});
    }
    assertEquals(0, est.fit().excitedJoints());
  }

  @Test
  void aWrongDeclaredResponseIsFlaggedAndTheRightOneIsNot() {
    double[] lags = {0.03, 0.1, 0.25};
    double[] dead = {0.0, 0.02, 0.045};
    double[] inf = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
    ActuatorResponse truth = new ActuatorResponse(lags, dead, inf);
    ResponseEstimator est = new ResponseEstimator(3);
    Rig.run(truth, Sampling.JITTERY_500HZ, 20, 11, est);
    ResponseEstimate e = est.fit();
    assertTrue(e.complete(), e.toString());
    assertTrue(e.compare(truth).agrees(), () -> e.compare(truth).mismatches().toString());
    for (double f : new double[] {0.9, 1.1}) {
      ActuatorResponse near = new ActuatorResponse(scale(lags, f), scale(dead, f), inf);
      assertTrue(e.compare(near).agrees(), () -> "10 % off: " + e.compare(near).mismatches());
    }
    for (double f : new double[] {0.5, 2.0}) {
      ResponseEstimate.Comparison cmp = e.compare(new ActuatorResponse(scale(lags, f), scale(dead, f), inf));
      for (int i = 0; i < 3; i++) {
        int joint = i;
        assertTrue(cmp.mismatches().stream().anyMatch(mm -> mm.joint() == joint && mm.key().equals("lag_s")),
            "lag ×" + f + " on joint " + i + " not flagged: " + cmp.mismatches());
      }
      for (int i = 1; i < 3; i++) { // a zero dead time doubled is still zero
        int joint = i;
        assertTrue(cmp.mismatches().stream().anyMatch(mm -> mm.joint() == joint && mm.key().equals("dead_time_ms")),
            "dead time ×" + f + " on joint " + i + " not flagged: " + cmp.mismatches());
      }
    }
    // only the dead time wrong: the lag is not blamed
    ResponseEstimate.Comparison onlyDead = e.compare(new ActuatorResponse(lags, scale(dead, 2), inf));
    assertTrue(onlyDead.mismatches().stream().allMatch(mm -> mm.key().equals("dead_time_ms")),
        onlyDead.mismatches().toString());
    // and the estimate round-trips into a response that agrees with itself
    assertTrue(e.compare(e.toResponse()).agrees());
    String yaml = e.toYaml(ActuatorResponse.ideal(3));
    assertTrue(yaml.startsWith("robot:\n  response:\n    lag_s: ["), yaml);
    assertTrue(yaml.contains("dead_time_ms: [0, 20, 45]"), yaml);
  }

  /** An estimate of one joint, as a fit would give it. */
  private static ResponseEstimate one(double lagS, double lagSigmaS, double deadS, double deadSigmaS) {
    return new ResponseEstimate(List.of(new ResponseEstimate.Joint(0, true, lagS, lagSigmaS, deadS, deadSigmaS,
        Double.POSITIVE_INFINITY, 500, 0, "")), 2500, 10, 0.004);
  }

  private static ActuatorResponse declared(double lagS, double deadS) {
    return ActuatorResponse.uniform(1, lagS, deadS, Double.POSITIVE_INFINITY);
  }

  @Test
  void throughATransportTheResponseTimeIsJudgedFinelyAndItsPartsCoarsely() {
    // a 20 ms lag seen through MQTT: the fit trades part of the lag for dead time, the sum holds
    ResponseEstimate e = one(0.012, 0.0007, 0.0098, 0.001);
    ResponseEstimate.Tolerance t = ResponseEstimate.Tolerance.TRANSPORT;
    assertFalse(e.compare(declared(0.02, 0)).agrees(), "judged directly, the parts disagree");
    assertTrue(e.compare(declared(0.02, 0), t).agrees(), () -> e.compare(declared(0.02, 0), t).mismatches().toString());
    for (double f : new double[] {0.5, 2}) {
      ResponseEstimate.Comparison c = e.compare(declared(0.02 * f, 0), t);
      assertTrue(c.mismatches().stream().anyMatch(m -> m.key().equals("response_time_ms")),
          "lag x" + f + ": " + c.mismatches());
    }
    // a long lag twice off is a lag mismatch as well; a dead time twice off, a dead-time one
    ResponseEstimate slow = one(0.2, 0.004, 0.05, 0.002);
    assertTrue(slow.compare(declared(0.2, 0.05), t).agrees());
    assertTrue(slow.compare(declared(0.4, 0.05), t).mismatches().stream().anyMatch(m -> m.key().equals("lag_s")));
    assertTrue(slow.compare(declared(0.2, 0.1), t).mismatches().stream()
        .anyMatch(m -> m.key().equals("dead_time_ms")));
    // the same sum split differently is a different arm
    assertTrue(slow.compare(declared(0.05, 0.2), t).mismatches().stream().anyMatch(m -> m.key().equals("lag_s")));
    assertThrows(IllegalArgumentException.class, () -> new ResponseEstimate.Tolerance(-1, 0, 0));
  }

  @Test
  void recordDropsBadSamplesAndAllocatesNothing() {
    ResponseEstimator est = new ResponseEstimator(2, new ResponseEstimator.Config(1, 1000, 0.05, 0.001));
    est.record(10, new double[] {0, 0}, new double[] {0, 0});
    est.record(10, new double[] {0, 0}, new double[] {0, 0}); // same stamp
    est.record(5, new double[] {0, 0}, new double[] {0, 0}); // older
    est.record(20, new double[] {Double.NaN, 0}, new double[] {0, 0});
    est.record(30, new double[] {0, 0}, new double[] {0, Double.POSITIVE_INFINITY});
    assertEquals(1, est.recorded());
    assertEquals(4, est.dropped());
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
        () -> est.record(40, new double[3], new double[2]));
    assertTrue(ex.getMessage().contains("expected 2 joints"), ex.getMessage());

    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    if (!(mx instanceof com.sun.management.ThreadMXBean sun) || !sun.isThreadAllocatedMemorySupported()) {
      return;
    }
    sun.setThreadAllocatedMemoryEnabled(true);
    double[] c = new double[2];
    double[] q = new double[2];
    for (int k = 0; k < 5000; k++) { // warm up (and wrap the ring several times)
      c[0] = k;
      est.record(100 + k * 1_000_000L, c, q);
    }
    long tid = Thread.currentThread().threadId();
    long before = sun.getThreadAllocatedBytes(tid);
    for (int k = 5000; k < 105_000; k++) {
      c[0] = k;
      est.record(100 + k * 1_000_000L, c, q);
    }
    long bytes = sun.getThreadAllocatedBytes(tid) - before;
    // one object per call would be at least 16 bytes x 100000; under one byte per call leaves room for
    // what the JIT allocates on this thread while it compiles the loop (1840 bytes seen once)
    assertTrue(bytes < 100_000, "record allocated " + bytes + " bytes over 100000 calls");
  }

  @Test
  void theRingKeepsTheNewestWindow() {
    ResponseEstimator est = new ResponseEstimator(1, new ResponseEstimator.Config(0.1, 1000, 0.05, 0.001));
    for (int k = 0; k < 1000; k++) {
      est.record(k * 1_000_000L, new double[] {k}, new double[] {-k});
    }
    ResponseEstimator.Snapshot s = est.snapshot();
    assertEquals(100, s.size());
    assertEquals(900 * 1_000_000L, s.stamps()[s.skip()]);
    assertEquals(999.0, s.column(s.commands(), 0)[99]);
    assertEquals(-999.0, s.column(s.measured(), 0)[99]);
  }

  /**
   * A writer at full speed and a reader taking snapshots: every row a snapshot keeps is whole (its
   * values all derive from its stamp) and in order.
   */
  @Test
  void snapshotsTakenWhileRecordingAreConsistent() throws Exception {
    int n = 7;
    ResponseEstimator est = new ResponseEstimator(n, new ResponseEstimator.Config(1, 1000, 0.01, 0.001));
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<String> problem = new AtomicReference<>();
    Thread writer = Thread.ofPlatform().start(() -> {
      double[] c = new double[n];
      double[] q = new double[n];
      long k = 1;
      while (!stop.get()) {
        for (int i = 0; i < n; i++) {
          c[i] = k + i;
          q[i] = -(k + i);
        }
        est.record(k, c, q);
        k++;
      }
    });
    try {
      int snapshots = 0;
      long kept = 0;
      while (snapshots < 3000 || est.recorded() < 200_000) {
        ResponseEstimator.Snapshot s = est.snapshot();
        long prev = 0;
        for (int r = s.skip(); r < s.stamps().length; r++) {
          long k = s.stamps()[r];
          if (k <= prev) {
            problem.compareAndSet(null, "stamps out of order: " + prev + " then " + k);
          }
          prev = k;
          for (int i = 0; i < n; i++) {
            if (s.commands()[r * n + i] != k + i || s.measured()[r * n + i] != -(k + i)) {
              problem.compareAndSet(null, "torn row at stamp " + k + ", joint " + i);
            }
          }
          kept++;
        }
        snapshots++;
      }
      assertTrue(kept > 0);
    } finally {
      stop.set(true);
      writer.join();
    }
    assertEquals(null, problem.get());
  }

  @Test
  void configNamesTheKeyItRefuses() {
    IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
        () -> new ResponseEstimator.Config(0, 1000, 0.1, 0.001));
    assertTrue(a.getMessage().startsWith("window_s"), a.getMessage());
    IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
        () -> new ResponseEstimator.Config(10, 1000, 0.1, 0.2));
    assertTrue(b.getMessage().startsWith("dead_time_step_s"), b.getMessage());
    IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
        () -> new ResponseEstimator.Config(10, 1000, 2, 0.001));
    assertTrue(c.getMessage().startsWith("max_dead_time_s"), c.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ResponseEstimator(0));
  }

  private static double[] scale(double[] v, double f) {
    double[] out = v.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] *= f;
    }
    return out;
  }

  /**
   * The plant and the servo loop of the tests: a planner-like excitation (minimum-jerk moves,
   * steps, holds) sent at the sampling times and held in between, through an
   * {@link ActuatorResponse.Filter} stepped at 10 kHz, measured at the sampling times with
   * Gaussian noise.
   */
  static final class Rig {
    static final double FINE_S = 1e-4;
    static final long FINE_NS = 100_000L;

    static void run(ActuatorResponse truth, Sampling sampling, double seconds, long seed, ResponseEstimator est,
        int... still) {
      int n = truth.size();
      SplittableRandom rnd = new SplittableRandom(seed);
      int steps = (int) Math.round(seconds / FINE_S);
      double[][] cmd = new double[n][];
      for (int j = 0; j < n; j++) {
        cmd[j] = excitation(rnd.split(), steps);
      }
      for (int s : still) {
        java.util.Arrays.fill(cmd[s], 0.0);
      }
      ActuatorResponse.Filter plant = truth.filter(FINE_S, new double[n]);
      double[] held = new double[n];
      double[] measured = new double[n];
      int next = 0;
      for (int i = 0; i < steps; i++) {
        if (i == next) {
          for (int j = 0; j < n; j++) {
            measured[j] = plant.position(j) + NOISE_RAD * gaussian(rnd);
            held[j] = cmd[j][i];
          }
          est.record(i * FINE_NS, held, measured);
          next += sampling == Sampling.KHZ_1 ? 10 : 20 + rnd.nextInt(-5, 6);
        }
        plant.step(held);
      }
    }

    private static double gaussian(SplittableRandom rnd) {
      double u = rnd.nextDouble();
      double v = rnd.nextDouble();
      return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    /** The command of one joint at the fine rate. */
    static double[] excitation(SplittableRandom rnd, int steps) {
      double[] out = new double[steps];
      int i = 0;
      double v = 0;
      while (i < steps) {
        int hold = (int) ((0.2 + 0.6 * rnd.nextDouble()) / FINE_S);
        for (int k = 0; k < hold && i < steps; k++) {
          out[i++] = v;
        }
        if (rnd.nextDouble() < 0.6) { // a planner-like smooth move
          double target = -0.3 + 0.6 * rnd.nextDouble();
          int len = (int) ((0.3 + 0.8 * rnd.nextDouble()) / FINE_S);
          double from = v;
          for (int k = 1; k <= len && i < steps; k++) {
            double s = (double) k / len;
            out[i++] = from + (target - from) * s * s * s * (10 - 15 * s + 6 * s * s);
          }
          v = target;
        } else { // a step
          double jump = (0.05 + 0.1 * rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1);
          v = Math.max(-0.35, Math.min(0.35, v + jump));
        }
      }
      return out;
    }
  }
}
