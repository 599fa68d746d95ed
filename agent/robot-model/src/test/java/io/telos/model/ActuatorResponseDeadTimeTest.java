package io.telos.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The filter's delay line: dead times that are whole numbers of steps, and arms without joints. */
class ActuatorResponseDeadTimeTest {

  /**
   * 9 ms / 0.1 ms is 89.99999999999999 in floating point; the filter must wait exactly 90 steps
   * (moving at step 91), not 89 steps and a fraction that leaks a 1e-14 share of the command early.
   */
  @Test
  void aWholeNumberOfStepsIsExact() {
    double[][] cases = {{0.009, 1e-4}, {0.011, 1e-4}, {0.03, 1e-3}, {0.018, 1e-4}, {0.05, 2e-3}};
    for (double[] c : cases) {
      double dead = c[0];
      double h = c[1];
      int k = (int) Math.round(dead / h);
      ActuatorResponse.Filter f = ActuatorResponse.uniform(1, 0.02, dead, Double.POSITIVE_INFINITY)
          .filter(h, new double[] {0});
      for (int s = 1; s <= k; s++) {
        f.step(new double[] {1});
        assertEquals(0.0, f.position(0), 0.0, "dead " + dead + " s, step " + h + " s: still at step " + s);
      }
      f.step(new double[] {1});
      assertEquals(-Math.expm1(-h / 0.02), f.position(0), 1e-15, "dead " + dead + " s: first move at step " + (k + 1));
    }
  }

  @Test
  void aFractionalDeadTimeInterpolates() {
    ActuatorResponse.Filter f = ActuatorResponse.uniform(1, 0, 0.0025, Double.POSITIVE_INFINITY)
        .filter(1e-3, new double[] {0});
    double[] want = {0, 0, 0.5, 1, 1};
    for (int s = 0; s < want.length; s++) {
      f.step(new double[] {1});
      assertEquals(want[s], f.position(0), 1e-12, "step " + (s + 1));
    }
  }

  @Test
  void anArmWithoutJointsSteps() {
    ActuatorResponse.Filter f = ActuatorResponse.ideal(0).filter(1e-3, new double[0]);
    f.step(new double[0]);
    assertEquals(0, f.position().length);
  }
}
