package io.telos.runtime.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.ActionChunk;
import io.telos.api.Header;
import io.telos.api.Mode;
import io.telos.api.SimulatedClock;
import io.telos.api.Setpoint;
import io.telos.api.Vec;
import io.telos.model.JointLimits;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Combinators;

/** Whatever the plans and states, every command the kernel emits is finite and inside the limits. */
class SafetyKernelPropertyTest {
  static final JointLimits LIMITS = new JointLimits(
      new double[] {-2.0, -1.0, -3.0}, new double[] {2.0, 1.5, 0.5},
      new double[] {1.0, 2.0, 0.5}, new double[] {3.0, 5.0, 2.0}, new double[] {10, 10, 10});

  /** One servo tick's input: maybe a new plan, and a measured state (possibly garbage). */
  record Step(double[] planTarget, int planSize, double[] measured, boolean stale, int modeChange) {}

  @Provide
  Arbitrary<List<Step>> scenarios() {
    Arbitrary<Double> wild = Arbitraries.oneOf(
        Arbitraries.doubles().between(-5, 5),
        Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e300, -1e300, 0.0));
    Arbitrary<double[]> vec3 = wild.array(double[].class).ofSize(3);
    Arbitrary<double[]> target = Arbitraries.oneOf(vec3, Arbitraries.just((double[]) null),
        Arbitraries.just((double[]) null), Arbitraries.just((double[]) null));
    Arbitrary<Step> step = Combinators.combine(target, Arbitraries.of(3, 3, 3, 2, 4),
            Arbitraries.doubles().between(-2.5, 2.5).array(double[].class).ofSize(3),
            Arbitraries.of(false, false, false, false, true), Arbitraries.integers().between(0, 40))
        .as(Step::new);
    return step.list().ofMinSize(50).ofMaxSize(400);
  }

  @Property(tries = 200)
  void commandsAreAlwaysFiniteAndWithinLimits(@ForAll("scenarios") List<Step> steps) {
    SimulatedClock clock = new SimulatedClock();
    ModeArbiter arbiter = new ModeArbiter("t", clock, Mode.AUTONOMOUS, c -> { });
    SafetyConfig cfg = SafetyConfig.defaults();
    SafetyKernel k = new SafetyKernel(LIMITS, cfg, arbiter, (s, c, m) -> { });
    LimitMonitor monitor = new LimitMonitor(LIMITS, cfg.periodNs());
    long seq = 0;
    int emitted = 0;
    for (Step s : steps) {
      if (s.planTarget() != null) {
        List<Setpoint> sps = new ArrayList<>();
        for (int j = 1; j <= 5; j++) {
          double[] p = new double[s.planSize()];
          for (int i = 0; i < p.length; i++) {
            p[i] = s.planTarget()[i % 3] * j / 5.0;
          }
          sps.add(new Setpoint(clock.nanos() + j * 20_000_000L, Vec.of(p), Vec.zeros(p.length)));
        }
        k.offer(new ActionChunk(Header.of(seq++, clock.nanos(), "p"), "g", sps, 0));
      }
      if (s.modeChange() == 1) {
        arbiter.request(Mode.HOLD, "test");
      } else if (s.modeChange() == 2) {
        arbiter.request(Mode.AUTONOMOUS, "test");
      } else if (s.modeChange() == 3) {
        arbiter.reset("test");
      }
      long stamp = s.stale() ? clock.nanos() - 1_000_000_000L : clock.nanos();
      // track the command closely so tracking-error stops do not end the scenario early
      double[] measured = k.dof() > 0 && emitted > 0 && !s.stale() ? k.commandPosition().clone() : s.measured();
      for (int r = 0; r < 10; r++) {
        if (k.tick(clock.nanos(), measured, stamp)) {
          emitted++;
          double[] p = k.commandPosition();
          double[] v = k.commandVelocity();
          monitor.command(p, v);
        }
        clock.advance(cfg.periodNs());
      }
    }
    assertEquals(0, monitor.commandViolations(), () -> "commands outside limits: " + monitor.firstViolation());
    assertTrue(emitted > 0);
  }
}
