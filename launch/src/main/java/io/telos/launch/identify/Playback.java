package io.telos.launch.identify;

import io.telos.api.Setpoint;
import io.telos.api.Vec;
import java.util.ArrayList;
import java.util.List;

/**
 * The setpoints of a motion given as a function of time, for planners that play a schedule instead
 * of searching (the identification excitation, the calibration tour): one every
 * {@link #SPACING_MS} ms over the next {@link #HORIZON_MS} ms.
 */
public final class Playback {
  public static final int HORIZON_MS = 300;
  public static final int SPACING_MS = 10;

  /** Where the motion is {@code s} seconds after its start: position and velocity, per joint. */
  @FunctionalInterface
  public interface Motion {
    void at(double s, double[] position, double[] velocity);
  }

  private Playback() {}

  /** The setpoints after {@code nowNs} of {@code motion} started at {@code startNs}, for {@code n} joints. */
  public static List<Setpoint> setpoints(long nowNs, long startNs, int n, Motion motion) {
    List<Setpoint> out = new ArrayList<>();
    long spacing = SPACING_MS * 1_000_000L;
    for (long dt = spacing; dt <= HORIZON_MS * 1_000_000L; dt += spacing) {
      double[] p = new double[n];
      double[] v = new double[n];
      motion.at((nowNs + dt - startNs) / 1e9, p, v);
      out.add(new Setpoint(nowNs + dt, Vec.of(p), Vec.of(v)));
    }
    return out;
  }
}
