package io.telos.api;

import java.util.Objects;

/**
 * Where a tracked object is: its centre in the robot's base frame (metres) and its yaw about the
 * base z axis (rad), as a camera tracker, motion capture or a simulator's ground truth reports it.
 *
 * @param name the object's name in the launch file's {@code scene.objects}
 * @param stampNs time of the measurement (the runtime's clock)
 */
public record ObjectPose(String name, double xM, double yM, double zM, double yawRad, long stampNs) {
  public ObjectPose {
    Objects.requireNonNull(name, "name");
  }

  /** True when every coordinate is a finite number. */
  public boolean isFinite() {
    return Double.isFinite(xM) && Double.isFinite(yM) && Double.isFinite(zM) && Double.isFinite(yawRad);
  }

  /** Distance in the horizontal plane to {@code (x, y)}. */
  public double planarDistanceTo(double x, double y) {
    return Math.hypot(xM - x, yM - y);
  }
}
