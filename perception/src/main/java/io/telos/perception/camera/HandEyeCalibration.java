package io.telos.perception.camera;

import boofcv.abst.fiducial.FiducialDetector;
import boofcv.struct.image.GrayU8;
import georegression.struct.point.Point2D_F64;
import georegression.struct.se.Se3_F64;
import georegression.struct.shapes.Polygon2D_F64;
import io.telos.api.camera.CameraFrame;
import io.telos.api.camera.CameraSpec;
import io.telos.model.Transform;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Eye-to-hand calibration: where a fixed camera is in the robot's base frame, found from pictures
 * of a marker carried by the arm's tool ({@link CameraSpec#toolMarker()}) at several known arm
 * poses. Neither the camera's pose nor where exactly the marker sits on the tool is needed: both
 * are estimated.
 *
 * <p>Each sample pairs the tool's pose in the base frame {@code T_i} (forward kinematics of the
 * measured joints) with the marker's four corner pixels and BoofCV's pose of the marker in the
 * camera {@code C_i}. With {@code X} the camera in the base frame and {@code Y} the marker on the
 * tool, every sample satisfies {@code T_i Y = X C_i}. Two samples give {@code A Y = Y B} with
 * {@code A = T_j⁻¹ T_i} and {@code B = C_j⁻¹ C_i}: the classic hand–eye equation, solved in closed
 * form over all pairs (rotation: the rotation vectors of {@code A} and {@code B} aligned by an SVD,
 * as Park and Martin do; translation: linear least squares); {@code X} then follows from each
 * sample and is averaged. The closed form trusts {@code C_i}, whose depth from one small square is
 * the weakest part of it, so {@code X} and {@code Y} are refined together by Levenberg–Marquardt on
 * what was really measured: the corners' reprojection error in pixels.
 *
 * <p>A good set of samples turns the tool about different axes (not one axis only: the rotation
 * about it is then undetermined) by tens of degrees and spreads the marker over the image.
 */
public final class HandEyeCalibration {
  private final CameraSpec spec;
  private final CameraSpec.ToolMarker marker;
  private final FiducialDetector<GrayU8> detector;
  private final GrayU8 gray;

  /**
   * One picture of the tool's marker.
   *
   * @param toolPose the tool frame in the base frame at the picture, from the measured joints
   * @param cornersPx the marker's corner pixels {@code u0, v0, … u3, v3} (pixel centres at integers)
   * @param markerPoints the same corners in the marker's frame, {@code x0, y0, z0, … x3, y3, z3}, m
   * @param markerPose the marker in the optical frame (perspective-n-point from this picture alone)
   */
  public record Sample(Transform toolPose, double[] cornersPx, double[] markerPoints, Transform markerPose) {
    public Sample {
      Objects.requireNonNull(toolPose, "toolPose");
      Objects.requireNonNull(markerPose, "markerPose");
      if (cornersPx.length != 8 || markerPoints.length != 12) {
        throw new IllegalArgumentException("a sample has 4 corners: 8 pixel and 12 marker coordinates");
      }
      cornersPx = cornersPx.clone();
      markerPoints = markerPoints.clone();
    }
  }

  /**
   * The calibration.
   *
   * @param cameraPose the camera's optical frame in the base frame ({@code scene.camera}'s
   *     {@code position} and {@code rpy})
   * @param markerOnTool the marker's frame in the tool frame ({@code tool_marker}'s {@code xyz}, {@code rpy})
   * @param rmsPx root-mean-square corner reprojection error after refinement, pixels
   * @param sampleRmsPx each sample's own reprojection error, pixels
   * @param rotationSpread smallest over largest singular value of the pairs' rotation axes: near 0 when
   *     the tool turned about one axis only (the calibration is then not to be trusted)
   */
  public record Result(Transform cameraPose, Transform markerOnTool, double rmsPx, double[] sampleRmsPx,
      double rotationSpread) {}

  /** @throws IllegalArgumentException when the camera names no {@code tool_marker} */
  public HandEyeCalibration(CameraSpec spec) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.marker = spec.toolMarker();
    if (marker == null) {
      throw new IllegalArgumentException("scene.camera.tool_marker: hand-eye calibration needs a marker on the tool "
          + "(id, side_m)");
    }
    this.detector = FiducialTracker.newDetector(spec);
    this.gray = new GrayU8(spec.width(), spec.height());
  }

  /**
   * Finds the tool's marker in {@code frame}, taken with the tool at {@code toolPose}.
   *
   * @return the sample, or null when the marker is not in the picture
   * @throws IllegalArgumentException when the frame's size is not the camera's
   */
  public Sample observe(Transform toolPose, CameraFrame frame) {
    FiducialTracker.toGray(frame, spec, gray);
    detector.detect(gray);
    Polygon2D_F64 bounds = new Polygon2D_F64(4);
    Se3_F64 pose = new Se3_F64();
    for (int i = 0; i < detector.totalFound(); i++) {
      if (detector.getId(i) != marker.id()) {
        continue;
      }
      detector.getBounds(i, bounds);
      if (bounds.size() != 4 || !detector.getFiducialToCamera(i, pose)) {
        return null;
      }
      double unit = marker.sideM() / detector.getWidth(i);
      double[] r = new double[9];
      for (int k = 0; k < 9; k++) {
        r[k] = pose.R.get(k / 3, k % 3);
      }
      Transform c = Transform.of(r, new double[] {unit * pose.T.x, unit * pose.T.y, unit * pose.T.z});
      double[] px = new double[8];
      double[] pts = new double[12];
      double h = marker.sideM() / 2;
      for (int k = 0; k < 4; k++) {
        Point2D_F64 b = bounds.get(k);
        px[2 * k] = b.x - FiducialTracker.PIXEL_CENTRE;
        px[2 * k + 1] = b.y - FiducialTracker.PIXEL_CENTRE;
        // which corner of the square this is: the one the marker's own pose projects nearest
        double best = Double.POSITIVE_INFINITY;
        for (int m = 0; m < 4; m++) {
          double mx = (m & 1) == 0 ? -h : h;
          double my = (m & 2) == 0 ? -h : h;
          double[] uv = project(spec, c.apply(mx, my, 0));
          double d = Math.hypot(uv[0] - px[2 * k], uv[1] - px[2 * k + 1]);
          if (d < best) {
            best = d;
            pts[3 * k] = mx;
            pts[3 * k + 1] = my;
            pts[3 * k + 2] = 0;
          }
        }
      }
      return new Sample(toolPose, px, pts, c);
    }
    return null;
  }

  /**
   * Solves for the camera's pose and the marker's place on the tool.
   *
   * @throws IllegalArgumentException with fewer than 3 samples, or when the samples' rotations do
   *     not determine the solution (the tool turned about one axis only)
   */
  public static Result solve(List<Sample> samples, CameraSpec intrinsics) {
    if (samples.size() < 3) {
      throw new IllegalArgumentException("hand-eye calibration needs at least 3 pictures of the tool's marker, had "
          + samples.size());
    }
    // rotation of Y: alpha = R_Y beta for every pair
    DMatrixRMaj h = new DMatrixRMaj(3, 3);
    List<Transform[]> pairs = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      for (int j = i + 1; j < samples.size(); j++) {
        Transform a = samples.get(j).toolPose().inverse().compose(samples.get(i).toolPose());
        Transform b = samples.get(j).markerPose().inverse().compose(samples.get(i).markerPose());
        pairs.add(new Transform[] {a, b});
        double[] alpha = rotationVector(a.rotationMatrix());
        double[] beta = rotationVector(b.rotationMatrix());
        for (int r = 0; r < 3; r++) {
          for (int c = 0; c < 3; c++) {
            h.add(r, c, beta[r] * alpha[c]);
          }
        }
      }
    }
    SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(3, 3, true, true, false);
    if (!svd.decompose(h.copy())) {
      throw new IllegalArgumentException("hand-eye calibration: the rotations could not be decomposed");
    }
    double[] sv = svd.getSingularValues();
    double smax = Math.max(sv[0], Math.max(sv[1], sv[2]));
    double smin = Math.min(sv[0], Math.min(sv[1], sv[2]));
    double spread = smax > 0 ? smin / smax : 0;
    if (!(spread > 1e-3)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "hand-eye calibration: the tool turned "
          + "about too few axes (spread %.2g); take pictures with the tool tilted in different directions", spread));
    }
    // H = U S Vᵀ: R_Y = V Uᵀ aligns every beta with its alpha
    double[] ry = rotationFrom(svd.getV(null, false), svd.getU(null, false), weakest(sv));
    // translation of Y: (R_A - I) t_Y = R_Y t_B - t_A
    DMatrixRMaj n = new DMatrixRMaj(3, 3);
    DMatrixRMaj rhs = new DMatrixRMaj(3, 1);
    for (Transform[] ab : pairs) {
      double[] ra = ab[0].rotationMatrix();
      double[] tb = ab[1].translation();
      double[] ta = ab[0].translation();
      double[] m = ra.clone();
      m[0] -= 1;
      m[4] -= 1;
      m[8] -= 1;
      double[] b = new double[3];
      for (int r = 0; r < 3; r++) {
        b[r] = ry[3 * r] * tb[0] + ry[3 * r + 1] * tb[1] + ry[3 * r + 2] * tb[2] - ta[r];
      }
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++) {
          n.add(r, c, m[r] * m[c] + m[3 + r] * m[3 + c] + m[6 + r] * m[6 + c]);
        }
        rhs.add(r, 0, m[r] * b[0] + m[3 + r] * b[1] + m[6 + r] * b[2]);
      }
    }
    DMatrixRMaj ty = new DMatrixRMaj(3, 1);
    if (!CommonOps_DDRM.solve(n, rhs, ty)) {
      throw new IllegalArgumentException("hand-eye calibration: the marker's offset on the tool is undetermined");
    }
    Transform y = Transform.of(ry, ty.data);
    // X from every sample, averaged: X = T_i Y C_i^-1
    DMatrixRMaj sum = new DMatrixRMaj(3, 3);
    double[] t = new double[3];
    for (Sample s : samples) {
      Transform x = s.toolPose().compose(y).compose(s.markerPose().inverse());
      double[] r = x.rotationMatrix();
      for (int k = 0; k < 9; k++) {
        sum.data[k] += r[k];
      }
      for (int k = 0; k < 3; k++) {
        t[k] += x.translationAt(k) / samples.size();
      }
    }
    if (!svd.decompose(sum)) {
      throw new IllegalArgumentException("hand-eye calibration: the camera's rotation could not be averaged");
    }
    // the rotation nearest the sum: U Vᵀ
    Transform x = Transform.of(rotationFrom(svd.getU(null, false), svd.getV(null, false),
        weakest(svd.getSingularValues())), t);
    return refine(samples, intrinsics, x, y, spread);
  }

  // ---- Levenberg–Marquardt on the corners' reprojection ----

  private static final int PARAMS = 12;
  private static final double STEP = 1e-6;

  private static Result refine(List<Sample> samples, CameraSpec in, Transform x0, Transform y0, double spread) {
    Transform x = x0;
    Transform y = y0;
    double[] r = residuals(samples, in, x, y);
    double cost = dot(r, r);
    double lambda = 1e-3;
    for (int iter = 0; iter < 50; iter++) {
      int m = r.length;
      DMatrixRMaj jt = new DMatrixRMaj(PARAMS, m);
      for (int p = 0; p < PARAMS; p++) {
        double[] d = new double[PARAMS];
        d[p] = STEP;
        double[] plus = residuals(samples, in, perturb(x, d, 0), perturb(y, d, 6));
        d[p] = -STEP;
        double[] minus = residuals(samples, in, perturb(x, d, 0), perturb(y, d, 6));
        for (int k = 0; k < m; k++) {
          jt.set(p, k, (plus[k] - minus[k]) / (2 * STEP));
        }
      }
      DMatrixRMaj jtj = new DMatrixRMaj(PARAMS, PARAMS);
      CommonOps_DDRM.multTransB(jt, jt, jtj);
      DMatrixRMaj g = new DMatrixRMaj(PARAMS, 1);
      CommonOps_DDRM.mult(jt, new DMatrixRMaj(m, 1, true, r), g);
      boolean improved = false;
      while (lambda < 1e10) {
        DMatrixRMaj a = jtj.copy();
        for (int p = 0; p < PARAMS; p++) {
          a.add(p, p, lambda * Math.max(jtj.get(p, p), 1e-12));
        }
        DMatrixRMaj step = new DMatrixRMaj(PARAMS, 1);
        CommonOps_DDRM.scale(-1, g);
        boolean solved = CommonOps_DDRM.solve(a, g, step);
        CommonOps_DDRM.scale(-1, g);
        if (!solved) {
          lambda *= 10;
          continue;
        }
        Transform xn = perturb(x, step.data, 0);
        Transform yn = perturb(y, step.data, 6);
        double[] rn = residuals(samples, in, xn, yn);
        double cn = dot(rn, rn);
        if (cn < cost) {
          boolean converged = cost - cn < 1e-12 * Math.max(1, cost);
          x = xn;
          y = yn;
          r = rn;
          cost = cn;
          lambda = Math.max(1e-9, lambda / 10);
          improved = !converged;
          break;
        }
        lambda *= 10;
      }
      if (!improved) {
        break;
      }
    }
    double[] per = new double[samples.size()];
    for (int i = 0; i < per.length; i++) {
      double s = 0;
      for (int k = 0; k < 8; k++) {
        s += r[8 * i + k] * r[8 * i + k];
      }
      per[i] = Math.sqrt(s / 4);
    }
    return new Result(x, y, Math.sqrt(cost / (r.length / 2.0)), per, spread);
  }

  /** Corner pixel residuals (predicted − measured), 8 per sample. */
  static double[] residuals(List<Sample> samples, CameraSpec in, Transform camera, Transform markerOnTool) {
    Transform toCamera = camera.inverse();
    double[] out = new double[8 * samples.size()];
    for (int i = 0; i < samples.size(); i++) {
      Sample s = samples.get(i);
      Transform chain = toCamera.compose(s.toolPose()).compose(markerOnTool);
      for (int k = 0; k < 4; k++) {
        double[] uv = project(in, chain.apply(s.markerPoints()[3 * k], s.markerPoints()[3 * k + 1],
            s.markerPoints()[3 * k + 2]));
        out[8 * i + 2 * k] = uv[0] - s.cornersPx()[2 * k];
        out[8 * i + 2 * k + 1] = uv[1] - s.cornersPx()[2 * k + 1];
      }
    }
    return out;
  }

  /** Pixel of an optical-frame point (pixel centres at integers). */
  static double[] project(CameraSpec in, double[] p) {
    double z = Math.max(p[2], 1e-6);
    return new double[] {in.fx() * p[0] / z + in.cx(), in.fy() * p[1] / z + in.cy()};
  }

  /** {@code t · exp(d[off..off+5])}: a small rotation (vector) and translation in t's own frame. */
  private static Transform perturb(Transform t, double[] d, int off) {
    double ax = d[off];
    double ay = d[off + 1];
    double az = d[off + 2];
    double angle = Math.sqrt(ax * ax + ay * ay + az * az);
    Transform rot = angle < 1e-15 ? Transform.IDENTITY
        : Transform.rotation(new double[] {ax / angle, ay / angle, az / angle}, angle);
    return t.compose(Transform.translation(d[off + 3], d[off + 4], d[off + 5])).compose(rot);
  }

  /** The rotation vector (axis × angle) of a row-major rotation matrix. */
  static double[] rotationVector(double[] r) {
    double c = Math.max(-1, Math.min(1, (r[0] + r[4] + r[8] - 1) / 2));
    double angle = Math.acos(c);
    double[] w = {r[7] - r[5], r[2] - r[6], r[3] - r[1]};
    double s = Math.sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
    if (angle < 1e-9) {
      return new double[] {w[0] / 2, w[1] / 2, w[2] / 2};
    }
    if (Math.PI - angle < 1e-4) { // near a half turn: the axis from R + I
      double[] axis = new double[3];
      for (int k = 0; k < 3; k++) {
        axis[k] = Math.sqrt(Math.max(0, (r[4 * k] + 1) / 2));
      }
      // signs relative to the largest component
      int big = axis[0] >= axis[1] && axis[0] >= axis[2] ? 0 : (axis[1] >= axis[2] ? 1 : 2);
      for (int k = 0; k < 3; k++) {
        if (k != big && r[3 * big + k] < 0) {
          axis[k] = -axis[k];
        }
      }
      // the skew part (2 sin(angle) axis) tells the axis from its opposite while the angle is short of π
      double sign = axis[0] * w[0] + axis[1] * w[1] + axis[2] * w[2] < 0 ? -1 : 1;
      return new double[] {sign * axis[0] * angle, sign * axis[1] * angle, sign * axis[2] * angle};
    }
    return new double[] {w[0] / s * angle, w[1] / s * angle, w[2] / s * angle};
  }

  /**
   * The proper rotation {@code A Bᵀ} of two SVD factors; when that is a reflection, column
   * {@code weakest} of {@code A} (the smallest singular value's) is flipped.
   */
  private static double[] rotationFrom(DMatrixRMaj a, DMatrixRMaj b, int weakest) {
    DMatrixRMaj r = new DMatrixRMaj(3, 3);
    CommonOps_DDRM.multTransB(a, b, r);
    if (CommonOps_DDRM.det(r) < 0) {
      DMatrixRMaj a2 = a.copy();
      for (int k = 0; k < 3; k++) {
        a2.set(k, weakest, -a2.get(k, weakest));
      }
      CommonOps_DDRM.multTransB(a2, b, r);
    }
    return r.data.clone();
  }

  private static int weakest(double[] sv) {
    return sv[0] <= sv[1] && sv[0] <= sv[2] ? 0 : (sv[1] <= sv[2] ? 1 : 2);
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
