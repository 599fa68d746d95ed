package io.telos.model;

/**
 * A capsule (the points within {@code radius} of the segment from {@code a} to {@code b}) fixed to
 * one link of a chain: {@code a} and {@code b} in the frame of {@code link}, which is one of
 * {@link KinematicChain#linkNames()} (index {@code body}); metres.
 *
 * @param source where it came from: {@code box}, {@code cylinder}, {@code sphere}, {@code mesh}
 *     (fitted to a readable mesh file), or {@code default} (along the link, from its frame to the
 *     next joint or the tool point, for a link whose geometry is a mesh that cannot be read or is
 *     not declared)
 * @param shapeLink the URDF link whose geometry it covers (the chain link itself or a link fixed to it)
 */
public record LinkCapsule(String link, int body, String shapeLink, String source, double ax, double ay, double az,
    double bx, double by, double bz, double radius) {
  public LinkCapsule {
    if (!(radius >= 0) || !Double.isFinite(ax + ay + az + bx + by + bz + radius)) {
      throw new IllegalArgumentException("capsule of link '" + link + "' needs finite end points and a radius >= 0");
    }
  }

  /** Length of the segment, m. */
  public double length() {
    double dx = bx - ax;
    double dy = by - ay;
    double dz = bz - az;
    return Math.sqrt(dx * dx + dy * dy + dz * dz);
  }

  /**
   * Distance between the segments {@code p0-p1} and {@code q0-q1} (closest points, clamped to both
   * segments; degenerate segments are points). Allocation-free.
   */
  public static double segmentDistance(double p0x, double p0y, double p0z, double p1x, double p1y, double p1z,
      double q0x, double q0y, double q0z, double q1x, double q1y, double q1z) {
    double d1x = p1x - p0x;
    double d1y = p1y - p0y;
    double d1z = p1z - p0z;
    double d2x = q1x - q0x;
    double d2y = q1y - q0y;
    double d2z = q1z - q0z;
    double rx = p0x - q0x;
    double ry = p0y - q0y;
    double rz = p0z - q0z;
    double a = d1x * d1x + d1y * d1y + d1z * d1z;
    double e = d2x * d2x + d2y * d2y + d2z * d2z;
    double f = d2x * rx + d2y * ry + d2z * rz;
    double s;
    double t;
    final double eps = 1e-18;
    if (a <= eps && e <= eps) {
      s = 0;
      t = 0;
    } else if (a <= eps) {
      s = 0;
      t = clamp01(f / e);
    } else {
      double c = d1x * rx + d1y * ry + d1z * rz;
      if (e <= eps) {
        t = 0;
        s = clamp01(-c / a);
      } else {
        double b = d1x * d2x + d1y * d2y + d1z * d2z;
        double denom = a * e - b * b;
        s = denom > eps * a * e ? clamp01((b * f - c * e) / denom) : 0;
        t = (b * s + f) / e;
        if (t < 0) {
          t = 0;
          s = clamp01(-c / a);
        } else if (t > 1) {
          t = 1;
          s = clamp01((b - c) / a);
        }
      }
    }
    double dx = p0x + d1x * s - (q0x + d2x * t);
    double dy = p0y + d1y * s - (q0y + d2y * t);
    double dz = p0z + d1z * s - (q0z + d2z * t);
    return Math.sqrt(dx * dx + dy * dy + dz * dz);
  }

  private static double clamp01(double v) {
    return v < 0 ? 0 : (v > 1 ? 1 : v);
  }
}
