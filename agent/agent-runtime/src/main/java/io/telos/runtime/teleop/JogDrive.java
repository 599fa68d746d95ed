package io.telos.runtime.teleop;

import io.telos.api.OperatorCommand.Frame;
import io.telos.model.JointLimits;
import io.telos.model.KinematicChain;
import io.telos.runtime.safety.OperatorInput;
import java.util.Arrays;

/**
 * Turns the lease holder's jog into joint velocities for the safety kernel.
 *
 * <p>Joint jog: each joint's velocity is clamped to {@code joint_speed_scale} of its limit.
 * Cartesian jog (base or tool frame): the twist is clamped to {@code tool_speed_mps} and
 * {@code tool_turn_radps}, turned into joint velocities by damped least squares through the
 * geometric Jacobian at the commanded position, then scaled down as a whole (direction kept) until
 * every joint is inside its jog limit and the tool's linear speed (recomputed as J·q̇) is inside
 * {@code tool_speed_mps}. A jog not renewed within {@code jog_timeout_ms} decays to rest. Changes of
 * velocity are ramped as a whole vector at the acceleration limits (the tool keeps its direction
 * while speeding up and slowing down, so the Cartesian limit also holds during ramps).
 *
 * <p>{@link #set} is called from any thread; {@link #velocity} only from the servo thread, and
 * allocates nothing.
 */
public final class JogDrive implements OperatorInput {
  private static final double DAMPING = 0.01;

  private record Jog(Frame frame, double[] values, long stampNs) {}

  private final KinematicChain chain;
  private final TeleopConfig config;
  private final ControlLease lease;
  private final int n;
  private final double[] jointMax;
  private final double[] accelStep;
  private final KinematicChain.Scratch scratch;
  private final double[] jac;
  private final double[] pose = new double[7];
  private final double[] twist = new double[6];
  private final double[] a = new double[36];
  private final double[] y = new double[6];
  private volatile Jog jog;

  /** @param periodNs the servo period: velocity changes are ramped at the acceleration limits per tick */
  public JogDrive(KinematicChain chain, JointLimits limits, TeleopConfig config, ControlLease lease, long periodNs) {
    this.chain = chain;
    this.config = config;
    this.lease = lease;
    this.n = chain.dof();
    this.jointMax = new double[n];
    double[] v = limits.velocity();
    for (int i = 0; i < n; i++) {
      jointMax[i] = v[i] * config.jointSpeedScale();
    }
    this.accelStep = new double[n];
    double[] acc = limits.acceleration();
    for (int i = 0; i < n; i++) {
      accelStep[i] = acc[i] * periodNs / 1e9;
    }
    this.scratch = chain.newScratch();
    this.jac = new double[6 * n];
  }

  /**
   * Sets the current jog. Returns an error message for values of the wrong size or non-finite
   * values (the jog is then cleared, so the arm comes to rest), or null when accepted.
   */
  public String set(Frame frame, double[] values, long nowNs) {
    int expected = frame == Frame.JOINT ? n : 6;
    if (values.length != expected) {
      jog = null;
      return "a " + frame.name().toLowerCase() + " jog needs " + expected + " values, got " + values.length;
    }
    for (double v : values) {
      if (!Double.isFinite(v)) {
        jog = null;
        return "jog values must be finite numbers";
      }
    }
    jog = new Jog(frame, values.clone(), nowNs);
    return null;
  }

  /** Clears the jog (the arm comes to rest under the kernel's acceleration limits). */
  public void stop() {
    jog = null;
  }

  @Override
  public boolean alive(long nowNs) {
    return lease.alive(nowNs, config.heartbeatTimeoutNs());
  }

  @Override
  public String deadReason(long nowNs) {
    String holder = lease.holder();
    if (holder.isEmpty()) {
      return "nobody holds the control lease";
    }
    long last = lease.lastBeatNs();
    return "no heartbeat from '" + holder + "' for " + (nowNs - last) / 1_000_000 + " ms (limit "
        + config.heartbeatTimeoutNs() / 1_000_000 + " ms)";
  }

  @Override
  public boolean velocity(long nowNs, double[] position, double[] velocity, double[] out) {
    if (!target(nowNs, position, out)) {
      Arrays.fill(out, 0);
    }
    // ramp the whole vector: q̇ = q̇₀ + s (q̇* − q̇₀) with the largest s that keeps every joint within
    // its acceleration limit, so the tool keeps its direction while speeding up or slowing down
    double s = 1;
    for (int i = 0; i < n; i++) {
      double d = Math.abs(out[i] - velocity[i]);
      if (d * s > accelStep[i]) {
        s = accelStep[i] / d;
      }
    }
    for (int i = 0; i < n; i++) {
      out[i] = velocity[i] + s * (out[i] - velocity[i]);
    }
    return true;
  }

  /** The operator's jog as joint velocities within the jog limits; false when there is none. */
  boolean target(long nowNs, double[] position, double[] out) {
    Jog j = jog;
    if (j == null || nowNs - j.stampNs() > config.jogTimeoutNs()) {
      return false;
    }
    if (j.frame() == Frame.JOINT) {
      for (int i = 0; i < n; i++) {
        out[i] = clamp(j.values()[i], -jointMax[i], jointMax[i]);
      }
      return true;
    }
    System.arraycopy(j.values(), 0, twist, 0, 6);
    if (j.frame() == Frame.TOOL) {
      chain.forwardPose(position, pose, scratch);
      rotate(pose, twist, 0);
      rotate(pose, twist, 3);
    }
    limitNorm(twist, 0, config.toolSpeedMps());
    limitNorm(twist, 3, config.toolTurnRadps());
    chain.jacobian(position, jac, null, scratch);
    solveDls(out);
    double scale = 1;
    for (int i = 0; i < n; i++) {
      if (Math.abs(out[i]) * scale > jointMax[i]) {
        scale = jointMax[i] / Math.abs(out[i]);
      }
    }
    double lin = toolSpeed(out) * scale;
    if (lin > config.toolSpeedMps()) {
      scale *= config.toolSpeedMps() / lin;
    }
    for (int i = 0; i < n; i++) {
      out[i] *= scale;
    }
    return true;
  }

  /** Linear speed of the tool, |J_lin · q̇|, with the Jacobian last computed. */
  double toolSpeed(double[] qd) {
    double s = 0;
    for (int r = 0; r < 3; r++) {
      double v = 0;
      for (int i = 0; i < n; i++) {
        v += jac[r * n + i] * qd[i];
      }
      s += v * v;
    }
    return Math.sqrt(s);
  }

  /** q̇ = Jᵀ (J Jᵀ + λ² I)⁻¹ x, by Gaussian elimination with partial pivoting on the 6 × 6 system. */
  private void solveDls(double[] out) {
    for (int r = 0; r < 6; r++) {
      for (int c = 0; c < 6; c++) {
        double s = 0;
        for (int i = 0; i < n; i++) {
          s += jac[r * n + i] * jac[c * n + i];
        }
        a[r * 6 + c] = s + (r == c ? DAMPING * DAMPING : 0);
      }
      y[r] = twist[r];
    }
    for (int col = 0; col < 6; col++) {
      int piv = col;
      for (int r = col + 1; r < 6; r++) {
        if (Math.abs(a[r * 6 + col]) > Math.abs(a[piv * 6 + col])) {
          piv = r;
        }
      }
      if (piv != col) {
        for (int c = 0; c < 6; c++) {
          double t = a[col * 6 + c];
          a[col * 6 + c] = a[piv * 6 + c];
          a[piv * 6 + c] = t;
        }
        double t = y[col];
        y[col] = y[piv];
        y[piv] = t;
      }
      double d = a[col * 6 + col];
      for (int r = col + 1; r < 6; r++) {
        double f = a[r * 6 + col] / d;
        for (int c = col; c < 6; c++) {
          a[r * 6 + c] -= f * a[col * 6 + c];
        }
        y[r] -= f * y[col];
      }
    }
    for (int r = 5; r >= 0; r--) {
      double s = y[r];
      for (int c = r + 1; c < 6; c++) {
        s -= a[r * 6 + c] * y[c];
      }
      y[r] = s / a[r * 6 + r];
    }
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int r = 0; r < 6; r++) {
        s += jac[r * n + i] * y[r];
      }
      out[i] = s;
    }
  }

  /** Rotates {@code v[off..off+3]} by the unit quaternion {@code pose[3..7]} (w, x, y, z): tool to base. */
  private static void rotate(double[] pose, double[] v, int off) {
    double w = pose[3];
    double qx = pose[4];
    double qy = pose[5];
    double qz = pose[6];
    double vx = v[off];
    double vy = v[off + 1];
    double vz = v[off + 2];
    // v' = v + 2w (q × v) + 2 q × (q × v)
    double cx = qy * vz - qz * vy;
    double cy = qz * vx - qx * vz;
    double cz = qx * vy - qy * vx;
    double ddx = qy * cz - qz * cy;
    double ddy = qz * cx - qx * cz;
    double ddz = qx * cy - qy * cx;
    v[off] = vx + 2 * (w * cx + ddx);
    v[off + 1] = vy + 2 * (w * cy + ddy);
    v[off + 2] = vz + 2 * (w * cz + ddz);
  }

  private static void limitNorm(double[] v, int off, double max) {
    double s = Math.sqrt(v[off] * v[off] + v[off + 1] * v[off + 1] + v[off + 2] * v[off + 2]);
    if (s > max) {
      double f = max / s;
      v[off] *= f;
      v[off + 1] *= f;
      v[off + 2] *= f;
    }
  }

  private static double clamp(double v, double lo, double hi) {
    return v < lo ? lo : (v > hi ? hi : v);
  }
}
