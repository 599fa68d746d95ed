package io.telos.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.Observation;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.model.RobotModel;
import org.junit.jupiter.api.Test;

class WarmStartTest {
  private static final RobotModel TELOS6 = RobotModel.load("builtin:telos6");
  private static final Goal GOAL = new Goal(Header.of(0, 0, "t"), "g", new Target.Position(0.45, -0.25, 0.35), 0.01,
      60_000_000_000L);

  private static Observation start() {
    double[] q = new double[6];
    return new Observation(Header.of(0, 0, "t"), Vec.of(q), Vec.zeros(6), TELOS6.chain().forwardPose(q), null, 0);
  }

  private static MppiPlanner planner(long seed) {
    return new MppiPlanner(TELOS6, MppiConfig.defaults().withSeed(seed).withBudget(16, 12, 2));
  }

  @Test
  void aGoodRecalledSequenceLowersTheFirstPlansEnergyAndABadOneCostsNothing() {
    // what a converged planner did from this situation before: many calls on the same observation
    MppiPlanner expert = new MppiPlanner(TELOS6, MppiConfig.defaults().withSeed(1));
    ActionChunk good = null;
    for (int i = 0; i < 30; i++) {
      good = expert.plan(start(), GOAL);
    }
    double[] recalled = new double[good.setpoints().size() * 6];
    for (int t = 0; t < good.setpoints().size(); t++) {
      System.arraycopy(good.setpoints().get(t).velocity().toArray(), 0, recalled, t * 6, 6);
    }

    double cold = planner(5).plan(start(), GOAL).energy();
    MppiPlanner hinted = planner(5);
    hinted.offerWarmStart(recalled);
    double warm = hinted.plan(start(), GOAL).energy();
    assertEquals(1, hinted.warmStartsUsed());
    assertTrue(warm < cold, "recalled sequence helps: " + warm + " vs cold " + cold);

    MppiPlanner misled = planner(5);
    double[] away = recalled.clone();
    for (int i = 0; i < away.length; i++) {
      away[i] = -away[i];
    }
    misled.offerWarmStart(away);
    double bad = misled.plan(start(), GOAL).energy();
    assertTrue(bad <= cold * 1.05 + 1e-9, "a bad suggestion is outvoted: " + bad + " vs cold " + cold);
  }

  @Test
  void refusesMalformedSequences() {
    MppiPlanner p = planner(1);
    assertThrows(IllegalArgumentException.class, () -> p.offerWarmStart(new double[5]));
    assertThrows(IllegalArgumentException.class, () -> p.offerWarmStart(new double[0]));
    double[] nan = new double[6];
    nan[2] = Double.NaN;
    assertThrows(IllegalArgumentException.class, () -> p.offerWarmStart(nan));
    assertEquals(0, p.warmStartsUsed());
  }
}
