package io.telos.planner.internal;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import java.util.List;
import java.util.Map;

/**
 * Validation and typed reads of planner settings. Every message names the full key and what is
 * allowed, e.g. {@code planner.samples: must be an integer in [8, 4096], was 0}.
 */
public final class Check {
  private Check() {}

  /** An interval of allowed numbers, each end open or closed. */
  public record Range(double lo, boolean loOpen, double hi, boolean hiOpen) {
    public static Range closed(double lo, double hi) {
      return new Range(lo, false, hi, false);
    }

    public static Range openClosed(double lo, double hi) {
      return new Range(lo, true, hi, false);
    }

    public static Range open(double lo, double hi) {
      return new Range(lo, true, hi, true);
    }

    public boolean contains(double v) {
      return Double.isFinite(v) && (loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi);
    }

    @Override
    public String toString() {
      return (loOpen ? "(" : "[") + fmt(lo) + ", " + fmt(hi) + (hiOpen ? ")" : "]");
    }
  }

  public static int integer(String key, int value, int lo, int hi) {
    if (value < lo || value > hi) {
      throw new ConfigException(key + ": must be an integer in [" + lo + ", " + hi + "], was " + value);
    }
    return value;
  }

  public static double number(String key, double value, Range range) {
    if (!range.contains(value)) {
      throw new ConfigException(key + ": must be a number in " + range + ", was " + fmt(value));
    }
    return value;
  }

  public static int readInt(Settings s, String k, int dflt, int lo, int hi) {
    Object v = raw(s, k);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short) {
      long l = ((Number) v).longValue();
      if (l >= lo && l <= hi) {
        return (int) l;
      }
    }
    throw new ConfigException(s.key(k) + ": must be an integer in [" + lo + ", " + hi + "], was " + describe(v));
  }

  public static double readNumber(Settings s, String k, double dflt, Range range) {
    Object v = raw(s, k);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Number n && range.contains(n.doubleValue())) {
      return n.doubleValue();
    }
    throw new ConfigException(s.key(k) + ": must be a number in " + range + ", was " + describe(v));
  }

  /** A list of exactly {@code size} finite numbers. */
  public static double[] readVector(Settings s, String k, double[] dflt, int size) {
    Object v = raw(s, k);
    if (v == null) {
      return dflt;
    }
    String what = ": must be a list of " + size + " numbers";
    if (!(v instanceof List<?> l)) {
      throw new ConfigException(s.key(k) + what + ", was " + describe(v));
    }
    if (l.size() != size) {
      throw new ConfigException(s.key(k) + what + ", had " + l.size());
    }
    double[] out = new double[size];
    for (int i = 0; i < size; i++) {
      Object e = l.get(i);
      if (!(e instanceof Number n) || !Double.isFinite(n.doubleValue())) {
        throw new ConfigException(s.key(k) + "[" + i + "]: must be a finite number, was " + describe(e));
      }
      out[i] = n.doubleValue();
    }
    return out;
  }

  private static Object raw(Settings s, String k) {
    Map<String, Object> m = s.asMap();
    return m.get(k);
  }

  public static String describe(Object v) {
    return v instanceof String str ? "'" + str + "'" : String.valueOf(v);
  }

  public static String fmt(double d) {
    if (d == Double.MAX_VALUE || d == Double.POSITIVE_INFINITY) {
      return "inf";
    }
    if (d == -Double.MAX_VALUE || d == Double.NEGATIVE_INFINITY) {
      return "-inf";
    }
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
