package io.telos.runtime.safety;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.ActionChunk;
import io.telos.api.Header;
import io.telos.api.Mode;
import io.telos.api.ModeChange;
import io.telos.api.Setpoint;
import io.telos.api.SimulatedClock;
import io.telos.api.Vec;
import io.telos.model.JointLimits;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SafetyKernelTest {
  static final JointLimits LIMITS = new JointLimits(new double[] {-1, -1}, new double[] {1, 1},
      new double[] {1, 1}, new double[] {4, 4}, new double[] {5, 5});

  SimulatedClock clock;
  ModeArbiter arbiter;
  SafetyKernel kernel;
  List<String> faults;
  List<ModeChange> modes;
  SafetyConfig cfg = SafetyConfig.defaults();

  @BeforeEach
  void setUp() {
    clock = new SimulatedClock();
    faults = new ArrayList<>();
    modes = new ArrayList<>();
    arbiter = new ModeArbiter("t", clock, Mode.AUTONOMOUS, modes::add);
    kernel = new SafetyKernel(LIMITS, cfg, arbiter, (s, code, m) -> faults.add(code));
  }

  private ActionChunk plan(double a, double b) {
    return new ActionChunk(Header.of(0, clock.nanos(), "p"), "g",
        List.of(new Setpoint(clock.nanos() + 100_000_000L, Vec.of(a, b), Vec.zeros(2))), 0);
  }

  private void run(int ticks, boolean fresh) {
    for (int i = 0; i < ticks; i++) {
      double[] m = kernel.commandPosition().clone();
      kernel.tick(clock.nanos(), m, fresh ? clock.nanos() : 0);
      clock.advance(cfg.periodNs());
    }
  }

  @Test
  void noCommandBeforeFirstValidState() {
    assertFalse(kernel.tick(0, null, 0));
    assertFalse(kernel.tick(0, new double[] {Double.NaN, 0}, 0));
    assertTrue(kernel.tick(0, new double[] {0.2, -0.3}, 0));
    assertEquals(0.2, kernel.commandPosition()[0]);
  }

  @Test
  void followsAPlanAtTheVelocityLimitAndStopsAtTheTarget() {
    kernel.tick(0, new double[] {0, 0}, 0);
    for (int i = 0; i < 3000; i++) {
      kernel.offer(plan(0.8, -0.5));
      double[] m = kernel.commandPosition().clone();
      kernel.tick(clock.nanos(), m, clock.nanos());
      assertTrue(Math.abs(kernel.commandVelocity()[0]) <= 1.0 + 1e-9);
      clock.advance(cfg.periodNs());
    }
    assertEquals(0.8, kernel.commandPosition()[0], 1e-6);
    assertEquals(-0.5, kernel.commandPosition()[1], 1e-6);
  }

  @Test
  void staleStateBringsTheArmToHoldWithAFault() {
    kernel.tick(0, new double[] {0, 0}, 0);
    kernel.offer(plan(0.8, 0.8));
    run(200, true);
    assertTrue(kernel.commandVelocity()[0] > 0.5);
    run(400, false);
    assertEquals(Mode.HOLD, arbiter.mode());
    assertTrue(faults.contains("STATE_STALE"));
    assertEquals(0.0, kernel.commandVelocity()[0], 1e-12, "controlled stop reached zero velocity");
  }

  @Test
  void resumesAutonomyWhenStatesAreFreshAgainUnlessSomeoneElseChangedTheMode() {
    kernel.tick(0, new double[] {0, 0}, 0);
    run(10, true);
    run(100, false);
    assertEquals(Mode.HOLD, arbiter.mode());
    run(600, true);
    assertEquals(Mode.AUTONOMOUS, arbiter.mode());
    assertEquals("STATE_FRESH", modes.get(modes.size() - 1).reason().substring(0, 11));

    run(100, false);
    assertEquals(Mode.HOLD, arbiter.mode());
    arbiter.request(Mode.HOLD, "operator");      // no-op, same mode
    arbiter.request(Mode.AUTONOMOUS, "operator");
    arbiter.request(Mode.HOLD, "operator holds");
    run(600, true);
    assertEquals(Mode.HOLD, arbiter.mode(), "an operator's HOLD is not overridden");
  }

  @Test
  void withoutAFreshPlanTheKernelStopsAtTheAccelerationLimit() {
    kernel.tick(0, new double[] {-0.9, -0.9}, 0);
    kernel.offer(new ActionChunk(Header.of(0, clock.nanos(), "p"), "g",
        List.of(new Setpoint(clock.nanos() + 5_000_000_000L, Vec.of(0.9, 0.9), Vec.zeros(2))), 0));
    run(200, true);
    double v0 = kernel.commandVelocity()[0];
    assertTrue(v0 > 0.2);
    run(100, true); // plan now older than 250 ms
    assertTrue(faults.contains("PLAN_STALE"));
    double prev = kernel.commandVelocity()[0];
    for (int i = 0; i < 500; i++) {
      run(1, true);
      double v = kernel.commandVelocity()[0];
      assertTrue(prev - v <= 4 * 0.001 + 1e-9, "deceleration within the limit");
      prev = v;
    }
    assertEquals(0.0, prev, 1e-12);
  }

  @Test
  void protectiveStopIsLatchedUntilReset() {
    kernel.tick(0, new double[] {0, 0}, 0);
    arbiter.protectiveStop("e-stop");
    assertFalse(arbiter.request(Mode.AUTONOMOUS, "try"));
    kernel.offer(plan(0.5, 0.5));
    run(500, true);
    assertEquals(0.0, kernel.commandPosition()[0], 1e-12, "plans ignored while stopped");
    assertTrue(arbiter.reset("operator"));
    assertEquals(Mode.HOLD, arbiter.mode());
    assertTrue(arbiter.request(Mode.AUTONOMOUS, "resume"));
    assertEquals(List.of(Mode.PROTECTIVE_STOP, Mode.HOLD, Mode.AUTONOMOUS), modes.stream().map(ModeChange::to).toList());
  }

  @Test
  void afterALostLinkTheCommandStartsAgainWhereTheArmIsInsteadOfAProtectiveStop() {
    kernel.tick(0, new double[] {0, 0}, 0);
    kernel.offer(plan(0.6, -0.6));
    run(60, true); // moving toward the plan
    double[] before = kernel.commandPosition().clone();
    run(200, false); // the link is down: states stale, the kernel holds (brakes its own command)
    assertEquals(Mode.HOLD, arbiter.mode());
    // meanwhile the arm went on to the last command it received, well past the kernel's hold
    double[] arm = {before[0] + 0.4, before[1] - 0.4};
    assertTrue(Math.abs(arm[0] - kernel.commandPosition()[0]) > cfg.trackingErrorRad(), "a real tracking gap");
    kernel.tick(clock.nanos(), arm, clock.nanos());
    assertFalse(faults.contains("TRACKING_ERROR"), faults.toString());
    assertTrue(faults.contains("REANCHORED"), faults.toString());
    assertEquals(1, kernel.reanchors());
    assertArrayEquals(arm, kernel.commandPosition(), 0.01, "held where the arm is");
    for (int i = 0; i < 600; i++) { // fresh states where the arm stays: autonomy resumes
      clock.advance(cfg.periodNs());
      kernel.tick(clock.nanos(), kernel.commandPosition().clone(), clock.nanos());
    }
    assertEquals(Mode.AUTONOMOUS, arbiter.mode());
    assertNotEquals(Mode.PROTECTIVE_STOP, arbiter.mode());
    // a blocked arm is still caught afterwards: commands now start from where it really is
    kernel.tick(clock.nanos(), new double[] {arm[0] - 0.5, arm[1]}, clock.nanos());
    assertEquals(Mode.PROTECTIVE_STOP, arbiter.mode());
    assertTrue(faults.contains("TRACKING_ERROR"));
  }

  @Test
  void aShortBlindSpellWithTheArmWhereTheKernelHeldItIsNotReported() {
    kernel.tick(0, new double[] {0, 0}, 0);
    run(10, true);
    run(100, false);
    run(1, true);
    assertEquals(1, kernel.reanchors());
    assertFalse(faults.contains("REANCHORED"), faults.toString());
    assertFalse(faults.contains("TRACKING_ERROR"));
  }

  @Test
  void trackingErrorTriggersAProtectiveStop() {
    kernel.tick(0, new double[] {0, 0}, 0);
    kernel.tick(clock.nanos(), new double[] {0.9, 0}, clock.nanos());
    assertEquals(Mode.PROTECTIVE_STOP, arbiter.mode());
    assertTrue(faults.contains("TRACKING_ERROR"));
  }

  @Test
  void malformedPlansAreRejected() {
    kernel.tick(0, new double[] {0, 0}, 0);
    kernel.offer(new ActionChunk(Header.of(0, 0, "p"), "g",
        List.of(new Setpoint(100_000_000L, Vec.of(Double.NaN, 0), Vec.zeros(2))), 0));
    run(10, true);
    kernel.offer(new ActionChunk(Header.of(1, 0, "p"), "g",
        List.of(new Setpoint(100_000_000L, Vec.of(0.1, 0.1, 0.1), Vec.zeros(3))), 0));
    run(10, true);
    assertEquals(2, kernel.badPlans());
    assertEquals(0.0, kernel.commandPosition()[0], 1e-12);
  }
}
