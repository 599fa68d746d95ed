package io.telos.model;

import io.telos.api.Pose;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A serial chain of single-axis joints from a base link to a tip link, and an optional tool frame
 * after the tip, with forward kinematics and the geometric Jacobian. Fixed joints along the way are
 * folded into the next joint's origin (or into the tip offset). Branches of the tree off the path
 * (fixed frames, the other finger) are not part of the chain; a mimic joint on the path is an
 * ordinary degree of freedom. The hot-path methods take a {@link Scratch} and allocate nothing.
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
  private final Transform tool;

  private static final String BASE = "base_link";
  private static final String TIP = "tip_link";
  private static final String TOOL = "tool";

  private KinematicChain(String source, String baseLink, String tipLink, List<JointSpec> path, Transform tool) {
    this.baseLink = baseLink;
    this.tipLink = tipLink;
    this.tool = tool;
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
        default -> throw new ChainException(TIP, source + ": joint '" + j.name() + "' of type "
            + j.type().name().toLowerCase() + " cannot be part of a serial arm chain (allowed in the chain "
            + baseLink + " -> " + tipLink + ": revolute, continuous, prismatic and fixed joints)");
      }
    }
    if (movable.isEmpty()) {
      throw new ChainException(TIP, source + ": chain " + baseLink + " -> " + tipLink
          + " has no movable joint (allowed: a tip link below at least one revolute, continuous or prismatic joint"
          + " of the base link)");
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
    this.tip = pack(acc.compose(tool));
  }

  /**
   * The chain from the root link to the arm's tip: the only leaf link that is below a movable
   * joint. Leaves reached through fixed joints only (a {@code base} frame beside the arm) are no
   * candidates. Fails, naming the candidate leaves, when there are several (a gripper with two
   * fingers, a second arm).
   */
  public static KinematicChain of(RobotDescription d) {
    return of(d, null, null, Transform.IDENTITY);
  }

  /** The chain from {@code baseLink} down to {@code tipLink}. */
  public static KinematicChain of(RobotDescription d, String baseLink, String tipLink) {
    return of(d, baseLink, tipLink, Transform.IDENTITY);
  }

  /**
   * The chain from {@code baseLink} down to {@code tipLink}, with {@code tool} appended after the
   * tip link (the tool frame in the tip link frame; identity for none).
   *
   * @param baseLink null for the root link
   * @param tipLink null to take the only leaf below a movable joint of the base link
   * @throws ChainException naming the choice to change ({@link ChainException#key()})
   */
  public static KinematicChain of(RobotDescription d, String baseLink, String tipLink, Transform tool) {
    String src = d.source();
    String base = baseLink == null ? d.rootLink() : baseLink;
    if (d.link(base) == null) {
      throw new ChainException(BASE, src + ": unknown base link '" + base + "' (allowed: a link of the description: "
          + String.join(", ", d.linkNames()) + ")");
    }
    String tip = tipLink == null ? onlyTip(d, base) : tipLink;
    if (d.link(tip) == null) {
      throw new ChainException(TIP, src + ": unknown tip link '" + tip + "' (allowed: a link below base link '"
          + base + "', leaves " + d.leavesBelow(base) + ")");
    }
    if (!d.isBelow(tip, base)) {
      throw new ChainException(TIP, src + ": tip link '" + tip + "' is not below base link '" + base
          + "' (allowed: a link below it, leaves " + d.leavesBelow(base) + ")");
    }
    if (tool == null) {
      throw new ChainException(TOOL, src + ": tool transform is null (allowed: a transform, identity for none)");
    }
    List<JointSpec> path = new ArrayList<>();
    for (String link = tip; !link.equals(base); ) {
      JointSpec j = d.parentJoint(link);
      path.add(0, j);
      link = j.parent();
    }
    return new KinematicChain(src, base, tip, path, tool);
  }

  /** The only leaf below {@code base} that has a non-fixed joint between them. */
  private static String onlyTip(RobotDescription d, String base) {
    List<String> candidates = new ArrayList<>();
    for (String leaf : d.leavesBelow(base)) {
      for (String l = leaf; !l.equals(base); ) {
        JointSpec j = d.parentJoint(l);
        if (j.type() != JointType.FIXED) {
          candidates.add(leaf);
          break;
        }
        l = j.parent();
      }
    }
    if (candidates.size() == 1) {
      return candidates.get(0);
    }
    if (candidates.isEmpty()) {
      throw new ChainException(TIP, d.source() + ": no link below base link '" + base
          + "' is moved by a joint (allowed: a tip link below at least one revolute, continuous or prismatic joint)");
    }
    throw new ChainException(TIP, d.source() + ": no tip link named and the tree branches below '"
        + branchPoint(d, candidates) + "': the arm could end at any of the leaf links " + candidates
        + "; name one of them, or a link above where they branch, as the tip link");
  }

  /** The deepest link above all of {@code leaves}. */
  private static String branchPoint(RobotDescription d, List<String> leaves) {
    List<String> common = null;
    for (String leaf : leaves) {
      List<String> up = new ArrayList<>();
      for (String l = leaf; l != null; ) {
        up.add(0, l);
        JointSpec j = d.parentJoint(l);
        l = j == null ? null : j.parent();
      }
      if (common == null) {
        common = up;
      } else {
        int k = 0;
        while (k < common.size() && k < up.size() && common.get(k).equals(up.get(k))) {
          k++;
        }
        common = common.subList(0, k);
      }
    }
    return common.get(common.size() - 1);
  }

  /** The tool frame in the tip link frame (identity unless one was given). */
  public Transform tool() {
    return tool;
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
   * Frames of the base and of each movable joint's child link at {@code q} (as
   * {@link #linkTransforms}) into {@code out} (at least {@code 12 * (dof + 1)} long): 12 values per
   * frame, the rotation row-major then the translation; allocation-free.
   */
  public void linkFrames(double[] q, double[] out, Scratch s) {
    checkSize(q);
    double[] t = s.t;
    setIdentity(t);
    System.arraycopy(t, 0, out, 0, 12);
    for (int i = 0; i < n; i++) {
      mulInPlace(t, pre[i], s.m);
      motionInto(i, q[i], s.m);
      mulInPlace(t, s.m, s.tmp);
      System.arraycopy(t, 0, out, 12 * (i + 1), 12);
    }
  }

  /**
   * Where movable joint {@code i} sits in the frame of link {@code i} of {@link #linkNames()} (the
   * fixed joints between them folded in), at its zero position.
   */
  public Transform jointPlacement(int i) {
    return unpack(pre[i]);
  }

  /** The tool frame (fixed joints after the last movable joint, then the tool) in the last link's frame. */
  public Transform tipPlacement() {
    return unpack(tip);
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
    Arrays.fill(m, 0);
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
    return Transform.of(Arrays.copyOf(m, 9), new double[] {m[9], m[10], m[11]});
  }
}
