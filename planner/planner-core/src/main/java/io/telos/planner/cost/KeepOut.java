package io.telos.planner.cost;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.planner.internal.Check;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A keep-out volume in the base frame that no part of the arm may enter: a hard guardrail
 * ({@code planner.guardrails.keep_out}). Each volume gives the signed distance of a point to its
 * surface (negative inside) and an axis-aligned bounding box for quick rejection.
 */
public sealed interface KeepOut {
  /** Signed distance (m) from {@code (x, y, z)} to the volume: > 0 outside, <= 0 on or inside; NaN gives -inf. */
  double distance(double x, double y, double z);

  /** Lower corner of the bounding box. */
  double[] boundsMin();

  /** Upper corner of the bounding box. */
  double[] boundsMax();

  /** Axis-aligned box from {@code min} to {@code max}. */
  record Box(double[] min, double[] max) implements KeepOut {
    public Box {
      min = min == null ? null : min.clone();
      max = max == null ? null : max.clone();
    }

    @Override
    public double distance(double x, double y, double z) {
      double dx = Math.max(min[0] - x, x - max[0]);
      double dy = Math.max(min[1] - y, y - max[1]);
      double dz = Math.max(min[2] - z, z - max[2]);
      double ox = Math.max(dx, 0);
      double oy = Math.max(dy, 0);
      double oz = Math.max(dz, 0);
      double d = Math.sqrt(ox * ox + oy * oy + oz * oz) + Math.min(Math.max(dx, Math.max(dy, dz)), 0);
      return Double.isNaN(d) ? Double.NEGATIVE_INFINITY : d;
    }

    @Override
    public double[] boundsMin() {
      return min.clone();
    }

    @Override
    public double[] boundsMax() {
      return max.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Box b && Arrays.equals(min, b.min) && Arrays.equals(max, b.max);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(min) + Arrays.hashCode(max);
    }

    @Override
    public String toString() {
      return "box" + Arrays.toString(min) + ".." + Arrays.toString(max);
    }
  }

  /** Ball of {@code radius} around {@code center}. */
  record Sphere(double[] center, double radius) implements KeepOut {
    public Sphere {
      center = center == null ? null : center.clone();
    }

    @Override
    public double distance(double x, double y, double z) {
      double dx = x - center[0];
      double dy = y - center[1];
      double dz = z - center[2];
      double d = Math.sqrt(dx * dx + dy * dy + dz * dz) - radius;
      return Double.isNaN(d) ? Double.NEGATIVE_INFINITY : d;
    }

    @Override
    public double[] boundsMin() {
      return new double[] {center[0] - radius, center[1] - radius, center[2] - radius};
    }

    @Override
    public double[] boundsMax() {
      return new double[] {center[0] + radius, center[1] + radius, center[2] + radius};
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Sphere s && Arrays.equals(center, s.center) && radius == s.radius;
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(center) + Double.hashCode(radius);
    }

    @Override
    public String toString() {
      return "sphere" + Arrays.toString(center) + " r=" + radius;
    }
  }

  /** Points within {@code radius} of the segment from {@code a} to {@code b}. */
  record Capsule(double[] a, double[] b, double radius) implements KeepOut {
    public Capsule {
      a = a == null ? null : a.clone();
      b = b == null ? null : b.clone();
    }

    @Override
    public double distance(double x, double y, double z) {
      double ux = b[0] - a[0];
      double uy = b[1] - a[1];
      double uz = b[2] - a[2];
      double px = x - a[0];
      double py = y - a[1];
      double pz = z - a[2];
      double len2 = ux * ux + uy * uy + uz * uz;
      double s = len2 > 0 ? Math.max(0, Math.min(1, (px * ux + py * uy + pz * uz) / len2)) : 0;
      double dx = px - s * ux;
      double dy = py - s * uy;
      double dz = pz - s * uz;
      double d = Math.sqrt(dx * dx + dy * dy + dz * dz) - radius;
      return Double.isNaN(d) ? Double.NEGATIVE_INFINITY : d;
    }

    @Override
    public double[] boundsMin() {
      return new double[] {
        Math.min(a[0], b[0]) - radius, Math.min(a[1], b[1]) - radius, Math.min(a[2], b[2]) - radius};
    }

    @Override
    public double[] boundsMax() {
      return new double[] {
        Math.max(a[0], b[0]) + radius, Math.max(a[1], b[1]) + radius, Math.max(a[2], b[2]) + radius};
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Capsule c && Arrays.equals(a, c.a) && Arrays.equals(b, c.b) && radius == c.radius;
    }

    @Override
    public int hashCode() {
      return (31 * Arrays.hashCode(a) + Arrays.hashCode(b)) * 31 + Double.hashCode(radius);
    }

    @Override
    public String toString() {
      return "capsule" + Arrays.toString(a) + "-" + Arrays.toString(b) + " r=" + radius;
    }
  }

  /** Reads {@code planner.guardrails.keep_out}: a list of {@code {type: box|sphere|capsule, ...}}. */
  static List<KeepOut> readList(Settings guardrails, String key) {
    List<KeepOut> out = new ArrayList<>();
    for (Settings s : guardrails.list(key)) {
      Object type = s.asMap().get("type");
      if (type == null) {
        throw new ConfigException(s.key("type") + ": missing (required: box, capsule or sphere)");
      }
      switch (String.valueOf(type)) {
        case "box" -> {
          s.requireOnly(Set.of("type", "min", "max"));
          double[] min = required(s, "min");
          double[] max = required(s, "max");
          for (int i = 0; i < 3; i++) {
            if (!(min[i] < max[i])) {
              throw new ConfigException(s.key("min") + ": must be below " + s.key("max") + " on every axis, was "
                  + Arrays.toString(min) + " vs " + Arrays.toString(max));
            }
          }
          out.add(new Box(min, max));
        }
        case "sphere" -> {
          s.requireOnly(Set.of("type", "center", "radius"));
          out.add(new Sphere(required(s, "center"), radius(s)));
        }
        case "capsule" -> {
          s.requireOnly(Set.of("type", "a", "b", "radius"));
          out.add(new Capsule(required(s, "a"), required(s, "b"), radius(s)));
        }
        default -> throw new ConfigException(s.key("type") + ": must be one of box, capsule, sphere, was "
            + Check.describe(type));
      }
    }
    return List.copyOf(out);
  }

  private static double[] required(Settings s, String k) {
    if (!s.has(k)) {
      throw new ConfigException(s.key(k) + ": missing (required: a list of 3 numbers, m)");
    }
    return Check.readVector(s, k, null, 3);
  }

  private static double radius(Settings s) {
    Object v = s.asMap().get("radius");
    if (v instanceof Number n && Double.isFinite(n.doubleValue()) && n.doubleValue() > 0) {
      return n.doubleValue();
    }
    throw new ConfigException(s.key("radius") + ": must be a number > 0, was "
        + (v == null ? "missing" : Check.describe(v)));
  }

  /** Validates a volume built in code; {@code key} names it in messages. */
  static KeepOut check(String key, KeepOut k) {
    if (k == null) {
      throw new ConfigException(key + ": must not be null");
    }
    switch (k) {
      case Box b -> {
        finite(key + ".min", b.min);
        finite(key + ".max", b.max);
        for (int i = 0; i < 3; i++) {
          if (!(b.min[i] < b.max[i])) {
            throw new ConfigException(key + ".min: must be below " + key + ".max on every axis, was "
                + Arrays.toString(b.min) + " vs " + Arrays.toString(b.max));
          }
        }
      }
      case Sphere s -> {
        finite(key + ".center", s.center);
        positive(key + ".radius", s.radius);
      }
      case Capsule c -> {
        finite(key + ".a", c.a);
        finite(key + ".b", c.b);
        positive(key + ".radius", c.radius);
      }
    }
    return k;
  }

  private static void finite(String key, double[] v) {
    if (v == null || v.length != 3) {
      throw new ConfigException(key + ": must be a list of 3 numbers, was " + (v == null ? "null" : Arrays.toString(v)));
    }
    for (int i = 0; i < 3; i++) {
      if (!Double.isFinite(v[i])) {
        throw new ConfigException(key + "[" + i + "]: must be a finite number, was " + v[i]);
      }
    }
  }

  private static void positive(String key, double r) {
    if (!(r > 0) || !Double.isFinite(r)) {
      throw new ConfigException(key + ": must be a number > 0, was " + Check.fmt(r));
    }
  }
}
