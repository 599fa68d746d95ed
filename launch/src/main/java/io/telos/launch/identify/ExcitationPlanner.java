package io.telos.launch.identify;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.Observation;
import io.telos.api.Setpoint;
import io.telos.api.Vec;
import io.telos.api.spi.Planner;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleConsumer;

/**
 * A planner that plays an {@link Excitation} instead of pursuing its goal, so that the excitation
 * reaches the arm the way every plan does: through the safety kernel, which keeps each command
 * inside the position, velocity and acceleration limits. The excitation starts at the first
 * observation, around the position observed then. Each plan covers the next
 * {@value #HORIZON_MS} ms in setpoints {@value #SPACING_MS} ms apart.
 */
public final class ExcitationPlanner implements Planner {
  static final int HORIZON_MS = 300;
  static final int SPACING_MS = 10;

  private final Excitation excitation;
  private final DoubleConsumer progress;
  private double[] base;
  private long startNs;
  private long sequence;

  /** @param progress receives the seconds of excitation played so far (on the planner's thread) */
  public ExcitationPlanner(Excitation excitation, DoubleConsumer progress) {
    this.excitation = excitation;
    this.progress = progress;
  }

  @Override
  public String name() {
    return "identify";
  }

  @Override
  public ActionChunk plan(Observation observation, Goal goal) {
    long now = observation.header().stampNs();
    if (base == null) {
      base = observation.position().toArray();
      startNs = now;
    }
    int n = base.length;
    double[] p = new double[n];
    double[] pPrev = new double[n];
    List<Setpoint> sps = new ArrayList<>();
    long spacing = SPACING_MS * 1_000_000L;
    for (long dt = spacing; dt <= HORIZON_MS * 1_000_000L; dt += spacing) {
      double s = (now + dt - startNs) / 1e9;
      excitation.position(s, base, p);
      excitation.position(s - spacing / 1e9, base, pPrev);
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = (p[i] - pPrev[i]) / (spacing / 1e9);
      }
      sps.add(new Setpoint(now + dt, Vec.of(p.clone()), Vec.of(v)));
    }
    progress.accept(Math.min(excitation.durationS(), (now - startNs) / 1e9));
    return new ActionChunk(Header.of(sequence++, now, "planner/identify"), goal.id(), sps, 0);
  }

  /** The position the excitation is played around (null before the first plan). */
  public double[] base() {
    return base == null ? null : base.clone();
  }

  @Override
  public void reset() {
    // the excitation keeps its clock and its base across goals and mode changes
  }
}
