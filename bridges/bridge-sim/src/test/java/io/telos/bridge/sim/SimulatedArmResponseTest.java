package io.telos.bridge.sim;

import static io.telos.bridge.sim.SimTesting.MS;
import static io.telos.bridge.sim.SimTesting.PLANAR2;
import static io.telos.bridge.sim.SimTesting.TELOS6;
import static io.telos.bridge.sim.SimTesting.command;
import static io.telos.bridge.sim.SimTesting.hold;
import static io.telos.bridge.sim.SimTesting.lockStep;
import static io.telos.bridge.sim.SimTesting.q;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.model.ActuatorResponse;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The slow arm: an actuator response ({@code lag_s}, {@code dead_time_ms}, {@code max_velocity})
 * between the command and the motors, checked against {@link ActuatorResponse.Filter} itself.
 */
class SimulatedArmResponseTest {
  /** {@link SimTesting#runScript} hashes of the arm before it had a response (seed 42, telos6). */
  private static final long BEFORE_DEFAULTS = 4611662856461125347L;
  private static final long BEFORE_NOISY = 2938985440622766519L;
  private static final long BEFORE_VELOCITY = 7257990087111393524L;

  private static long script(SimConfig c) {
    try (SimulatedArm a = lockStep(TELOS6, c, 42)) {
      return SimTesting.runScript(new SimulatedArm[] {a})[0];
    }
  }

  @Test
  void withoutAResponseTheStatesAreBitIdenticalToBefore() {
    SimConfig d = SimConfig.defaults();
    assertEquals(BEFORE_DEFAULTS, script(d));
    assertEquals(BEFORE_NOISY, script(d.withNoise(1e-3, 1e-2)));
    assertEquals(BEFORE_VELOCITY, script(d.withCommandInterface(SimConfig.CommandInterface.VELOCITY)));
    // an ideal response (no lag, no dead time, no ceiling) is the same as none
    assertEquals(BEFORE_DEFAULTS, script(d.withResponse(ActuatorResponse.uniform(1, 0, 0, Double.POSITIVE_INFINITY))));
    assertNotEquals(BEFORE_DEFAULTS, script(d.withResponse(ActuatorResponse.uniform(1, 0.05, 0, Double.POSITIVE_INFINITY))));
  }

  @Test
  void aLaggedArmIsDeterministicInLockStep() {
    SimConfig slow = SimConfig.defaults().withNoise(1e-3, 1e-2)
        .withResponse(ActuatorResponse.uniform(1, 0.08, 0.013, 1.0));
    long[] h;
    try (SimulatedArm a = lockStep(TELOS6, slow, 42);
        SimulatedArm b = lockStep(TELOS6, slow, 42)) {
      h = SimTesting.runScript(new SimulatedArm[] {a, b});
    }
    assertEquals(h[0], h[1]);
    assertEquals(h[0], script(slow), "a later instance in the same JVM");
  }

  /**
   * A 0.1 rad step on every joint of telos6 (against gravity) through a 100 ms lag and a 20 ms dead
   * time, whose fastest speed (1 rad/s) is inside the URDF limits. With motors strong enough to
   * jump to the filter's velocity within a step (effort_scale 100) the arm reproduces the filter to
   * within rounding: the kp tracking itself adds no lag. With the URDF's effort limits
   * (effort_scale 1) the heavy joints cannot jump to 1 rad/s in one millisecond: the onset is
   * limited by torque and the kp term catches up, an extra lag of a millisecond or two (measured
   * as the difference of the areas above the two step responses, printed).
   */
  @Test
  void aStepCommandFollowsTheFilterOfTheResponse() {
    double lag = 0.1;
    double dead = 0.02;
    double amp = 0.1;
    ActuatorResponse r = ActuatorResponse.uniform(6, lag, dead, Double.POSITIVE_INFINITY);
    double[] q0 = SimulatedArm.defaultInitialPosition(TELOS6);
    double[] target = q0.clone();
    for (int i = 0; i < 6; i++) {
      target[i] += i % 2 == 0 ? amp : -amp;
    }
    for (double effortScale : new double[] {100, 1}) {
      ActuatorResponse.Filter ref = r.filter(1e-3, q0);
      int steps = 1000;
      double[][] arm = new double[steps][];
      double[][] want = new double[steps][];
      double worst = 0;
      double[] extraLag = new double[6];
      SimConfig c = SimConfig.defaults().withEffortScale(effortScale).withResponse(r);
      try (SimulatedArm a = lockStep(TELOS6, c, 1)) {
        assertEquals(r, a.response());
        a.write(command(a.jointNames(), target, new double[] {5, 5, 5, 5, 5, 5})); // feed-forward: not used
        for (int k = 0; k < steps; k++) {
          a.step(MS);
          ref.step(target);
          arm[k] = q(a);
          want[k] = ref.position().clone();
          assertArrayEquals(want[k], a.filteredCommand(), 0, "the arm's filter is the response's filter");
          worst = Math.max(worst, SimTesting.maxAbsError(arm[k], want[k]));
          for (int i = 0; i < 6; i++) {
            extraLag[i] += (want[k][i] - arm[k][i]) / (target[i] - q0[i]) * 1e-3;
          }
        }
      }
      double maxExtra = Arrays.stream(extraLag).max().orElseThrow();
      System.out.printf("lagged telos6 (0.1 rad steps, lag 100 ms, dead 20 ms, kp 40, effort_scale %.0f): "
          + "max |q - q_filter| = %.2e rad, extra lag per joint (ms) %s%n", effortScale, worst,
          Arrays.toString(Arrays.stream(extraLag).map(x -> Math.round(x * 1e6) / 1e3).toArray()));
      if (effortScale == 100) {
        assertTrue(worst < 1e-7, "strong motors reproduce the filter: " + worst);
        assertTrue(Math.abs(maxExtra) < 1e-6, "no extra lag from kp tracking: " + maxExtra);
      } else {
        assertTrue(worst < 0.1 * amp, "torque-limited onset, then back on the filter: " + worst);
        assertTrue(maxExtra > 0 && maxExtra < 0.003, "extra lag under 3 ms: " + maxExtra);
      }
      assertTrue(SimTesting.maxAbsError(arm[steps - 1], target) < 1e-4, "arrived");
      for (int i = 0; i < 6; i++) {
        assertEquals(lag, fittedLag(want, i, q0[i], target[i], dead), 1e-3, "the filter's own lag, joint " + i);
      }
    }
  }

  /**
   * The time constant of a step response sampled every millisecond from the first step: the slope
   * of ln(remaining fraction) between 10 % and 90 % of the way, after the dead time.
   */
  private static double fittedLag(double[][] q, int joint, double from, double to, double dead) {
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    int m = 0;
    for (int k = 0; k < q.length; k++) {
      double rest = (to - q[k][joint]) / (to - from);
      if (rest < 0.9 && rest > 0.1) {
        double t = (k + 1) * 1e-3 - dead;
        double y = Math.log(rest);
        sx += t;
        sy += y;
        sxx += t * t;
        sxy += t * y;
        m++;
      }
    }
    double slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);
    return -1 / slope;
  }

  @Test
  void theDeadTimeHoldsTheArmStill() {
    // a 0.02 rad step through a 20 ms lag starts at 1 rad/s: strong motors (effort_scale 100) get
    // there within the step, so the first moving sample is the filter's
    ActuatorResponse r = ActuatorResponse.uniform(1, 0.02, 0.030, Double.POSITIVE_INFINITY);
    try (SimulatedArm a = lockStep(PLANAR2, SimConfig.defaults().withEffortScale(100).withResponse(r), 1)) {
      a.write(hold(a, 0.02, -0.02));
      for (int k = 1; k <= 30; k++) {
        a.step(MS);
        assertEquals(0, q(a)[0], 1e-9, "still at step " + k + " of the 30 ms dead time");
        assertEquals(0, q(a)[1], 1e-9, "still at step " + k + " of the 30 ms dead time");
      }
      a.step(MS); // 31 ms after the command: it has moved by (1 - e^(-1 ms / 20 ms)) of the step
      double first = 0.02 * -Math.expm1(-1e-3 / 0.02);
      assertEquals(first, q(a)[0], 1e-8);
      assertEquals(-first, q(a)[1], 1e-8);
      SimTesting.run(a, 300);
      assertArrayEquals(new double[] {0.02, -0.02}, q(a), 1e-7);
    }
  }

  @Test
  void theSpeedCeilingIsRespected() {
    double vmax = 0.5;
    ActuatorResponse r = new ActuatorResponse(new double[] {0.05, 0.05}, new double[2], new double[] {vmax, 10});
    try (SimulatedArm a = lockStep(PLANAR2, SimConfig.defaults().withResponse(r), 1)) {
      a.write(hold(a, 1.0, 1.0));
      double fastest = 0;
      int arrived = -1;
      for (int k = 1; k <= 3000; k++) {
        a.step(MS);
        fastest = Math.max(fastest, Math.abs(a.groundTruth().velocity().get(0)));
        if (arrived < 0 && q(a)[0] > 0.99) {
          arrived = k;
        }
      }
      System.out.printf("speed ceiling 0.5 rad/s: fastest %.6f rad/s, 99 %% of 1 rad after %d ms%n", fastest, arrived);
      assertTrue(fastest <= vmax * (1 + 1e-6), "joint1 never exceeds max_velocity: " + fastest);
      assertTrue(fastest > 0.99 * vmax, "and runs at it on a long move: " + fastest);
      // 1 rad at 0.5 rad/s is 2 s; the lag only adds its tail
      assertTrue(arrived > 1900 && arrived < 2300, "arrival after " + arrived + " ms");
      assertEquals(1.0, q(a)[1], 1e-6, "joint2 (ceiling 10 rad/s above its URDF 2.5) got there long ago");
    }
  }

  @Test
  void theVelocityInterfaceLagsTheVelocityCommand() {
    double lag = 0.05;
    double dead = 0.01;
    ActuatorResponse r = ActuatorResponse.uniform(2, lag, dead, 0.3);
    SimConfig c = SimConfig.defaults().withCommandInterface(SimConfig.CommandInterface.VELOCITY).withResponse(r);
    try (SimulatedArm a = lockStep(PLANAR2, c, 1)) {
      a.write(command(a.jointNames(), new double[] {Double.NaN, Double.NaN}, new double[] {0.2, 0.6}));
      for (int k = 1; k <= 200; k++) {
        a.step(MS);
        double v = a.groundTruth().velocity().get(0);
        if (k <= 10) {
          assertEquals(0, v, 1e-9, "no motion within the 10 ms dead time, step " + k);
        } else {
          // step k ends at k ms: 1 - e^(-(k ms - dead) / lag) of the command
          assertEquals(0.2 * -Math.expm1(-(k - 10) * 1e-3 / lag), v, 1e-6, "velocity at step " + k);
        }
        assertTrue(Math.abs(a.groundTruth().velocity().get(1)) <= 0.3 + 1e-9, "ceiling on joint2");
      }
      assertEquals(0.3, a.groundTruth().velocity().get(1), 1e-9, "joint2 asked 0.6 rad/s, runs at the ceiling");
    }
  }

  @Test
  void perJointListsMustFitTheArm() {
    ActuatorResponse three = ActuatorResponse.uniform(3, 0.1, 0, 1);
    var e = assertThrows(IllegalArgumentException.class,
        () -> lockStep(PLANAR2, SimConfig.defaults().withResponse(three), 1));
    assertEquals("bridge.lag_s, bridge.dead_time_ms, bridge.max_velocity: a list must have 2 entries (one per joint "
        + "of [joint1, joint2]), had 3", e.getMessage());
    SimConfig one = SimConfig.defaults().withResponse(ActuatorResponse.uniform(1, 0.1, 0.02, 1.5));
    assertEquals(ActuatorResponse.uniform(2, 0.1, 0.02, 1.5), one.response(List.of("a", "b")));
    assertNull(SimConfig.defaults().response(List.of("a", "b")));
    try (SimulatedArm a = lockStep(PLANAR2, SimConfig.defaults(), 1)) {
      assertTrue(a.response().isIdeal());
      assertNull(a.filteredCommand());
    }
  }
}
