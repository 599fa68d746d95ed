package io.telos.api;

import java.util.Arrays;

/**
 * An immutable vector of doubles. Messages carry joint values as {@code Vec} so a record can
 * cross the local event bus by reference without anyone mutating what another component reads.
 * Reads are allocation-free ({@link #get(int)}, {@link #copyTo(double[])}).
 */
public final class Vec {
  private static final Vec EMPTY = new Vec(new double[0]);
  private final double[] values;

  private Vec(double[] values) {
    this.values = values;
  }

  /** A copy of {@code values}. */
  public static Vec of(double... values) {
    return values.length == 0 ? EMPTY : new Vec(values.clone());
  }

  /** A vector of {@code n} zeros. */
  public static Vec zeros(int n) {
    return n == 0 ? EMPTY : new Vec(new double[n]);
  }

  public static Vec empty() {
    return EMPTY;
  }

  public int size() {
    return values.length;
  }

  public boolean isEmpty() {
    return values.length == 0;
  }

  public double get(int i) {
    return values[i];
  }

  /** A fresh copy of the values. */
  public double[] toArray() {
    return values.clone();
  }

  /** Copies into {@code dst} (which must be at least {@link #size()} long) and returns it. */
  public double[] copyTo(double[] dst) {
    System.arraycopy(values, 0, dst, 0, values.length);
    return dst;
  }

  /** True when every value is finite (no NaN, no infinity). */
  public boolean isFinite() {
    for (double v : values) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Vec other && Arrays.equals(values, other.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return Arrays.toString(values);
  }
}
