package io.telos.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The collision geometry of an arm's chain, for self-collision and table checks: capsules fixed to
 * the links of {@link KinematicChain#linkNames()} and the pairs of links that may touch.
 *
 * <p>Each {@code <collision>} of a chain link, or of a link fixed below it (a flange, a hand), gives
 * one {@link LinkCapsule} in that chain link's frame: a sphere is a capsule of zero length; a
 * cylinder a capsule along its axis over its length with its radius; a box a capsule along its
 * longest side over its length with the half-diagonal of its cross-section as radius; a mesh whose
 * file can be read (binary or ASCII STL; {@code file://}, absolute, or relative to the URDF's folder)
 * a capsule along its principal axis that holds every vertex. Every capsule holds its shape. A chain
 * link with no readable geometry (only {@code package://} meshes, or none at all) gets a
 * {@code default} capsule of radius {@link #DEFAULT_RADIUS_M} along the link, from its frame to the
 * next joint (the last link: to the tool point), and a warning in {@link #warnings()} when it
 * declared a mesh; so does a link with a mesh that cannot be read beside other shapes.
 *
 * <p>Allowed to touch: a chain link and the next one (parent and child); links two apart when the
 * link between them is shorter than twice the smaller of their radii plus 5 mm (they meet at it: a wrist);
 * the pairs given; and pairs
 * that touch in every one of 256 seeded configurations within the joint limits
 * ({@link #alwaysTouching()}: links joined through a very short link, such as across a spherical
 * wrist, which no motion can keep apart).
 * The table: the plane z = 0 of the base frame; links whose capsules reach below it at the zero
 * configuration (the base, a link mounted at table level, a planar arm lying in the plane) are not
 * checked against it ({@link #onTable()}).
 */
public final class CollisionModel {
  /** Radius of a capsule along a link with no readable geometry, m. */
  public static final double DEFAULT_RADIUS_M = 0.05;

  private final KinematicChain chain;
  private final List<LinkCapsule> capsules;
  private final List<String> warnings;
  private int[] pairs; // capsule index pairs, flattened
  private final boolean[] tableChecked; // per capsule
  private final Set<String> onTable;
  private final Set<List<String>> allowed;
  private final Set<List<String>> alwaysTouching;
  private static final long ALWAYS_SEED = 0x7e1052L;
  private static final int ALWAYS_SAMPLES = 256;
  private static final double SHORT_LINK_TOLERANCE_M = 0.005;

  private CollisionModel(KinematicChain chain, List<LinkCapsule> capsules, List<String> warnings,
      Set<List<String>> declared) {
    this.chain = chain;
    this.capsules = List.copyOf(capsules);
    this.warnings = List.copyOf(warnings);
    List<String> bodies = chain.linkNames();
    this.pairs = pairsOutside(declared);
    // links that touch wherever the arm is (two links joined through a very short one, a spherical
    // wrist) cannot be kept apart: allowed, as a setup assistant would mark them "always in collision"
    Set<List<String>> always = new LinkedHashSet<>();
    for (int k = 0; k < pairs.length; k += 2) {
      always.add(pair(bodies.get(capsules.get(pairs[k]).body()), bodies.get(capsules.get(pairs[k + 1]).body())));
    }
    Checker probe = new Checker(pairs);
    SplittableRandom rnd = new SplittableRandom(ALWAYS_SEED);
    double[] q = new double[chain.dof()];
    for (int sample = 0; sample < ALWAYS_SAMPLES && !always.isEmpty(); sample++) {
      for (int i = 0; i < q.length; i++) {
        JointSpec j = chain.joints().get(i);
        double lo = Math.max(j.lower(), -Math.PI);
        double hi = Math.min(j.upper(), Math.PI);
        q[i] = hi > lo ? rnd.nextDouble(lo, hi) : lo;
      }
      probe.update(q);
      for (int k = 0; k < pairs.length; k += 2) {
        if (probe.pairClearance(pairs[k], pairs[k + 1]) >= 0) {
          always.remove(pair(bodies.get(capsules.get(pairs[k]).body()), bodies.get(capsules.get(pairs[k + 1]).body())));
        }
      }
    }
    Set<List<String>> all = new LinkedHashSet<>(declared);
    all.addAll(always);
    this.allowed = Set.copyOf(all);
    this.alwaysTouching = Set.copyOf(always);
    this.pairs = pairsOutside(allowed);
    double[] frames = new double[12 * (chain.dof() + 1)];
    chain.linkFrames(new double[chain.dof()], frames, chain.newScratch());
    Set<String> low = new TreeSet<>();
    double[] w = new double[6];
    for (LinkCapsule c : capsules) {
      toBase(frames, c, w, 0);
      if (Math.min(w[2], w[5]) - c.radius() < 0 || c.body() == 0) {
        low.add(c.link());
      }
    }
    this.tableChecked = new boolean[capsules.size()];
    for (int i = 0; i < capsules.size(); i++) {
      tableChecked[i] = !low.contains(capsules.get(i).link());
    }
    this.onTable = Set.copyOf(low);
  }

  /** Capsule index pairs on different links whose links are not in {@code allowed}, flattened. */
  private int[] pairsOutside(Set<List<String>> allowed) {
    List<String> bodies = chain.linkNames();
    List<Integer> p = new ArrayList<>();
    for (int i = 0; i < capsules.size(); i++) {
      for (int j = i + 1; j < capsules.size(); j++) {
        int bi = capsules.get(i).body();
        int bj = capsules.get(j).body();
        if (bi == bj || allowed.contains(pair(bodies.get(bi), bodies.get(bj)))) {
          continue;
        }
        p.add(i);
        p.add(j);
      }
    }
    return p.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The model of {@code arm}'s chain with the default allowed pairs; meshes relative to {@code urdfDir} (may be null). */
  public static CollisionModel of(RobotModel arm, Path urdfDir) {
    return of(arm.description(), arm.chain(), List.of(), urdfDir);
  }

  /**
   * @param allowedPairs further pairs of link names that may touch (each a chain link or a link
   *     fixed to one); the parent–child pairs of the chain are always allowed
   * @param urdfDir the folder relative mesh paths are resolved against (null: only absolute and
   *     {@code file://} paths)
   * @throws IllegalArgumentException naming an unknown link of {@code allowedPairs}
   */
  public static CollisionModel of(RobotDescription d, KinematicChain chain, Collection<List<String>> allowedPairs,
      Path urdfDir) {
    List<String> bodies = chain.linkNames();
    List<LinkCapsule> caps = new ArrayList<>();
    List<String> warn = new ArrayList<>();
    for (int b = 0; b < bodies.size(); b++) {
      String body = bodies.get(b);
      int before = caps.size();
      boolean unreadable = false;
      List<String> attached = new ArrayList<>();
      List<Transform> placement = new ArrayList<>();
      collectFixed(d, body, Transform.IDENTITY, attached, placement);
      for (int k = 0; k < attached.size(); k++) {
        Link link = d.link(attached.get(k));
        for (CollisionShape s : link.collisions()) {
          LinkCapsule c = capsule(body, b, link.name(), placement.get(k).compose(s.origin()), s, urdfDir);
          if (c == null) {
            unreadable = true;
          } else {
            caps.add(c);
          }
        }
      }
      if (caps.size() == before || unreadable) {
        double[] end = (b < chain.dof() ? chain.jointPlacement(b) : chain.tipPlacement()).translation();
        caps.add(new LinkCapsule(body, b, body, "default", 0, 0, 0, end[0], end[1], end[2], DEFAULT_RADIUS_M));
        if (unreadable) {
          warn.add(d.source() + ": link '" + body + "' has collision meshes that cannot be read here; "
              + "checked as a capsule of radius " + DEFAULT_RADIUS_M + " m along the link");
        }
      }
    }
    Set<List<String>> allowed = new LinkedHashSet<>();
    for (int b = 0; b + 1 < bodies.size(); b++) {
      allowed.add(pair(bodies.get(b), bodies.get(b + 1)));
    }
    for (int b = 0; b + 2 < bodies.size(); b++) {
      // two links apart across a link shorter than their radii together: they meet at the short link
      double middle = 0;
      double r = Double.POSITIVE_INFINITY;
      for (LinkCapsule c : caps) {
        if (c.body() == b + 1) {
          middle = Math.max(middle, c.length());
        }
        if (c.body() == b || c.body() == b + 2) {
          r = Math.min(r, c.radius());
        }
      }
      if (middle < 2 * r + SHORT_LINK_TOLERANCE_M) {
        allowed.add(pair(bodies.get(b), bodies.get(b + 2)));
      }
    }
    for (List<String> p : allowedPairs) {
      if (p.size() != 2) {
        throw new IllegalArgumentException("an allowed collision is a pair of link names, was " + p);
      }
      allowed.add(pair(bodyOf(d, chain, p.get(0)), bodyOf(d, chain, p.get(1))));
    }
    return new CollisionModel(chain, caps, warn, allowed);
  }

  /**
   * The chain link that {@code link} is (or is fixed to), as {@link #of(RobotDescription,
   * KinematicChain, Collection, Path)} reads an allowed pair.
   *
   * @throws IllegalArgumentException naming the unknown link and the chain's links
   */
  public static String chainLinkOf(RobotDescription d, KinematicChain chain, String link) {
    return bodyOf(d, chain, link);
  }

  /** The chain link that {@code link} is (or is fixed to). */
  private static String bodyOf(RobotDescription d, KinematicChain chain, String link) {
    for (String body : chain.linkNames()) {
      List<String> attached = new ArrayList<>();
      collectFixed(d, body, Transform.IDENTITY, attached, new ArrayList<>());
      if (attached.contains(link)) {
        return body;
      }
    }
    throw new IllegalArgumentException("unknown link '" + link + "' (allowed: a link of the chain or fixed to one: "
        + String.join(", ", chain.linkNames()) + ")");
  }

  private static void collectFixed(RobotDescription d, String link, Transform at, List<String> out,
      List<Transform> placement) {
    out.add(link);
    placement.add(at);
    for (JointSpec j : d.childJoints(link)) {
      if (j.type() == JointType.FIXED) {
        collectFixed(d, j.child(), at.compose(j.origin()), out, placement);
      }
    }
  }

  private static List<String> pair(String a, String b) {
    return a.compareTo(b) <= 0 ? List.of(a, b) : List.of(b, a);
  }

  /** The capsule holding shape {@code s} placed by {@code t} in the body frame; null for a mesh that cannot be read. */
  private static LinkCapsule capsule(String body, int b, String shapeLink, Transform t, CollisionShape s, Path dir) {
    double[] lo;
    double[] hi;
    double r;
    String source;
    switch (s) {
      case CollisionShape.Sphere sp -> {
        lo = new double[3];
        hi = new double[3];
        r = sp.radius();
        source = "sphere";
      }
      case CollisionShape.Cylinder c -> {
        lo = new double[] {0, 0, -c.length() / 2};
        hi = new double[] {0, 0, c.length() / 2};
        r = c.radius();
        source = "cylinder";
      }
      case CollisionShape.Box box -> {
        double[] size = {box.sizeX(), box.sizeY(), box.sizeZ()};
        int k = size[0] >= size[1] && size[0] >= size[2] ? 0 : (size[1] >= size[2] ? 1 : 2);
        lo = new double[3];
        hi = new double[3];
        lo[k] = -size[k] / 2;
        hi[k] = size[k] / 2;
        double u = size[(k + 1) % 3] / 2;
        double v = size[(k + 2) % 3] / 2;
        r = Math.sqrt(u * u + v * v);
        source = "box";
      }
      case CollisionShape.Mesh m -> {
        double[] fit = fitMesh(m, dir);
        if (fit == null) {
          return null;
        }
        lo = new double[] {fit[0], fit[1], fit[2]};
        hi = new double[] {fit[3], fit[4], fit[5]};
        r = fit[6];
        source = "mesh";
      }
    }
    double[] a = t.apply(lo[0], lo[1], lo[2]);
    double[] e = t.apply(hi[0], hi[1], hi[2]);
    return new LinkCapsule(body, b, shapeLink, source, a[0], a[1], a[2], e[0], e[1], e[2], r);
  }

  /** End points and radius of a capsule holding every vertex of a readable STL mesh; null when unreadable. */
  static double[] fitMesh(CollisionShape.Mesh m, Path dir) {
    String f = m.filename();
    Path p;
    if (f.startsWith("package://")) {
      return null;
    } else if (f.startsWith("file://")) {
      p = Path.of(f.substring("file://".length()));
    } else {
      p = Path.of(f);
      if (!p.isAbsolute()) {
        if (dir == null) {
          return null;
        }
        p = dir.resolve(p);
      }
    }
    double[] v;
    try {
      v = stlVertices(Files.readAllBytes(p));
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (v == null || v.length < 3) {
      return null;
    }
    int n = v.length / 3;
    for (int i = 0; i < n; i++) {
      v[3 * i] *= m.scaleX();
      v[3 * i + 1] *= m.scaleY();
      v[3 * i + 2] *= m.scaleZ();
    }
    double[] c = new double[3];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < 3; k++) {
        c[k] += v[3 * i + k] / n;
      }
    }
    double[] cov = new double[9];
    for (int i = 0; i < n; i++) {
      for (int r = 0; r < 3; r++) {
        for (int s = 0; s < 3; s++) {
          cov[3 * r + s] += (v[3 * i + r] - c[r]) * (v[3 * i + s] - c[s]);
        }
      }
    }
    double[] axis = {1, 0.7, 0.3}; // power iteration: the principal axis
    for (int it = 0; it < 100; it++) {
      double[] next = new double[3];
      for (int r = 0; r < 3; r++) {
        next[r] = cov[3 * r] * axis[0] + cov[3 * r + 1] * axis[1] + cov[3 * r + 2] * axis[2];
      }
      double norm = Math.sqrt(next[0] * next[0] + next[1] * next[1] + next[2] * next[2]);
      if (!(norm > 1e-30)) {
        break;
      }
      axis = new double[] {next[0] / norm, next[1] / norm, next[2] / norm};
    }
    double tMin = Double.POSITIVE_INFINITY;
    double tMax = Double.NEGATIVE_INFINITY;
    double r2 = 0;
    for (int i = 0; i < n; i++) {
      double dx = v[3 * i] - c[0];
      double dy = v[3 * i + 1] - c[1];
      double dz = v[3 * i + 2] - c[2];
      double t = dx * axis[0] + dy * axis[1] + dz * axis[2];
      tMin = Math.min(tMin, t);
      tMax = Math.max(tMax, t);
      r2 = Math.max(r2, dx * dx + dy * dy + dz * dz - t * t);
    }
    return new double[] {c[0] + tMin * axis[0], c[1] + tMin * axis[1], c[2] + tMin * axis[2],
        c[0] + tMax * axis[0], c[1] + tMax * axis[1], c[2] + tMax * axis[2], Math.sqrt(Math.max(0, r2))};
  }

  /** Vertices of a binary or ASCII STL file (3 values each, repeated per facet); null when it is neither. */
  static double[] stlVertices(byte[] b) {
    if (b.length >= 84) {
      ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
      long count = Integer.toUnsignedLong(buf.getInt(80));
      if (84 + 50 * count == b.length) {
        double[] v = new double[(int) (9 * count)];
        for (int f = 0; f < count; f++) {
          for (int k = 0; k < 9; k++) {
            v[9 * f + k] = buf.getFloat(84 + 50 * f + 12 + 4 * k);
          }
        }
        return v;
      }
    }
    String text = new String(b, StandardCharsets.US_ASCII);
    if (!text.stripLeading().startsWith("solid")) {
      return null;
    }
    List<Double> out = new ArrayList<>();
    for (String line : text.split("\\R")) {
      String[] t = line.trim().split("\\s+");
      if (t.length == 4 && t[0].equals("vertex")) {
        for (int k = 1; k < 4; k++) {
          out.add(Double.parseDouble(t[k]));
        }
      }
    }
    return out.isEmpty() ? null : out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  public KinematicChain chain() {
    return chain;
  }

  public List<LinkCapsule> capsules() {
    return capsules;
  }

  /** Links with meshes that could not be read, each checked as a default capsule. */
  public List<String> warnings() {
    return warnings;
  }

  /** Pairs of chain link names (sorted) that may touch. */
  public Set<List<String>> allowedPairs() {
    return allowed;
  }

  /**
   * Pairs of chain links (sorted) whose capsules overlapped in every one of 256 seeded configurations
   * within the joint limits: allowed, since no motion could keep them apart (part of {@link #allowedPairs()}).
   */
  public Set<List<String>> alwaysTouching() {
    return alwaysTouching;
  }

  /** Capsule pairs checked for self-collision. */
  public int pairCount() {
    return pairs.length / 2;
  }

  /** Capsule index pairs ({@link #capsules()} order) checked for self-collision: {@code [a0, b0, a1, b1, …]}, a copy. */
  public int[] checkedPairs() {
    return pairs.clone();
  }

  /** True when capsule {@code i} ({@link #capsules()} order) is checked against the table plane. */
  public boolean tableChecked(int i) {
    return tableChecked[i];
  }

  /** Chain links not checked against the table plane (they reach below it at the zero configuration). */
  public Set<String> onTable() {
    return onTable;
  }

  /** A new checker; one per thread. */
  public Checker newChecker() {
    return new Checker(pairs);
  }

  /** Capsule {@code c}'s end points in the base frame into {@code out[off, off + 6)}. */
  private static void toBase(double[] frames, LinkCapsule c, double[] out, int off) {
    int f = 12 * c.body();
    out[off] = frames[f] * c.ax() + frames[f + 1] * c.ay() + frames[f + 2] * c.az() + frames[f + 9];
    out[off + 1] = frames[f + 3] * c.ax() + frames[f + 4] * c.ay() + frames[f + 5] * c.az() + frames[f + 10];
    out[off + 2] = frames[f + 6] * c.ax() + frames[f + 7] * c.ay() + frames[f + 8] * c.az() + frames[f + 11];
    out[off + 3] = frames[f] * c.bx() + frames[f + 1] * c.by() + frames[f + 2] * c.bz() + frames[f + 9];
    out[off + 4] = frames[f + 3] * c.bx() + frames[f + 4] * c.by() + frames[f + 5] * c.bz() + frames[f + 10];
    out[off + 5] = frames[f + 6] * c.bx() + frames[f + 7] * c.by() + frames[f + 8] * c.bz() + frames[f + 11];
  }

  /**
   * Evaluates a configuration: {@link #update} places the capsules, then {@link #selfClearance()}
   * and {@link #tableClearance()} read it. Allocation-free after construction; not thread-safe.
   */
  public final class Checker {
    private final KinematicChain.Scratch scratch = chain.newScratch();
    private final double[] frames = new double[12 * (chain.dof() + 1)];
    private final double[] ends = new double[6 * capsules.size()];
    private final double[] radius = new double[capsules.size()];
    private final LinkCapsule[] caps = capsules.toArray(new LinkCapsule[0]);
    private int worstA = -1;
    private int worstB = -1;
    private int worstTable = -1;
    private final int[] pairs;

    Checker(int[] pairs) {
      this.pairs = pairs;
      for (int i = 0; i < caps.length; i++) {
        radius[i] = caps[i].radius();
      }
    }

    public CollisionModel model() {
      return CollisionModel.this;
    }

    /** Places every capsule at configuration {@code q[off, off + dof)}. */
    public void update(double[] q, int off) {
      if (off == 0) {
        chain.linkFrames(q, frames, scratch);
      } else {
        double[] tmp = scratch.jointPos; // 3 * dof >= dof: a scratch copy of q
        System.arraycopy(q, off, tmp, 0, chain.dof());
        chain.linkFrames(tmp, frames, scratch);
      }
      for (int i = 0; i < caps.length; i++) {
        toBase(frames, caps[i], ends, 6 * i);
      }
    }

    /** Places every capsule at configuration {@code q}. */
    public void update(double[] q) {
      update(q, 0);
    }

    /**
     * Smallest surface distance between two capsules that may not touch, m (negative: they
     * overlap); +∞ when no pair is checked. NaN positions give NaN.
     */
    public double selfClearance() {
      double best = Double.POSITIVE_INFINITY;
      worstA = -1;
      worstB = -1;
      for (int k = 0; k < pairs.length; k += 2) {
        int i = pairs[k];
        int j = pairs[k + 1];
        double d = pairClearance(i, j);
        if (!(d >= best)) {
          best = d;
          worstA = i;
          worstB = j;
        }
      }
      return best;
    }

    /** Surface distance between capsules {@code i} and {@code j} at the last update, m. */
    double pairClearance(int i, int j) {
      int a = 6 * i;
      int b = 6 * j;
      return LinkCapsule.segmentDistance(ends[a], ends[a + 1], ends[a + 2], ends[a + 3], ends[a + 4], ends[a + 5],
          ends[b], ends[b + 1], ends[b + 2], ends[b + 3], ends[b + 4], ends[b + 5]) - radius[i] - radius[j];
    }

    /** Lowest point of the capsules checked against the table, above z = 0 of the base, m; +∞ when none. */
    public double tableClearance() {
      double best = Double.POSITIVE_INFINITY;
      worstTable = -1;
      for (int i = 0; i < caps.length; i++) {
        if (!tableChecked[i]) {
          continue;
        }
        double h = Math.min(ends[6 * i + 2], ends[6 * i + 5]) - radius[i];
        if (!(h >= best)) {
          best = h;
          worstTable = i;
        }
      }
      return best;
    }

    /** The links of the closest pair found by the last {@link #selfClearance()} ("a/b"), or "" for none. */
    public String closestPair() {
      return worstA < 0 ? "" : caps[worstA].link() + "/" + caps[worstB].link();
    }

    /** The link lowest above the table found by the last {@link #tableClearance()}, or "" for none. */
    public String lowestLink() {
      return worstTable < 0 ? "" : caps[worstTable].link();
    }

    /** Base-frame end points of capsule {@code i} after the last update: {@code a} then {@code b}. */
    public void ends(int i, double[] out) {
      System.arraycopy(ends, 6 * i, out, 0, 6);
    }
  }
}
