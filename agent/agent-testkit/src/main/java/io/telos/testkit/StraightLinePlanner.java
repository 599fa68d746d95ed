package io.telos.testkit;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.Observation;
import io.telos.api.Setpoint;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.api.spi.Planner;
import java.util.ArrayList;
import java.util.List;

/**
 * A fake planner for tests: moves every joint in a straight line toward a {@link Target.Joints}
 * goal at a fixed speed; holds for any other target. Deterministic, no model.
 */
public final class StraightLinePlanner implements Planner {
  private final double speed;
  private final long dtNs;
  private final int steps;

  /** @param speedRadS joint speed; @param dtNs spacing of setpoints; @param steps setpoints per chunk */
  public StraightLinePlanner(double speedRadS, long dtNs, int steps) {
    this.speed = speedRadS;
    this.dtNs = dtNs;
    this.steps = steps;
  }

  @Override
  public String name() {
    return "straight-line";
  }

  @Override
  public ActionChunk plan(Observation obs, Goal goal) {
    int n = obs.position().size();
    double[] q = obs.position().toArray();
    double[] target = goal.target() instanceof Target.Joints j ? j.position().toArray() : q.clone();
    List<Setpoint> out = new ArrayList<>();
    double maxStep = speed * dtNs / 1e9;
    for (int k = 1; k <= steps; k++) {
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        double d = Math.max(-maxStep, Math.min(maxStep, target[i] - q[i]));
        q[i] += d;
        v[i] = d / (dtNs / 1e9);
      }
      out.add(new Setpoint(obs.header().stampNs() + k * dtNs, Vec.of(q), Vec.of(v)));
    }
    return new ActionChunk(Header.of(0, obs.header().stampNs(), "fake-planner"), goal.id(), out, 0);
  }
}
