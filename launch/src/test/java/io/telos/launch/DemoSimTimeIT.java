package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.GoalOutcome;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * End to end, headless, in simulated lock-step time: the real ODE-simulated arm, the real safety
 * kernel, perception and planner on the Vert.x bus. Also checks that a seeded run replays to the
 * identical command sequence.
 */
class DemoSimTimeIT {
  @Test
  void simulatedArmReachesSeededTargetsWithoutLimitViolations() throws Exception {
    LaunchSpec spec = Telos.demoSpec("sim", 42L, 6);
    List<GoalOutcome> seen = new ArrayList<>();
    RunReport r = Session.run(spec, seen::add, Duration.ofMinutes(5));
    assertEquals(6, r.outcomes().size(), "every target got an outcome");
    assertTrue(r.successRate() >= 5.0 / 6, "success rate " + r.successRate() + " " + r.outcomes());
    assertEquals(0, r.limitViolations(), "limit violations");
    assertTrue(r.simulatedSeconds() > 1, "time advanced in simulation");
    assertEquals(seen.size(), r.outcomes().size());
  }

  @Test
  void aSeededRunRepeatsToTheIdenticalCommandSequence() throws Exception {
    LaunchSpec spec = Telos.demoSpec("sim", 7L, 2);
    RunReport a = Session.run(spec, o -> { }, Duration.ofMinutes(3));
    RunReport b = Session.run(spec, o -> { }, Duration.ofMinutes(3));
    assertEquals(2, a.outcomes().size());
    assertEquals(a.servoTicks(), b.servoTicks(), "same number of servo ticks");
    assertEquals(a.commandHash(), b.commandHash(), "same command sequence, bit for bit");
    RunReport c = Session.run(Telos.demoSpec("sim", 8L, 2), o -> { }, Duration.ofMinutes(3));
    assertTrue(c.commandHash() != a.commandHash(), "another seed gives another run");
  }
}
