package io.telos.planner;

import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.Observation;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.api.spi.Planner;
import io.telos.model.RobotModel;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Prints (does not assert) the planning step time of the default configurations on telos6. */
class StepTimeTest {
  private static final RobotModel TELOS6 = RobotModel.load("builtin:telos6");

  @Test
  void printStepTimes() {
    for (String type : List.of("mppi", "cem", "dls")) {
      long[] us = measure(Planners.create(TELOS6, Map.of("type", type), 7), 300, 50);
      System.out.printf("[step time] %s telos6 default config: p50 %d us, p99 %d us, max %d us (%d plans)%n", type,
          us[us.length / 2], us[(int) Math.ceil(us.length * 0.99) - 1], us[us.length - 1], us.length);
    }
    Map<String, Object> box = Map.of("type", "box", "min", List.of(0.35, -0.05, 0.0), "max", List.of(0.95, 0.08, 0.45));
    Map<String, Object> sphere = Map.of("type", "sphere", "center", List.of(-0.4, 0.4, 0.5), "radius", 0.15);
    Map<String, Object> capsule = Map.of("type", "capsule", "a", List.of(-0.5, -0.5, 0.0), "b", List.of(-0.5, -0.5, 1.0),
        "radius", 0.1);
    for (List<Map<String, Object>> volumes : List.of(List.of(box), List.of(box, sphere, capsule))) {
      for (String type : List.of("mppi", "dls")) {
        long[] us = measure(Planners.create(TELOS6, Map.of("type", type, "guardrails", Map.of("keep_out", volumes)), 7),
            300, 50);
        System.out.printf("[step time] %s telos6 with %d keep-out volume(s): p50 %d us, p99 %d us, max %d us (%d plans)%n",
            type, volumes.size(), us[us.length / 2], us[(int) Math.ceil(us.length * 0.99) - 1], us[us.length - 1],
            us.length);
      }
    }
  }

  /** Like the launcher's bench: random states, a new goal every 10 plans, 20 ms between stamps. */
  private static long[] measure(Planner planner, int plans, int warmup) {
    SplittableRandom rnd = new SplittableRandom(5);
    List<double[]> targets = ClosedLoop.targets(TELOS6, 50, 11);
    long[] out = new long[plans];
    int n = TELOS6.dof();
    for (int i = 0; i < plans + warmup; i++) {
      double[] q = new double[n];
      for (int j = 0; j < n; j++) {
        double lo = TELOS6.limits().lower(j);
        double hi = TELOS6.limits().upper(j);
        q[j] = lo + 0.2 * (hi - lo) + rnd.nextDouble() * 0.6 * (hi - lo);
      }
      double[] t = targets.get(i % targets.size());
      Observation obs = new Observation(Header.of(i, i * 20_000_000L, "bench"), Vec.of(q), Vec.zeros(n),
          TELOS6.chain().forwardPose(q), null, 0);
      Goal g = new Goal(Header.of(i, 0, "bench"), "g" + (i / 10), new Target.Position(t[0], t[1], t[2]), 0.01,
          8_000_000_000L);
      long t0 = System.nanoTime();
      planner.plan(obs, g);
      long us = (System.nanoTime() - t0) / 1000;
      if (i >= warmup) {
        out[i - warmup] = us;
      }
    }
    Arrays.sort(out);
    return out;
  }
}
