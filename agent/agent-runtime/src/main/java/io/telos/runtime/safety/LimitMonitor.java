package io.telos.runtime.safety;

import io.telos.model.JointLimits;

/**
 * Independent check of what reaches the robot: counts commands outside the position, velocity or
 * acceleration limits, and measured positions outside the position limits. It does not trust the
 * kernel; the demo reports its counts as "limit violations".
 */
public final class LimitMonitor {
  private static final double POSITION_TOL = 1e-6;
  private static final double RATE_TOL = 1e-6;
  private static final double MEASURED_TOL = 0.01;

  private final JointLimits limits;
  private final double dt;
  private final double[] prevVel;
  private boolean hasPrev;
  private long commandViolations;
  private long measuredViolations;
  private String firstViolation;

  public LimitMonitor(JointLimits limits, long periodNs) {
    this.limits = limits;
    this.dt = periodNs / 1e9;
    this.prevVel = new double[limits.size()];
  }

  public void command(double[] pos, double[] vel) {
    String bad = null;
    for (int i = 0; i < pos.length; i++) {
      double v = vel[i];
      if (!Double.isFinite(pos[i]) || !Double.isFinite(v)
          || pos[i] < limits.lower(i) - POSITION_TOL || pos[i] > limits.upper(i) + POSITION_TOL
          || Math.abs(v) > limits.velocity(i) * (1 + RATE_TOL) + RATE_TOL) {
        bad = "joint " + i + " position " + pos[i] + " velocity " + v;
      }
      if (hasPrev && Math.abs(v - prevVel[i]) / dt > limits.acceleration(i) * (1 + 1e-3) + 1e-3) {
        bad = "joint " + i + " acceleration " + (v - prevVel[i]) / dt + " (velocity " + prevVel[i] + " -> " + v
            + ", position " + pos[i] + ")";
      }
      prevVel[i] = v;
    }
    hasPrev = true;
    if (bad != null) {
      if (commandViolations == 0) {
        firstViolation = bad;
      }
      commandViolations++;
    }
  }

  /** Description of the first command violation, or null. */
  public String firstViolation() {
    return firstViolation;
  }

  public void measured(double[] pos) {
    for (int i = 0; i < pos.length; i++) {
      if (pos[i] < limits.lower(i) - MEASURED_TOL || pos[i] > limits.upper(i) + MEASURED_TOL) {
        measuredViolations++;
        return;
      }
    }
  }

  public long commandViolations() {
    return commandViolations;
  }

  public long measuredViolations() {
    return measuredViolations;
  }

  public long total() {
    return commandViolations + measuredViolations;
  }
}
