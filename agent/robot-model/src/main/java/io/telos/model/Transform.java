package io.telos.model;

import io.telos.api.Rotations;

/**
 * An immutable rigid transform: rotation {@code r} (3×3, row-major) then translation {@code t}.
 * Maps points from the child frame into the parent frame: {@code p_parent = R p_child + t}.
 */
public final class Transform {
  public static final Transform IDENTITY =
      new Transform(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, new double[3]);

  private final double[] r;
  private final double[] t;

  private Transform(double[] r, double[] t) {
    this.r = r;
    this.t = t;
  }

  /** From a row-major rotation and a translation (both copied). */
  public static Transform of(double[] rotation, double[] translation) {
    if (rotation.length != 9 || translation.length != 3) {
      throw new IllegalArgumentException("rotation needs 9 values and translation 3");
    }
    return new Transform(rotation.clone(), translation.clone());
  }

  /** URDF origin: translation xyz, then fixed-axis roll-pitch-yaw (R = Rz(yaw) Ry(pitch) Rx(roll)). */
  public static Transform fromXyzRpy(double x, double y, double z, double roll, double pitch, double yaw) {
    return new Transform(Rotations.rpyMatrix(roll, pitch, yaw), new double[] {x, y, z});
  }

  /** A pure translation. */
  public static Transform translation(double x, double y, double z) {
    return new Transform(IDENTITY.r.clone(), new double[] {x, y, z});
  }

  /** Rotation by {@code angle} about the unit axis (Rodrigues). */
  public static Transform rotation(double[] axis, double angle) {
    double x = axis[0];
    double y = axis[1];
    double z = axis[2];
    double c = Math.cos(angle);
    double s = Math.sin(angle);
    double v = 1 - c;
    double[] r = {
      c + x * x * v, x * y * v - z * s, x * z * v + y * s,
      y * x * v + z * s, c + y * y * v, y * z * v - x * s,
      z * x * v - y * s, z * y * v + x * s, c + z * z * v
    };
    return new Transform(r, new double[3]);
  }

  /** this ∘ other: first {@code other}, then this. */
  public Transform compose(Transform other) {
    double[] a = r;
    double[] b = other.r;
    double[] out = new double[9];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        out[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
      }
    }
    double[] p = apply(other.t[0], other.t[1], other.t[2]);
    return new Transform(out, p);
  }

  /** The inverse transform. */
  public Transform inverse() {
    double[] rt = {r[0], r[3], r[6], r[1], r[4], r[7], r[2], r[5], r[8]};
    double[] ti = {
      -(rt[0] * t[0] + rt[1] * t[1] + rt[2] * t[2]),
      -(rt[3] * t[0] + rt[4] * t[1] + rt[5] * t[2]),
      -(rt[6] * t[0] + rt[7] * t[1] + rt[8] * t[2])
    };
    return new Transform(rt, ti);
  }

  /** Transforms a point. */
  public double[] apply(double x, double y, double z) {
    return new double[] {
      r[0] * x + r[1] * y + r[2] * z + t[0],
      r[3] * x + r[4] * y + r[5] * z + t[1],
      r[6] * x + r[7] * y + r[8] * z + t[2]
    };
  }

  /** Rotates a direction (no translation). */
  public double[] rotate(double[] v) {
    return new double[] {
      r[0] * v[0] + r[1] * v[1] + r[2] * v[2],
      r[3] * v[0] + r[4] * v[1] + r[5] * v[2],
      r[6] * v[0] + r[7] * v[1] + r[8] * v[2]
    };
  }

  public double[] rotationMatrix() {
    return r.clone();
  }

  public double[] translation() {
    return t.clone();
  }

  public double rotationAt(int row, int col) {
    return r[row * 3 + col];
  }

  public double translationAt(int i) {
    return t[i];
  }

  /** Distance between this transform's origin and {@code other}'s, in their common parent frame. */
  public double distanceTo(Transform other) {
    double dx = t[0] - other.t[0];
    double dy = t[1] - other.t[1];
    double dz = t[2] - other.t[2];
    return Math.sqrt(dx * dx + dy * dy + dz * dz);
  }

  /** Angle of the rotation that turns this transform's orientation into {@code other}'s, rad, in [0, π]. */
  public double angleTo(Transform other) {
    double[] r = inverse().compose(other).r;
    return Math.acos(Math.max(-1, Math.min(1, (r[0] + r[4] + r[8] - 1) / 2)));
  }

  /** Unit quaternion (w, x, y, z) of the rotation. */
  public double[] quaternion() {
    double[] q = new double[4];
    quaternion(r, q, 0);
    return q;
  }

  /**
   * Unit quaternion (w, x, y, z) of a row-major rotation {@code r[0..8]} into {@code out[off..off+3]};
   * allocation-free.
   */
  public static void quaternion(double[] r, double[] out, int off) {
    double trace = r[0] + r[4] + r[8];
    double w;
    double x;
    double y;
    double z;
    if (trace > 0) {
      double s = Math.sqrt(trace + 1.0) * 2;
      w = 0.25 * s;
      x = (r[7] - r[5]) / s;
      y = (r[2] - r[6]) / s;
      z = (r[3] - r[1]) / s;
    } else if (r[0] > r[4] && r[0] > r[8]) {
      double s = Math.sqrt(1.0 + r[0] - r[4] - r[8]) * 2;
      w = (r[7] - r[5]) / s;
      x = 0.25 * s;
      y = (r[1] + r[3]) / s;
      z = (r[2] + r[6]) / s;
    } else if (r[4] > r[8]) {
      double s = Math.sqrt(1.0 + r[4] - r[0] - r[8]) * 2;
      w = (r[2] - r[6]) / s;
      x = (r[1] + r[3]) / s;
      y = 0.25 * s;
      z = (r[5] + r[7]) / s;
    } else {
      double s = Math.sqrt(1.0 + r[8] - r[0] - r[4]) * 2;
      w = (r[3] - r[1]) / s;
      x = (r[2] + r[6]) / s;
      y = (r[5] + r[7]) / s;
      z = 0.25 * s;
    }
    out[off] = w;
    out[off + 1] = x;
    out[off + 2] = y;
    out[off + 3] = z;
  }

  @Override
  public String toString() {
    return String.format("Transform[t=(%.4f, %.4f, %.4f)]", t[0], t[1], t[2]);
  }
}
