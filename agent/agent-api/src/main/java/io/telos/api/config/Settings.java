package io.telos.api.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A section of a launch file (a YAML map) with typed, path-aware accessors. Every error names the
 * full key (e.g. {@code safety.rate_hz}) and what is allowed, so start-up can refuse a bad file
 * with a message a user can act on.
 */
public final class Settings {
  private final String path;
  private final Map<String, Object> values;

  public Settings(String path, Map<String, ?> values) {
    this.path = path;
    this.values = values == null ? Map.of() : new LinkedHashMap<>(values);
  }

  public static Settings empty(String path) {
    return new Settings(path, Map.of());
  }

  /** The section's path, e.g. {@code planner}. */
  public String path() {
    return path;
  }

  public Map<String, Object> asMap() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** These settings less {@code key} (same path), for handing a section on after taking one's own key. */
  public Settings without(String key) {
    Map<String, Object> m = new LinkedHashMap<>(values);
    m.remove(key);
    return new Settings(path, m);
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  /** Refuses keys outside {@code allowed}. */
  public Settings requireOnly(Set<String> allowed) {
    for (String k : values.keySet()) {
      if (!allowed.contains(k)) {
        throw new ConfigException(key(k) + ": unknown key (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")");
      }
    }
    return this;
  }

  /** Full key name for messages. */
  public String key(String k) {
    return path.isEmpty() ? k : path + "." + k;
  }

  public Settings section(String k) {
    Object v = values.get(k);
    if (v == null) {
      return empty(key(k));
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw new ConfigException(key(k) + ": must be a map of settings, was " + describe(v));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((mk, mv) -> out.put(String.valueOf(mk), mv));
    return new Settings(key(k), out);
  }

  public String string(String k, String dflt) {
    Object v = values.get(k);
    if (v == null) {
      return dflt;
    }
    if (v instanceof String s && !s.isBlank()) {
      return s;
    }
    throw new ConfigException(key(k) + ": must be a non-empty string, was " + describe(v));
  }

  /**
   * A secret (password, token): a string, or {@code ${env:NAME}} to read it from the environment
   * so that it stays out of launch files.
   *
   * @throws ConfigException naming the key when the variable is not set
   */
  public String secret(String k, String dflt) {
    String v = string(k, null);
    return v == null ? dflt : fromEnvironment(v, key(k));
  }

  /** {@code value} itself, or the environment variable it names as {@code ${env:NAME}}. */
  public static String fromEnvironment(String value, String key) {
    if (value.startsWith("${env:") && value.endsWith("}")) {
      String name = value.substring(6, value.length() - 1);
      String v = System.getenv(name);
      if (v == null || v.isEmpty()) {
        throw new ConfigException(key + ": environment variable " + name + " is not set");
      }
      return v;
    }
    return value;
  }

  public String requiredString(String k) {
    String s = string(k, null);
    if (s == null) {
      throw new ConfigException(key(k) + ": missing (required)");
    }
    return s;
  }

  /** One of {@code allowed}. */
  public String choice(String k, String dflt, Set<String> allowed) {
    String s = string(k, dflt);
    if (s != null && !allowed.contains(s)) {
      throw new ConfigException(key(k) + ": must be one of " + String.join(", ", new TreeSet<>(allowed)) + ", was '" + s + "'");
    }
    return s;
  }

  public double number(String k, double dflt, double min, double max) {
    Object v = values.get(k);
    if (v == null) {
      return dflt;
    }
    double d = toDouble(k, v, min, max);
    return d;
  }

  public double requiredNumber(String k, double min, double max) {
    Object v = values.get(k);
    if (v == null) {
      throw new ConfigException(key(k) + ": missing (required, a number in [" + min + ", " + max + "])");
    }
    return toDouble(k, v, min, max);
  }

  public long integer(String k, long dflt, long min, long max) {
    Object v = values.get(k);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short) {
      long l = ((Number) v).longValue();
      if (l >= min && l <= max) {
        return l;
      }
    }
    throw new ConfigException(key(k) + ": must be an integer in [" + min + ", " + max + "], was " + describe(v));
  }

  public boolean bool(String k, boolean dflt) {
    Object v = values.get(k);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw new ConfigException(key(k) + ": must be true or false, was " + describe(v));
  }

  /** A list of numbers, each in [min, max]; {@code size} &lt; 0 means any size. */
  public double[] numbers(String k, double[] dflt, int size, double min, double max) {
    Object v = values.get(k);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof List<?> l)) {
      throw new ConfigException(key(k) + ": must be a list of numbers, was " + describe(v));
    }
    if (size >= 0 && l.size() != size) {
      throw new ConfigException(key(k) + ": must have " + size + " entries, had " + l.size());
    }
    double[] out = new double[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = toDouble(k + "[" + i + "]", l.get(i), min, max);
    }
    return out;
  }

  /**
   * A per-joint value: one number for every joint, or a list of {@code size} numbers, each in
   * [min, max]; {@code dflt} for every joint when the key is absent.
   */
  public double[] perJoint(String k, int size, double dflt, double min, double max) {
    Object v = values.get(k);
    double[] out;
    if (v instanceof List<?>) {
      out = numbers(k, null, size, min, max);
    } else {
      out = new double[size];
      Arrays.fill(out, v == null ? dflt : number(k, dflt, min, max));
    }
    return out;
  }

  /** Checks a per-joint value ({@link #perJoint}) whose joint count is not known yet. */
  public void checkPerJoint(String k, double min, double max) {
    if (values.get(k) instanceof List<?>) {
      numbers(k, null, -1, min, max);
    } else {
      number(k, min, min, max);
    }
  }

  /** A list of maps (e.g. a list of waypoints). */
  public List<Settings> list(String k) {
    Object v = values.get(k);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> l)) {
      throw new ConfigException(key(k) + ": must be a list, was " + describe(v));
    }
    List<Settings> out = new ArrayList<>();
    for (int i = 0; i < l.size(); i++) {
      Object e = l.get(i);
      if (!(e instanceof Map<?, ?> m)) {
        throw new ConfigException(key(k) + "[" + i + "]: must be a map, was " + describe(e));
      }
      Map<String, Object> mm = new LinkedHashMap<>();
      m.forEach((mk, mv) -> mm.put(String.valueOf(mk), mv));
      out.add(new Settings(key(k) + "[" + i + "]", mm));
    }
    return out;
  }

  private double toDouble(String k, Object v, double min, double max) {
    if (v instanceof Number n) {
      double d = n.doubleValue();
      if (Double.isFinite(d) && d >= min && d <= max) {
        return d;
      }
    }
    throw new ConfigException(key(k) + ": must be a number in [" + fmt(min) + ", " + fmt(max) + "], was " + describe(v));
  }

  private static String fmt(double d) {
    if (d == Double.MAX_VALUE || d == Double.POSITIVE_INFINITY) {
      return "inf";
    }
    if (d == -Double.MAX_VALUE || d == Double.NEGATIVE_INFINITY) {
      return "-inf";
    }
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  private static String describe(Object v) {
    return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
  }
}
