package io.telos.planner.internal;

import java.util.Arrays;

/** Damped least squares on the linear rows of a geometric Jacobian. */
public final class Dls {
  private Dls() {}

  /**
   * {@code out = J^T (J J^T + damping^2 I)^-1 v}, where {@code J} is rows 0-2 of {@code jac}
   * (6 x n, row-major) and {@code v} a 3-vector. Writes zeros when the system is degenerate.
   */
  public static void solve(double[] jac, int n, double damping, double[] v, double[] out) {
    double l2 = damping * damping;
    double a00 = l2;
    double a01 = 0;
    double a02 = 0;
    double a11 = l2;
    double a12 = 0;
    double a22 = l2;
    for (int i = 0; i < n; i++) {
      double j0 = jac[i];
      double j1 = jac[n + i];
      double j2 = jac[2 * n + i];
      a00 += j0 * j0;
      a01 += j0 * j1;
      a02 += j0 * j2;
      a11 += j1 * j1;
      a12 += j1 * j2;
      a22 += j2 * j2;
    }
    double c00 = a11 * a22 - a12 * a12;
    double c01 = a02 * a12 - a01 * a22;
    double c02 = a01 * a12 - a02 * a11;
    double c11 = a00 * a22 - a02 * a02;
    double c12 = a01 * a02 - a00 * a12;
    double c22 = a00 * a11 - a01 * a01;
    double det = a00 * c00 + a01 * c01 + a02 * c02;
    if (!(Math.abs(det) > 1e-30) || !Double.isFinite(det)) {
      Arrays.fill(out, 0, n, 0.0);
      return;
    }
    double y0 = (c00 * v[0] + c01 * v[1] + c02 * v[2]) / det;
    double y1 = (c01 * v[0] + c11 * v[1] + c12 * v[2]) / det;
    double y2 = (c02 * v[0] + c12 * v[1] + c22 * v[2]) / det;
    for (int i = 0; i < n; i++) {
      out[i] = jac[i] * y0 + jac[n + i] * y1 + jac[2 * n + i] * y2;
    }
  }
}
