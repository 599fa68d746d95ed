package io.telos.launch.identify;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.Observation;
import io.telos.api.Setpoint;
import io.telos.api.spi.Planner;
import java.util.List;
import java.util.function.DoubleConsumer;

/**
 * A planner that plays an {@link Excitation} instead of pursuing its goal, so that the excitation
 * reaches the arm the way every plan does: through the safety kernel, which keeps each command
 * inside the position, velocity and acceleration limits. The excitation starts at the first
 * observation, around the position observed then. Each plan covers the next
 * {@value Playback#HORIZON_MS} ms in setpoints {@value Playback#SPACING_MS} ms apart.
 */
public final class ExcitationPlanner implements Planner {
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
    double spacingS = Playback.SPACING_MS / 1e3;
    double[] before = new double[base.length];
    List<Setpoint> sps = Playback.setpoints(now, startNs, base.length, (t, p, v) -> {
      excitation.position(t, base, p);
      excitation.position(t - spacingS, base, before);
      for (int i = 0; i < p.length; i++) {
        v[i] = (p[i] - before[i]) / spacingS;
      }
    });
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
