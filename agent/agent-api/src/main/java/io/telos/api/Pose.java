package io.telos.api;

/** A pose: position in metres, orientation as a unit quaternion (w, x, y, z). */
public record Pose(double xM, double yM, double zM, double qw, double qx, double qy, double qz) {
  public static final Pose IDENTITY = new Pose(0, 0, 0, 1, 0, 0, 0);

  public double distanceTo(double x, double y, double z) {
    double dx = xM - x;
    double dy = yM - y;
    double dz = zM - z;
    return Math.sqrt(dx * dx + dy * dy + dz * dz);
  }
}
