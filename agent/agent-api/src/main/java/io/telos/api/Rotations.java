package io.telos.api;

/**
 * Roll-pitch-yaw as URDF and ROS use it (fixed axes: {@code R = Rz(yaw) Ry(pitch) Rx(roll)}), to and
 * from row-major 3×3 rotation matrices. The one place of this convention: robot descriptions,
 * tool offsets and camera poses all go through it.
 */
public final class Rotations {
  private Rotations() {}

  /** Row-major rotation of {@code roll, pitch, yaw}. */
  public static double[] rpyMatrix(double roll, double pitch, double yaw) {
    double cr = Math.cos(roll);
    double sr = Math.sin(roll);
    double cp = Math.cos(pitch);
    double sp = Math.sin(pitch);
    double cy = Math.cos(yaw);
    double sy = Math.sin(yaw);
    return new double[] {
      cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr,
      sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr,
      -sp, cp * sr, cp * cr
    };
  }

  /** {@code roll, pitch, yaw} of a row-major rotation (pitch in [−π/2, π/2]); the inverse of {@link #rpyMatrix}. */
  public static double[] rpyOf(double[] m) {
    double pitch = Math.asin(Math.max(-1, Math.min(1, -m[6])));
    return new double[] {Math.atan2(m[7], m[8]), pitch, Math.atan2(m[3], m[0])};
  }
}
