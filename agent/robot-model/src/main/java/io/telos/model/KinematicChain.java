package io.telos.model;

import io.telos.api.Pose;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A serial chain of single-axis joints from a base link to a tip link, with forward kinematics and
 * the geometric Jacobian. Fixed joints along the way are folded into the next joint's origin (or
 * into the tip offset). The hot-path methods take a {@link Scratch} and allocate nothing.
 */
public final class KinematicChain {
  private final String baseLink;
  private final String tipLink;
  private final List<String> jointNames;
  private final List<String> linkNames;
  private final int n;
  private final double[][] pre; // per joint: 12 values, R row-major then t
  private final double[][] axis;
  private final boolean[] prismatic;
  private final double[] tip; // 12 values
  private final List<JointSpec> joints;

  private KinematicChain(String baseLink, String tipLink, List<JointSpec> path) {
    this.baseLink = baseLink;
    this.tipLink = tipLink;
    List<String> names = new ArrayList<>();
    List<String> links = new ArrayList<>();
    List<JointSpec> movable = new ArrayList<>();
    List<double[]> pres = new ArrayList<>();
    List<double[]> axes = new ArrayList<>();
    List<Boolean> prism = new ArrayList<>();
    links.add(baseLink);
    Transform acc = Transform.IDENTITY;
    for (JointSpec j : path) {
      acc = acc.compose(j.origin());
      switch (j.type()) {
        case FIXED -> { }
        case REVOLUTE, CONTINUOUS, PRISMATIC -> {
          names.add(j.name());
          links.add(j.child());
          movable.add(j);
          pres.add(pack(acc));
          axes.add(j.axis().clone());
          prism.add(j.type() == JointType.PRISMATIC);
          acc = Transform.IDENTITY;
        }
        default -> throw new UrdfException("joint '" + j.name() + "' of type "
            + j.type().name().toLowerCase() + " cannot be part of a serial arm chain");
      }
    }
    if (movable.isEmpty()) {
      throw new UrdfException("chain " + baseLink + " -> " + tipLink + " has no movable joint");
    }
    this.jointNames = Collections.unmodifiableList(names);
    this.linkNames = Collections.unmodifiableList(links);
    this.joints = List.copyOf(movable);
    this.n = names.size();
    this.pre = pres.toArray(new double[0][]);
    this.axis = axes.toArray(new double[0][]);
    this.prismatic = new boolean[n];
    for (int i = 0; i < n; i++) {
      prismatic[i] = prism.get(i);
    }
    this.tip = pack(acc);
  }

  /** The chain from the root link to the single leaf (fails when the tree branches). */
  public static KinematicChain of(RobotDescription d) {
    String link = d.rootLink();
    while (true) {
      List<JointSpec> children = d.childJoints(link);
      if (children.isEmpty()) {
        return of(d, d.rootLink(), link);
      }
      if (children.size() > 1) {
        throw new UrdfException("link '" + link + "' branches into " + children.size()
            + " joints; name the tip link of the arm explicitly");
      }
      link = children.get(0).child();
    }
  }

  /** The chain from {@code baseLink} down to {@code tipLink}. */
  public static KinematicChain of(RobotDescription d, String baseLink, String tipLink) {
    if (d.link(baseLink) == null) {
      throw new UrdfException("unknown base link '" + baseLink + "'");
    }
    if (d.link(tipLink) == null) {
      throw new UrdfException("unknown tip link '" + tipLink + "'");
    }
    List<JointSpec> path = new ArrayList<>();
    String link = tipLink;
    while (!link.equals(baseLink)) {
      JointSpec j = d.parentJoint(link);
      if (j == null) {
        throw new UrdfException("tip link '" + tipLink + "' is not below base link '" + baseLink + "'");
      }
      path.add(0, j);
      link = j.parent();
    }
    return new KinematicChain(baseLink, tipLink, path);
  }

  public int dof() {
    return n;
  }

  public String baseLink() {
    return baseLink;
  }

  public String tipLink() {
    return tipLink;
  }

  /** Movable joint names, base to tip. */
  public List<String> jointNames() {
    return jointNames;
  }

  /** The movable joints, base to tip. */
  public List<JointSpec> joints() {
    return joints;
  }

  /** Base link followed by the child link of each movable joint. */
  public List<String> linkNames() {
    return linkNames;
  }

  /** Fresh scratch space for the allocation-free methods; one per thread. */
  public Scratch newScratch() {
    return new Scratch(n);
  }

  /** Per-thread working memory. */
  public static final class Scratch {
    final double[] t = new double[12];
    final double[] m = new double[12];
    final double[] tmp = new double[12];
    final double[] jointPos;
    final double[] jointAxis;

    Scratch(int n) {
      jointPos = new double[3 * n];
      jointAxis = new double[3 * n];
    }
  }

  /** End-effector position (base frame, metres) into {@code out[0..2]}. */
  public void forwardPosition(double[] q, double[] out, Scratch s) {
    run(q, s, false);
    out[0] = s.t[9];
    out[1] = s.t[10];
    out[2] = s.t[11];
  }

  /** End-effector position, allocating. */
  public double[] forwardPosition(double[] q) {
    double[] out = new double[3];
    forwardPosition(q, out, newScratch());
    return out;
  }

  /**
   * End-effector pose into {@code out[0..6]}: position (m) then unit quaternion (w, x, y, z);
   * allocation-free.
   */
  public void forwardPose(double[] q, double[] out, Scratch s) {
    run(q, s, false);
    out[0] = s.t[9];
    out[1] = s.t[10];
    out[2] = s.t[11];
    Transform.quaternion(s.t, out, 3);
  }

  /**
   * Base-frame origins of every movable joint (3 values each, base to tip) followed by the
   * end-effector position, into {@code out} (at least {@code 3 * (dof + 1)} long); allocation-free.
   * Points along the arm for clearance checks come from the segments between consecutive origins.
   */
  public void jointOrigins(double[] q, double[] out, Scratch s) {
    run(q, s, true);
    System.arraycopy(s.jointPos, 0, out, 0, 3 * n);
    out[3 * n] = s.t[9];
    out[3 * n + 1] = s.t[10];
    out[3 * n + 2] = s.t[11];
  }

  /** End-effector pose in the base frame. */
  public Pose forwardPose(double[] q) {
    Transform t = tipTransform(q);
    double[] quat = t.quaternion();
    return new Pose(t.translationAt(0), t.translationAt(1), t.translationAt(2),
        quat[0], quat[1], quat[2], quat[3]);
  }

  /** End-effector transform in the base frame. */
  public Transform tipTransform(double[] q) {
    Scratch s = newScratch();
    run(q, s, false);
    return unpack(s.t);
  }

  /**
   * Frames of the base and of each movable joint's child link at {@code q}, in the base frame:
   * element 0 is the identity (base), element {@code i+1} the child link of joint {@code i}.
   */
  public Transform[] linkTransforms(double[] q) {
    checkSize(q);
    Transform[] out = new Transform[n + 1];
    out[0] = Transform.IDENTITY;
    Transform acc = Transform.IDENTITY;
    for (int i = 0; i < n; i++) {
      acc = acc.compose(unpack(pre[i])).compose(motion(i, q[i]));
      out[i + 1] = acc;
    }
    return out;
  }

  /**
   * Geometric Jacobian at {@code q} into {@code out} (6 × dof, row-major: rows 0–2 linear velocity
   * of the end-effector, rows 3–5 angular velocity, base frame). Also leaves the end-effector
   * position in {@code eeOut} when it is not null.
   */
  public void jacobian(double[] q, double[] out, double[] eeOut, Scratch s) {
    run(q, s, true);
    double ex = s.t[9];
    double ey = s.t[10];
    double ez = s.t[11];
    for (int i = 0; i < n; i++) {
      double zx = s.jointAxis[3 * i];
      double zy = s.jointAxis[3 * i + 1];
      double zz = s.jointAxis[3 * i + 2];
      if (prismatic[i]) {
        out[i] = zx;
        out[n + i] = zy;
        out[2 * n + i] = zz;
        out[3 * n + i] = 0;
        out[4 * n + i] = 0;
        out[5 * n + i] = 0;
      } else {
        double rx = ex - s.jointPos[3 * i];
        double ry = ey - s.jointPos[3 * i + 1];
        double rz = ez - s.jointPos[3 * i + 2];
        out[i] = zy * rz - zz * ry;
        out[n + i] = zz * rx - zx * rz;
        out[2 * n + i] = zx * ry - zy * rx;
        out[3 * n + i] = zx;
        out[4 * n + i] = zy;
        out[5 * n + i] = zz;
      }
    }
    if (eeOut != null) {
      eeOut[0] = ex;
      eeOut[1] = ey;
      eeOut[2] = ez;
    }
  }

  /** Jacobian, allocating. */
  public double[] jacobian(double[] q) {
    double[] out = new double[6 * n];
    jacobian(q, out, null, newScratch());
    return out;
  }

  private void run(double[] q, Scratch s, boolean recordJoints) {
    checkSize(q);
    double[] t = s.t;
    setIdentity(t);
    for (int i = 0; i < n; i++) {
      mulInPlace(t, pre[i], s.m);
      if (recordJoints) {
        double[] a = axis[i];
        s.jointPos[3 * i] = t[9];
        s.jointPos[3 * i + 1] = t[10];
        s.jointPos[3 * i + 2] = t[11];
        s.jointAxis[3 * i] = t[0] * a[0] + t[1] * a[1] + t[2] * a[2];
        s.jointAxis[3 * i + 1] = t[3] * a[0] + t[4] * a[1] + t[5] * a[2];
        s.jointAxis[3 * i + 2] = t[6] * a[0] + t[7] * a[1] + t[8] * a[2];
      }
      motionInto(i, q[i], s.m);
      mulInPlace(t, s.m, s.tmp);
    }
    mulInPlace(t, tip, s.m);
  }

  private void checkSize(double[] q) {
    if (q.length < n) {
      throw new IllegalArgumentException("expected " + n + " joint values, got " + q.length);
    }
  }

  private Transform motion(int i, double qi) {
    double[] m = new double[12];
    motionInto(i, qi, m);
    return unpack(m);
  }

  private void motionInto(int i, double qi, double[] m) {
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
    double sn = Math.sin(qi);
    double v = 1 - c;
    m[0] = c + x * x * v;
    m[1] = x * y * v - z * sn;
    m[2] = x * z * v + y * sn;
    m[3] = y * x * v + z * sn;
    m[4] = c + y * y * v;
    m[5] = y * z * v - x * sn;
    m[6] = z * x * v - y * sn;
    m[7] = z * y * v + x * sn;
    m[8] = c + z * z * v;
    m[9] = 0;
    m[10] = 0;
    m[11] = 0;
  }

  /** t = t * b, using {@code tmp} (12) as scratch. */
  private static void mulInPlace(double[] t, double[] b, double[] tmp) {
    for (int r = 0; r < 3; r++) {
      double a0 = t[r * 3];
      double a1 = t[r * 3 + 1];
      double a2 = t[r * 3 + 2];
      tmp[r * 3] = a0 * b[0] + a1 * b[3] + a2 * b[6];
      tmp[r * 3 + 1] = a0 * b[1] + a1 * b[4] + a2 * b[7];
      tmp[r * 3 + 2] = a0 * b[2] + a1 * b[5] + a2 * b[8];
      tmp[9 + r] = a0 * b[9] + a1 * b[10] + a2 * b[11] + t[9 + r];
    }
    System.arraycopy(tmp, 0, t, 0, 12);
  }

  private static void setIdentity(double[] m) {
    java.util.Arrays.fill(m, 0);
    m[0] = 1;
    m[4] = 1;
    m[8] = 1;
  }

  private static double[] pack(Transform t) {
    double[] out = new double[12];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        out[r * 3 + c] = t.rotationAt(r, c);
      }
      out[9 + r] = t.translationAt(r);
    }
    return out;
  }

  private static Transform unpack(double[] m) {
    return Transform.of(java.util.Arrays.copyOf(m, 9), new double[] {m[9], m[10], m[11]});
  }
}
