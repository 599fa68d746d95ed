package io.telos.launch.identify;

import io.telos.model.JointLimits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A short, safe excitation for identifying how the joints follow their commands: one joint at a
 * time, around the pose the arm starts in, a few steps and smooth (minimum-jerk) moves of
 * ±amplitude with holds long enough for a slow joint to settle. Every other joint holds its start
 * position. Excursions are cut at a margin inside the position limits. Durations vary a little with
 * the seed. Immutable and deterministic.
 */
public final class Excitation {
  /** Time at rest before the first joint moves, s. */
  public static final double LEAD_S = 0.5;
  /** Time at rest after the last joint has moved, s. */
  public static final double TAIL_S = 0.5;
  /** Distance kept from every position limit, rad (m for a prismatic joint). */
  public static final double LIMIT_MARGIN = 0.05;

  /** One piece of a joint's schedule: from {@code from} to {@code to} (offsets) over {@code durS}. */
  private record Piece(double startS, double durS, double from, double to, boolean smooth) {}

  private final int n;
  private final int[] joints;
  private final double amplitude;
  private final double[] lo;
  private final double[] hi;
  private final List<Piece> pattern;
  private final double slotS;

  /**
   * @param joints the joints to excite, in the order they move (chain indices)
   * @param amplitude size of the excursions, rad (m for a prismatic joint), in (0, 0.5]
   */
  public Excitation(JointLimits limits, int[] joints, double amplitude, long seed) {
    this.n = limits.size();
    if (joints.length == 0) {
      throw new IllegalArgumentException("--joints: at least one joint to excite");
    }
    for (int j : joints) {
      if (j < 0 || j >= n) {
        throw new IllegalArgumentException("--joints: joint " + j + " is not in 0.." + (n - 1));
      }
    }
    if (!(amplitude > 0 && amplitude <= 0.5)) {
      throw new IllegalArgumentException("--amplitude-rad: must be in (0, 0.5], was " + amplitude);
    }
    this.joints = joints.clone();
    this.amplitude = amplitude;
    this.lo = limits.lower();
    this.hi = limits.upper();
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Piece> p = new ArrayList<>();
    double[] t = {0};
    double a = amplitude;
    // steps (the kernel turns them into its fastest allowed moves), then smooth moves, then half steps
    step(p, t, 0, a, hold(rnd));
    step(p, t, a, 0, hold(rnd));
    step(p, t, 0, -a, hold(rnd));
    step(p, t, -a, 0, hold(rnd));
    move(p, t, 0, a, 0.5 * jitter(rnd), hold(rnd) / 2);
    move(p, t, a, -a, 0.7 * jitter(rnd), hold(rnd) / 2);
    move(p, t, -a, 0, 0.4 * jitter(rnd), hold(rnd));
    step(p, t, 0, a / 2, hold(rnd) / 2);
    step(p, t, a / 2, -a / 2, hold(rnd) / 2);
    step(p, t, -a / 2, 0, hold(rnd));
    this.pattern = List.copyOf(p);
    this.slotS = t[0];
  }

  private static double jitter(SplittableRandom rnd) {
    return 0.8 + 0.4 * rnd.nextDouble();
  }

  private static double hold(SplittableRandom rnd) {
    return 0.8 * jitter(rnd);
  }

  private static void step(List<Piece> p, double[] t, double from, double to, double holdS) {
    p.add(new Piece(t[0], holdS, to, to, false));
    t[0] += holdS;
  }

  private static void move(List<Piece> p, double[] t, double from, double to, double durS, double holdS) {
    p.add(new Piece(t[0], durS, from, to, true));
    t[0] += durS;
    p.add(new Piece(t[0], holdS, to, to, false));
    t[0] += holdS;
  }

  /** Length of the whole excitation, s. */
  public double durationS() {
    return LEAD_S + joints.length * slotS + TAIL_S;
  }

  /** The joints excited, in order. */
  public int[] joints() {
    return joints.clone();
  }

  public double amplitude() {
    return amplitude;
  }

  /**
   * The commanded positions {@code t} seconds into the excitation, for an arm that started at
   * {@code base} (chain order), into {@code out}.
   */
  public void position(double t, double[] base, double[] out) {
    System.arraycopy(base, 0, out, 0, n);
    double local = t - LEAD_S;
    if (local < 0 || local >= joints.length * slotS) {
      return;
    }
    int slot = (int) Math.floor(local / slotS);
    int j = joints[slot];
    double off = offset(local - slot * slotS);
    double down = Math.min(0, lo[j] + LIMIT_MARGIN - base[j]);
    double up = Math.max(0, hi[j] - LIMIT_MARGIN - base[j]);
    out[j] = base[j] + Math.max(down, Math.min(up, off));
  }

  private double offset(double s) {
    for (Piece p : pattern) {
      if (s < p.startS() + p.durS()) {
        if (!p.smooth()) {
          return p.to();
        }
        double u = Math.max(0, (s - p.startS()) / p.durS());
        return p.from() + (p.to() - p.from()) * u * u * u * (10 - 15 * u + 6 * u * u);
      }
    }
    return 0;
  }

  @Override
  public String toString() {
    return "Excitation[joints=" + Arrays.toString(joints) + ", amplitude=" + amplitude + ", durationS="
        + String.format(Locale.ROOT, "%.1f", durationS()) + "]";
  }
}
