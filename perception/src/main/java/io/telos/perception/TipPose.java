package io.telos.perception;

import io.telos.model.JointSpec;
import io.telos.model.JointType;
import io.telos.model.KinematicChain;
import io.telos.model.Transform;
import java.util.Arrays;

/**
 * Allocation-free end-effector pose of a {@link KinematicChain}: position and unit quaternion
 * (w, x, y, z), the same as {@link KinematicChain#forwardPose(double[])}, which allocates on each
 * call. The fixed transform in front of each joint is recovered once, from the chain's link frames
 * at q = 0; not thread-safe (owns its scratch).
 */
final class TipPose {
  private final int n;
  private final double[][] pre; // per joint: R row-major (9) then t (3)
  private final double[][] axis;
  private final boolean[] prismatic;
  private final double[] tip;
  private final double[] t = new double[12];
  private final double[] m = new double[12];
  private final double[] tmp = new double[12];

  TipPose(KinematicChain chain) {
    n = chain.dof();
    double[] zero = new double[n];
    Transform[] frames = chain.linkTransforms(zero);
    pre = new double[n][];
    axis = new double[n][];
    prismatic = new boolean[n];
    for (int i = 0; i < n; i++) {
      // at q = 0 the joint motion is the identity: frame(i+1) = frame(i) * pre(i)
      pre[i] = pack(frames[i].inverse().compose(frames[i + 1]));
      JointSpec j = chain.joints().get(i);
      axis[i] = j.axis().clone();
      prismatic[i] = j.type() == JointType.PRISMATIC;
    }
    tip = pack(frames[n].inverse().compose(chain.tipTransform(zero)));
  }

  /** Pose at {@code q} into {@code out}: x, y, z (m), then qw, qx, qy, qz. */
  void compute(double[] q, double[] out) {
    setIdentity(t);
    for (int i = 0; i < n; i++) {
      mulInPlace(t, pre[i]);
      motion(i, q[i]);
      mulInPlace(t, m);
    }
    mulInPlace(t, tip);
    out[0] = t[9];
    out[1] = t[10];
    out[2] = t[11];
    quaternion(t, out);
  }

  private void motion(int i, double qi) {
    double[] a = axis[i];
    if (prismatic[i]) {
      setIdentity(m);
      m[9] = a[0] * qi;
      m[10] = a[1] * qi;
      m[11] = a[2] * qi;
      return;
    }
    double x = a[0];
    double y = a[1];
    double z = a[2];
    double c = Math.cos(qi);
    double s = Math.sin(qi);
    double v = 1 - c;
    m[0] = c + x * x * v;
    m[1] = x * y * v - z * s;
    m[2] = x * z * v + y * s;
    m[3] = y * x * v + z * s;
    m[4] = c + y * y * v;
    m[5] = y * z * v - x * s;
    m[6] = z * x * v - y * s;
    m[7] = z * y * v + x * s;
    m[8] = c + z * z * v;
    m[9] = 0;
    m[10] = 0;
    m[11] = 0;
  }

  /** a = a * b (rigid transforms packed as R row-major then t). */
  private void mulInPlace(double[] a, double[] b) {
    for (int r = 0; r < 3; r++) {
      double a0 = a[r * 3];
      double a1 = a[r * 3 + 1];
      double a2 = a[r * 3 + 2];
      tmp[r * 3] = a0 * b[0] + a1 * b[3] + a2 * b[6];
      tmp[r * 3 + 1] = a0 * b[1] + a1 * b[4] + a2 * b[7];
      tmp[r * 3 + 2] = a0 * b[2] + a1 * b[5] + a2 * b[8];
      tmp[9 + r] = a0 * b[9] + a1 * b[10] + a2 * b[11] + a[9 + r];
    }
    System.arraycopy(tmp, 0, a, 0, 12);
  }

  /** Unit quaternion of the rotation in {@code r[0..8]} into {@code out[3..6]} (Shepperd's method). */
  private static void quaternion(double[] r, double[] out) {
    double trace = r[0] + r[4] + r[8];
    double w;
    double x;
    double y;
    double z;
    if (trace > 0) {
      double s = 2 * Math.sqrt(trace + 1.0);
      w = 0.25 * s;
      x = (r[7] - r[5]) / s;
      y = (r[2] - r[6]) / s;
      z = (r[3] - r[1]) / s;
    } else if (r[0] > r[4] && r[0] > r[8]) {
      double s = 2 * Math.sqrt(1.0 + r[0] - r[4] - r[8]);
      w = (r[7] - r[5]) / s;
      x = 0.25 * s;
      y = (r[1] + r[3]) / s;
      z = (r[2] + r[6]) / s;
    } else if (r[4] > r[8]) {
      double s = 2 * Math.sqrt(1.0 + r[4] - r[0] - r[8]);
      w = (r[2] - r[6]) / s;
      x = (r[1] + r[3]) / s;
      y = 0.25 * s;
      z = (r[5] + r[7]) / s;
    } else {
      double s = 2 * Math.sqrt(1.0 + r[8] - r[0] - r[4]);
      w = (r[3] - r[1]) / s;
      x = (r[2] + r[6]) / s;
      y = (r[5] + r[7]) / s;
      z = 0.25 * s;
    }
    // renormalise: the product of many rotations drifts slightly off unit length
    double norm = Math.sqrt(w * w + x * x + y * y + z * z);
    out[3] = w / norm;
    out[4] = x / norm;
    out[5] = y / norm;
    out[6] = z / norm;
  }

  private static void setIdentity(double[] a) {
    Arrays.fill(a, 0);
    a[0] = 1;
    a[4] = 1;
    a[8] = 1;
  }

  private static double[] pack(Transform tr) {
    double[] out = new double[12];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        out[r * 3 + c] = tr.rotationAt(r, c);
      }
      out[9 + r] = tr.translationAt(r);
    }
    return out;
  }
}
