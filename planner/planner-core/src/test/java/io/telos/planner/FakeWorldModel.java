package io.telos.planner;

import io.telos.api.Observation;
import io.telos.api.config.Settings;
import io.telos.model.RobotModel;
import io.telos.planner.spi.WorldModel;
import io.telos.planner.spi.WorldModelProvider;
import java.util.Arrays;
import java.util.Set;

/**
 * The hand-written fake of the {@link WorldModel} port: stands in for a learned model. It follows
 * the analytic model, then misbehaves as told: ignores the limits (predicts positions past them),
 * returns NaN, or reports a constant uncertainty.
 */
public final class FakeWorldModel implements WorldModel {
  enum Defect { NONE, IGNORES_LIMITS, NAN, UNCERTAIN }

  private final AnalyticWorldModel exact;
  private final Defect defect;
  private final int n;

  FakeWorldModel(RobotModel robot, double dtS, Defect defect) {
    this.exact = new AnalyticWorldModel(robot, dtS);
    this.defect = defect;
    this.n = robot.dof();
  }

  @Override
  public String name() {
    return "fake-" + defect.name().toLowerCase();
  }

  @Override
  public int dof() {
    return n;
  }

  @Override
  public int stateSize() {
    return 2 * n;
  }

  @Override
  public double dtS() {
    return exact.dtS();
  }

  @Override
  public double actionBound(int i) {
    return exact.actionBound(i);
  }

  @Override
  public void encode(Observation observation, double[] stateOut) {
    exact.encode(observation, stateOut);
  }

  @Override
  public void step(double[] states, double[] actions, int batch, double[] next) {
    switch (defect) {
      case IGNORES_LIMITS -> {
        for (int b = 0; b < batch; b++) {
          for (int i = 0; i < n; i++) {
            double v = 3 * actions[b * n + i];
            next[b * 2 * n + n + i] = v;
            next[b * 2 * n + i] = states[b * 2 * n + i] + dtS() * v + 0.05;
          }
        }
      }
      case NAN -> Arrays.fill(next, 0, batch * 2 * n, Double.NaN);
      default -> exact.step(states, actions, batch, next);
    }
  }

  @Override
  public void probe(Probe probe, double[] states, int batch, double[] out) {
    exact.probe(probe, states, batch, out);
  }

  @Override
  public boolean hasUncertainty() {
    return defect == Defect.UNCERTAIN;
  }

  @Override
  public void uncertainty(double[] states, double[] actions, int batch, double[] out) {
    Arrays.fill(out, 0, batch, defect == Defect.UNCERTAIN ? 0.5 : 0.0);
  }

  /** Registered for tests as {@code world_model: fake} (optional key {@code defect}). */
  public static final class Provider implements WorldModelProvider {
    @Override
    public String type() {
      return "fake";
    }

    @Override
    public WorldModel create(RobotModel robot, double dtS, Settings settings) {
      settings.requireOnly(Set.of("defect"));
      String d = settings.choice("defect", "none", Set.of("none", "ignores_limits", "nan", "uncertain"));
      return new FakeWorldModel(robot, dtS, Defect.valueOf(d.toUpperCase()));
    }
  }
}
