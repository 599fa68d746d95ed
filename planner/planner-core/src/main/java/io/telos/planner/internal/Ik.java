package io.telos.planner.internal;

import io.telos.model.JointLimits;
import io.telos.model.KinematicChain;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Position inverse kinematics by projected damped least squares, with seeded restarts: finds joint
 * configurations inside the position limits (with a margin) that put the end-effector on a point.
 * Used to pick joint-space subgoals. Deterministic; not thread-safe (keeps scratch memory).
 */
public final class Ik {
  private static final int PATH_SAMPLES = 24;
  private final KinematicChain chain;
  private final int n;
  private final double[] lo;
  private final double[] hi;
  private final double[] jac;
  private final double[] ee = new double[3];
  private final double[] e = new double[3];
  private final double[] dq;
  private final double[] q;
  private final double[] range;
  private final KinematicChain.Scratch scratch;

  /**
   * @param marginRad distance kept from each position limit (capped at a quarter of the range)
   */
  public Ik(KinematicChain chain, JointLimits limits, double marginRad) {
    this.chain = chain;
    this.n = chain.dof();
    this.lo = new double[n];
    this.hi = new double[n];
    this.range = new double[n];
    for (int i = 0; i < n; i++) {
      double l = limits.lower(i);
      double h = limits.upper(i);
      boolean bounded = Double.isFinite(l) && Double.isFinite(h);
      double m = bounded ? Math.min(marginRad, (h - l) / 4) : 0.0;
      lo[i] = bounded ? l + m : -Math.PI;
      hi[i] = bounded ? h - m : Math.PI;
      range[i] = hi[i] - lo[i];
    }
    this.jac = new double[6 * n];
    this.dq = new double[n];
    this.q = new double[n];
    this.scratch = chain.newScratch();
  }

  /**
   * Searches from {@code current} and from {@code restarts} random configurations (drawn from a
   * generator seeded with {@code seed}) and writes into {@code out} the solution that is cheapest
   * to move to from {@code current}: joint distance weighted by {@code moveWeight} (e.g. the inverse
   * velocity limits), among those within {@code toleranceM} of the target; if none is, the one
   * closest to the target.
   *
   * @return the end-effector's distance to the target at the chosen solution (m)
   */
  public double solve(double[] target, double[] current, double[] moveWeight, int restarts, long seed,
      double toleranceM, double[] out) {
    return solve(target, current, moveWeight, restarts, seed, toleranceM, null, 0, out);
  }

  /**
   * As {@link #solve(double[], double[], double[], int, long, double, double[])}, preferring, among
   * solutions that reach the target, those whose straight joint-space path from {@code current}
   * keeps at least {@code margin} clearance (by {@code clearance}, e.g. to keep-out volumes), then
   * those whose final configuration does; {@code clearance} null means no preference.
   */
  public double solve(double[] target, double[] current, double[] moveWeight, int restarts, long seed,
      double toleranceM, ToDoubleFunction<double[]> clearance, double margin, double[] out) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double bestScore = Double.POSITIVE_INFINITY;
    double bestResidual = Double.POSITIVE_INFINITY;
    int bestTier = -1;
    double[] probe = new double[n];
    for (int s = 0; s <= restarts; s++) {
      for (int i = 0; i < n; i++) {
        q[i] = s == 0 ? clamp(current[i], lo[i], hi[i]) : lo[i] + rnd.nextDouble() * range[i];
      }
      double residual = descend(target, 200, toleranceM * 0.1);
      boolean ok = residual <= toleranceM;
      double score = 0;
      for (int i = 0; i < n; i++) {
        double d = (q[i] - current[i]) * moveWeight[i];
        score += d * d;
      }
      int tier = !ok ? 0 : clearance == null ? 1 : 1 + clearTier(clearance, current, margin, probe);
      boolean better = tier > bestTier || (tier == bestTier && (ok ? score < bestScore : residual < bestResidual));
      if (better) {
        bestTier = tier;
        bestScore = score;
        bestResidual = residual;
        System.arraycopy(q, 0, out, 0, n);
      }
    }
    return bestResidual;
  }

  /** 2: the straight path from {@code current} to {@code q} is clear; 1: only {@code q} is; 0: neither. */
  private int clearTier(ToDoubleFunction<double[]> clearance, double[] current, double margin, double[] probe) {
    if (clearance.applyAsDouble(q) < margin) {
      return 0;
    }
    for (int k = 1; k < PATH_SAMPLES; k++) {
      double f = (double) k / PATH_SAMPLES;
      for (int i = 0; i < n; i++) {
        probe[i] = current[i] + f * (q[i] - current[i]);
      }
      if (clearance.applyAsDouble(probe) < margin) {
        return 1;
      }
    }
    return 2;
  }

  /** End-effector position at {@code q} (a fresh array). */
  public double[] endEffector(double[] q) {
    double[] out = new double[3];
    chain.forwardPosition(q, out, scratch);
    return out;
  }

  /** Projected DLS from {@link #q}; returns the final distance to the target. */
  private double descend(double[] target, int iterations, double stopM) {
    double dist = Double.POSITIVE_INFINITY;
    for (int it = 0; it < iterations; it++) {
      chain.jacobian(q, jac, ee, scratch);
      e[0] = target[0] - ee[0];
      e[1] = target[1] - ee[1];
      e[2] = target[2] - ee[2];
      dist = Math.sqrt(e[0] * e[0] + e[1] * e[1] + e[2] * e[2]);
      if (dist <= stopM) {
        return dist;
      }
      Dls.solve(jac, n, 0.02, e, dq);
      double step = 0;
      for (int i = 0; i < n; i++) {
        step = Math.max(step, Math.abs(dq[i]));
      }
      double f = step > 0.4 ? 0.4 / step : 1.0;
      for (int i = 0; i < n; i++) {
        q[i] = clamp(q[i] + f * dq[i], lo[i], hi[i]);
      }
    }
    chain.forwardPosition(q, ee, scratch);
    return Math.sqrt((target[0] - ee[0]) * (target[0] - ee[0]) + (target[1] - ee[1]) * (target[1] - ee[1])
        + (target[2] - ee[2]) * (target[2] - ee[2]));
  }

  private static double clamp(double v, double l, double h) {
    return v < l ? l : (v > h ? h : v);
  }
}
