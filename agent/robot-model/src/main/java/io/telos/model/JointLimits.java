package io.telos.model;

import java.util.Arrays;

/**
 * Per-joint limits of a chain, in chain order: position (rad or m), velocity, acceleration and
 * effort. Accessors return copies; use {@code lower(i)} etc. on hot paths.
 */
public final class JointLimits {
  private final double[] lower;
  private final double[] upper;
  private final double[] velocity;
  private final double[] acceleration;
  private final double[] effort;

  public JointLimits(double[] lower, double[] upper, double[] velocity, double[] acceleration, double[] effort) {
    int n = lower.length;
    if (upper.length != n || velocity.length != n || acceleration.length != n || effort.length != n) {
      throw new IllegalArgumentException("limit arrays must all have " + n + " entries");
    }
    for (int i = 0; i < n; i++) {
      if (!(lower[i] <= upper[i])) {
        throw new IllegalArgumentException("joint " + i + ": lower limit " + lower[i] + " is above upper " + upper[i]);
      }
      if (!(velocity[i] > 0) || !(acceleration[i] > 0) || !(effort[i] > 0)) {
        throw new IllegalArgumentException("joint " + i + ": velocity, acceleration and effort limits must be > 0");
      }
    }
    this.lower = lower.clone();
    this.upper = upper.clone();
    this.velocity = velocity.clone();
    this.acceleration = acceleration.clone();
    this.effort = effort.clone();
  }

  /** Limits from the URDF; acceleration defaults to twice the velocity limit per second. */
  public static JointLimits fromChain(KinematicChain chain) {
    int n = chain.dof();
    double[] lo = new double[n];
    double[] hi = new double[n];
    double[] v = new double[n];
    double[] a = new double[n];
    double[] e = new double[n];
    for (int i = 0; i < n; i++) {
      JointSpec j = chain.joints().get(i);
      lo[i] = j.lower();
      hi[i] = j.upper();
      v[i] = Double.isFinite(j.velocity()) ? j.velocity() : 1.0;
      a[i] = 2.0 * v[i];
      e[i] = j.effort();
    }
    return new JointLimits(lo, hi, v, a, e);
  }

  /** The same limits with other acceleration limits. */
  public JointLimits withAcceleration(double[] accel) {
    return new JointLimits(lower, upper, velocity, accel, effort);
  }

  /** The same limits with velocity limits scaled by {@code factor} in (0, 1]. */
  public JointLimits withVelocityScale(double factor) {
    if (!(factor > 0 && factor <= 1)) {
      throw new IllegalArgumentException("velocity scale must be in (0, 1], was " + factor);
    }
    double[] v = velocity.clone();
    for (int i = 0; i < v.length; i++) {
      v[i] *= factor;
    }
    return new JointLimits(lower, upper, v, acceleration, effort);
  }

  public int size() {
    return lower.length;
  }

  public double lower(int i) {
    return lower[i];
  }

  public double upper(int i) {
    return upper[i];
  }

  public double velocity(int i) {
    return velocity[i];
  }

  public double acceleration(int i) {
    return acceleration[i];
  }

  public double effort(int i) {
    return effort[i];
  }

  public double[] lower() {
    return lower.clone();
  }

  public double[] upper() {
    return upper.clone();
  }

  public double[] velocity() {
    return velocity.clone();
  }

  public double[] acceleration() {
    return acceleration.clone();
  }

  public double[] effort() {
    return effort.clone();
  }

  /** True when {@code q} is inside the position limits (with {@code tol} slack). */
  public boolean contains(double[] q, double tol) {
    for (int i = 0; i < lower.length; i++) {
      if (!(q[i] >= lower[i] - tol && q[i] <= upper[i] + tol)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "JointLimits[lower=" + Arrays.toString(lower) + ", upper=" + Arrays.toString(upper)
        + ", velocity=" + Arrays.toString(velocity) + ", acceleration=" + Arrays.toString(acceleration) + "]";
  }
}
