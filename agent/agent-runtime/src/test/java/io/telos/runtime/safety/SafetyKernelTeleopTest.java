package io.telos.runtime.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** The kernel in TELEOP: it follows the operator's jog through the same limiter, and the deadman. */
class SafetyKernelTeleopTest {
  static final JointLimits LIMITS = new JointLimits(new double[] {-1, -1}, new double[] {1, 1},
      new double[] {1, 1}, new double[] {4, 4}, new double[] {5, 5});

  /** A scripted operator input. */
  static final class Input implements OperatorInput {
    boolean alive = true;
    double[] jog;

    @Override
    public boolean alive(long nowNs) {
      return alive;
    }

    @Override
    public String deadReason(long nowNs) {
      return "no heartbeat";
    }

    @Override
    public boolean velocity(long nowNs, double[] position, double[] velocity, double[] out) {
      if (jog == null) {
        return false;
      }
      System.arraycopy(jog, 0, out, 0, out.length);
      return true;
    }
  }

  SimulatedClock clock;
  ModeArbiter arbiter;
  SafetyKernel kernel;
  List<String> faults;
  List<ModeChange> modes;
  Input input;
  SafetyConfig cfg = SafetyConfig.defaults();
  double maxStep;

  @BeforeEach
  void setUp() {
    clock = new SimulatedClock();
    faults = new ArrayList<>();
    modes = new ArrayList<>();
    arbiter = new ModeArbiter("t", clock, Mode.AUTONOMOUS, modes::add);
    kernel = new SafetyKernel(LIMITS, cfg, arbiter, (s, code, m) -> faults.add(code));
    input = new Input();
    kernel.setOperatorInput(input);
    kernel.tick(0, new double[] {0, 0}, 0);
  }

  private ActionChunk plan(double a, double b) {
    return new ActionChunk(Header.of(0, clock.nanos(), "p"), "g",
        List.of(new Setpoint(clock.nanos() + 100_000_000L, Vec.of(a, b), Vec.zeros(2))), 0);
  }

  /** Runs ticks with the measured state equal to the command; records the largest per-tick step. */
  private void run(int ticks, ActionChunk everyTick) {
    for (int i = 0; i < ticks; i++) {
      if (everyTick != null) {
        kernel.offer(plan(everyTick.setpoints().get(0).position().get(0), everyTick.setpoints().get(0).position().get(1)));
      }
      double[] before = kernel.commandPosition().clone();
      kernel.tick(clock.nanos(), before.clone(), clock.nanos());
      for (int j = 0; j < 2; j++) {
        maxStep = Math.max(maxStep, Math.abs(kernel.commandPosition()[j] - before[j]));
      }
      clock.advance(cfg.periodNs());
    }
  }

  @Test
  void followsTheJogVelocityAndIgnoresPlansInTeleop() {
    arbiter.request(Mode.TELEOP, "taken");
    input.jog = new double[] {0.5, -0.25};
    run(500, plan(-0.9, 0.9));
    assertEquals(0.5, kernel.commandVelocity()[0], 1e-9);
    assertEquals(-0.25, kernel.commandVelocity()[1], 1e-9);
    assertTrue(kernel.commandPosition()[0] > 0.2, "moved with the jog, not the plan");
  }

  @Test
  void takeoverIsBumplessAndAJogNeverExceedsTheKernelLimits() {
    run(300, plan(0.6, 0.6)); // moving under autonomy
    double v0 = kernel.commandVelocity()[0];
    assertTrue(v0 > 0.5);
    arbiter.request(Mode.TELEOP, "taken");
    input.jog = new double[] {-5, 5}; // far beyond the velocity limit
    maxStep = 0;
    run(600, null);
    // continuous: no tick moves further than the velocity limit allows, the direction reverses at the
    // acceleration limit, and the position limit holds
    assertTrue(maxStep <= 1.0 * cfg.periodNs() / 1e9 + 1e-12, "step " + maxStep);
    assertEquals(-1.0, kernel.commandVelocity()[0], 1e-9);
    assertTrue(kernel.commandPosition()[1] <= 1.0);
  }

  @Test
  void lostHeartbeatIsAProtectiveStop() {
    arbiter.request(Mode.TELEOP, "taken");
    input.jog = new double[] {0.5, 0.5};
    run(200, null);
    input.alive = false;
    run(400, null);
    assertEquals(Mode.PROTECTIVE_STOP, arbiter.mode());
    assertEquals(1, faults.stream().filter("DEADMAN"::equals).count(), "reported once: " + faults);
    assertEquals(0.0, kernel.commandVelocity()[0], 0.0, "came to rest");
  }

  @Test
  void noJogMeansAControlledStop() {
    arbiter.request(Mode.TELEOP, "taken");
    input.jog = new double[] {1, 0};
    run(400, null);
    input.jog = null;
    run(400, null);
    assertEquals(0.0, kernel.commandVelocity()[0], 0.0);
    assertEquals(Mode.TELEOP, arbiter.mode());
  }

  @Test
  void afterReleaseOnlyPlansFromNewStatesDriveAndTheyStartFromTheCurrentCommand() {
    kernel.offer(plan(0.8, 0.8));
    run(50, null);
    ActionChunk old = plan(0.8, 0.8);
    arbiter.request(Mode.TELEOP, "taken");
    input.jog = new double[] {-0.5, 0};
    run(400, null);
    input.jog = null;
    run(300, null);
    double[] here = kernel.commandPosition().clone();
    arbiter.request(Mode.AUTONOMOUS, "released");
    kernel.offer(old); // made before the release: must not drive
    run(100, null);
    assertEquals(here[0], kernel.commandPosition()[0], 1e-12, "old plan ignored");
    maxStep = 0;
    run(3000, plan(0.3, 0.3));
    assertEquals(0.3, kernel.commandPosition()[0], 1e-3);
    assertTrue(maxStep <= 1.0 * cfg.periodNs() / 1e9 + 1e-12);
  }
}
