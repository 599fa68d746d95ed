package io.telos.runtime.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.ActionChunk;
import io.telos.api.Header;
import io.telos.api.Mode;
import io.telos.api.Setpoint;
import io.telos.api.SimulatedClock;
import io.telos.api.Vec;
import io.telos.model.ActuatorResponse;
import io.telos.model.JointLimits;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The tracking-error check judged against the arm's response: slow is not blocked, blocked is still caught. */
class SafetyKernelResponseTest {
  /** One joint, ±3 rad, 2 rad/s, 8 rad/s². */
  static final JointLimits LIMITS = new JointLimits(new double[] {-3}, new double[] {3}, new double[] {2},
      new double[] {8}, new double[] {5});
  /** 1 kHz, a plan that stays fresh for the whole run, a 0.15 rad tracking limit. */
  static final SafetyConfig CFG = new SafetyConfig(1000, 50_000_000L, 5_000_000_000L, 0.15, 0, 500_000_000L);

  record Run(Mode mode, List<String> faults, double worstLagRad) {}

  /**
   * Drives the kernel with a plan that moves 2.5 rad at the velocity limit while the "arm" follows
   * the commands through {@code plant} (frozen at {@code blockAtS}, if positive).
   */
  static Run drive(ActuatorResponse declared, ActuatorResponse plant, double blockAtS) {
    return drive(declared, plant, blockAtS, 0, CFG);
  }

  /** As above, with every measurement delivered {@code delayTicks} ticks late (stamped when it was taken). */
  static Run drive(ActuatorResponse declared, ActuatorResponse plant, double blockAtS, int delayTicks, SafetyConfig cfg) {
    return drive(declared, plant, blockAtS, delayTicks, cfg, null);
  }

  /** As above, with {@code adopted} handed to the kernel after its first tick (null: none). */
  static Run drive(ActuatorResponse declared, ActuatorResponse plant, double blockAtS, int delayTicks, SafetyConfig cfg,
      ActuatorResponse adopted) {
    SimulatedClock clock = new SimulatedClock();
    List<String> faults = new ArrayList<>();
    ModeArbiter arbiter = new ModeArbiter("t", clock, Mode.AUTONOMOUS, m -> { });
    SafetyKernel kernel = new SafetyKernel(LIMITS, declared, cfg, arbiter, (s, code, m) -> faults.add(code));
    java.util.ArrayDeque<double[]> inFlight = new java.util.ArrayDeque<>();
    double[] q = {-1.25};
    ActuatorResponse.Filter arm = plant.filter(CFG.periodNs() / 1e9, q);
    kernel.tick(clock.nanos(), q, clock.nanos());
    if (adopted != null) {
      kernel.adoptResponse(adopted);
    }
    List<Setpoint> sps = new ArrayList<>();
    for (int k = 1; k <= 40; k++) { // 2 s of setpoints, 2.5 rad in total
      sps.add(new Setpoint(k * 50_000_000L, Vec.of(-1.25 + Math.min(2.5, k * 0.1)), Vec.of(2.0)));
    }
    kernel.offer(new ActionChunk(Header.of(0, 0, "p"), "g", sps, 0));
    double worst = 0;
    double[] measured = new double[1];
    for (int tick = 0; tick < 3000; tick++) {
      clock.advance(CFG.periodNs());
      double t = clock.nanos() / 1e9;
      if (blockAtS <= 0 || t < blockAtS) {
        arm.step(kernel.commandPosition());
        measured[0] = arm.position(0);
      }
      worst = Math.max(worst, Math.abs(kernel.commandPosition()[0] - measured[0]));
      inFlight.addLast(new double[] {measured[0], clock.nanos()});
      double[] seen = inFlight.size() > delayTicks ? inFlight.removeFirst() : inFlight.peekFirst();
      kernel.tick(clock.nanos(), new double[] {seen[0]}, (long) seen[1]);
    }
    return new Run(arbiter.mode(), faults, worst);
  }

  @ParameterizedTest(name = "lag {0} s, dead time {1} ms")
  @CsvSource({"0.2, 0", "0.3, 50", "0.1, 20"})
  void aSlowArmIsNotMistakenForABlockedOne(double lagS, double deadMs) {
    ActuatorResponse r = ActuatorResponse.uniform(1, lagS, deadMs / 1e3, Double.POSITIVE_INFINITY);
    Run judged = drive(r, r, 0);
    assertTrue(judged.worstLagRad() > CFG.trackingErrorRad(), "the arm must lag its command by more than the limit "
        + "for this test to mean anything, lagged " + judged.worstLagRad());
    assertEquals(Mode.AUTONOMOUS, judged.mode(), "faults " + judged.faults());
    assertFalse(judged.faults().contains("TRACKING_ERROR"));

    Run naive = drive(ActuatorResponse.ideal(1), r, 0);
    assertEquals(Mode.PROTECTIVE_STOP, naive.mode(), "without the response the same arm trips the check");
  }

  /** A state that arrives 40 ms late is compared with where the arm should have been when it was measured. */
  @Test
  void aLateStateIsJudgedAtItsOwnStamp() {
    ActuatorResponse r = ActuatorResponse.uniform(1, 0.1, 0.02, Double.POSITIVE_INFINITY);
    SafetyConfig tight = new SafetyConfig(1000, 50_000_000L, 5_000_000_000L, 0.03, 0, 500_000_000L);
    Run late = drive(r, r, 0, 40, tight);
    assertFalse(late.faults().contains("TRACKING_ERROR"), "faults " + late.faults());
    Run blocked = drive(r, r, 0.4, 40, tight);
    assertTrue(blocked.faults().contains("TRACKING_ERROR"), "a blocked arm is still caught when states are late");
  }

  @Test
  void aBlockedArmIsStillCaught() {
    ActuatorResponse r = ActuatorResponse.uniform(1, 0.2, 0.05, Double.POSITIVE_INFINITY);
    Run run = drive(r, r, 0.4);
    assertEquals(Mode.PROTECTIVE_STOP, run.mode());
    assertTrue(run.faults().contains("TRACKING_ERROR"));
  }

  @Test
  void aSpeedCeilingIsPartOfTheResponse() {
    ActuatorResponse capped = ActuatorResponse.uniform(1, 0.05, 0, 1.0);
    Run judged = drive(capped, capped, 0);
    assertTrue(judged.worstLagRad() > CFG.trackingErrorRad(), "lagged " + judged.worstLagRad());
    assertFalse(judged.faults().contains("TRACKING_ERROR"), "faults " + judged.faults());
  }

  /** A response adopted while running (identified online) is the tracking reference from the next tick. */
  @Test
  void anAdoptedResponseIsJudgedFromTheNextTick() {
    ActuatorResponse r = ActuatorResponse.uniform(1, 0.2, 0.04, Double.POSITIVE_INFINITY);
    Run naive = drive(ActuatorResponse.ideal(1), r, 0);
    assertEquals(Mode.PROTECTIVE_STOP, naive.mode(), "without the response the arm trips the check");
    Run adopted = drive(ActuatorResponse.ideal(1), r, 0, 0, CFG, r);
    assertEquals(Mode.AUTONOMOUS, adopted.mode(), "faults " + adopted.faults());
    assertFalse(adopted.faults().contains("TRACKING_ERROR"));
    Run blocked = drive(ActuatorResponse.ideal(1), r, 0.4, 0, CFG, r);
    assertTrue(blocked.faults().contains("TRACKING_ERROR"), "a blocked arm is still caught after adoption");
  }

  @Test
  void anAdoptedResponseMustFitTheArm() {
    SafetyKernel kernel = new SafetyKernel(LIMITS, CFG, new ModeArbiter("t", new SimulatedClock(), Mode.AUTONOMOUS,
        m -> { }), (s, code, m) -> { });
    assertThrows(IllegalArgumentException.class, () -> kernel.adoptResponse(ActuatorResponse.ideal(2)));
    assertTrue(kernel.response().isIdeal());
  }
}
