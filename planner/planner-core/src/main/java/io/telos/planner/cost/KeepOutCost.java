package io.telos.planner.cost;

import io.telos.api.Target;
import io.telos.model.KinematicChain;
import io.telos.planner.internal.ArmGeometry;
import java.util.List;

/**
 * Hard guardrail: no part of the arm may enter a {@link KeepOut} volume.
 *
 * <p>The arm is modelled as capsules of radius {@code linkRadiusM} around the segments joining
 * consecutive joint origins and the last joint to the tool point ({@link ArmGeometry}). Each segment
 * is sampled at points at most {@code max(linkRadius, 2.5 cm)} apart (segment lengths at the zero
 * configuration); for each predicted step, both its start and its end configuration must keep every
 * point of a segment farther than {@code R + d/2} from every volume, where
 * {@code R = sqrt(r² + (h/2)²)} covers the capsule between samples {@code h} apart and {@code d} is
 * the larger displacement of the segment's two end points during the step (an interpolated point
 * moves no more than that). Distance is 1-Lipschitz, so every point of a straight move between two
 * such configurations stays {@code R} clear: the check covers the links between samples and the
 * motion between predicted states, up to how far the real path bows away from the straight line
 * between them (about {@code ρ(1 − cos Δq/2)}, under a millimetre at the default step and speeds).
 *
 * <p>Cost per trajectory and step with a collision: {@link Energy#HARD_COST} · (1 + deepest
 * penetration in metres). When the observed configuration is itself already too close, it is not
 * held against the move (nothing can change it): the samples are then ranked by how deep their
 * predicted states go, so the best one backs out.
 */
public final class KeepOutCost implements CostTerm {
  private static final double MIN_SPACING_M = 0.025;

  private final List<KeepOut> volumes;
  private final KeepOut[] vol;
  private final double[][] lo;
  private final double[][] hi;
  private final ArmGeometry arm;
  private final double linkRadius;
  private final double inflation;
  private final int n;
  private final int pointCount;
  private final int[] perSegment;
  private double[] jointsPrev;
  private double[] jointsCur;

  /**
   * @param chain the arm
   * @param volumes the keep-out volumes (base frame)
   * @param linkRadiusM radius of the capsule around each link segment, m (>= 0)
   */
  public KeepOutCost(KinematicChain chain, List<KeepOut> volumes, double linkRadiusM) {
    this.volumes = List.copyOf(volumes);
    this.vol = this.volumes.toArray(new KeepOut[0]);
    this.lo = new double[vol.length][];
    this.hi = new double[vol.length][];
    for (int v = 0; v < vol.length; v++) {
      lo[v] = vol[v].boundsMin();
      hi[v] = vol[v].boundsMax();
    }
    this.arm = new ArmGeometry(chain);
    this.n = arm.dof();
    this.linkRadius = linkRadiusM;
    double[] joints = new double[3 * arm.pointCount()];
    this.jointsPrev = new double[joints.length];
    this.jointsCur = new double[joints.length];
    arm.points(new double[n], 0, joints);
    double spacing = Math.max(linkRadiusM, MIN_SPACING_M);
    int[] per = new int[n];
    this.perSegment = per;
    int total = 1;
    double h = 0;
    for (int s = 0; s < n; s++) {
      double len = Math.sqrt(sq(joints[3 * s + 3] - joints[3 * s]) + sq(joints[3 * s + 4] - joints[3 * s + 1])
          + sq(joints[3 * s + 5] - joints[3 * s + 2]));
      per[s] = Math.max(1, (int) Math.ceil(len / spacing));
      h = Math.max(h, len / per[s]);
      total += per[s];
    }
    this.pointCount = total;
    this.inflation = Math.sqrt(linkRadiusM * linkRadiusM + 0.25 * h * h);
  }

  @Override
  public String name() {
    return "keep_out";
  }

  public List<KeepOut> volumes() {
    return volumes;
  }

  /** Points checked per configuration. */
  public int pointCount() {
    return pointCount;
  }

  /** Distance each checked point must keep from every volume when it does not move, m. */
  public double inflation() {
    return inflation;
  }

  @Override
  public void accumulate(Rollout r, Target target, double[] costs) {
    if (vol.length == 0) {
      return;
    }
    for (int k = 0; k < r.samples(); k++) {
      costs[k] += trajectoryCost(r, k);
    }
  }

  /** The keep-out cost of trajectory {@code k} of {@code r}: 0 when it stays clear. */
  public double trajectoryCost(Rollout r, int k) {
    if (vol.length == 0) {
      return 0.0;
    }
    arm.points(r.initialPosition(), 0, jointsPrev);
    boolean startTooClose = staticPenetration(jointsPrev, inflation) > 0;
    double total = 0;
    for (int t = 1; t <= r.horizon(); t++) {
      arm.points(r.positions(t), k * n, jointsCur);
      double pen = 0;
      boolean withPrev = t > 1 || !startTooClose;
      for (int s = 0; s < n; s++) {
        double need = inflation + 0.5 * Math.max(move(s), move(s + 1));
        if (!(need < Double.POSITIVE_INFINITY)) {
          need = Double.POSITIVE_INFINITY;
        }
        pen = Math.max(pen, segmentPenetration(jointsCur, s, need));
        if (withPrev) {
          pen = Math.max(pen, segmentPenetration(jointsPrev, s, need));
        }
      }
      if (pen > 0) {
        total += Energy.HARD_COST * (1 + Math.min(pen, 1e3));
      }
      double[] swap = jointsPrev;
      jointsPrev = jointsCur;
      jointsCur = swap;
    }
    return total;
  }

  /** How far joint point {@code j} moved between the previous and the current configuration. */
  private double move(int j) {
    double dx = jointsCur[3 * j] - jointsPrev[3 * j];
    double dy = jointsCur[3 * j + 1] - jointsPrev[3 * j + 1];
    double dz = jointsCur[3 * j + 2] - jointsPrev[3 * j + 2];
    return Math.sqrt(dx * dx + dy * dy + dz * dz);
  }

  private double staticPenetration(double[] joints, double need) {
    double pen = 0;
    for (int s = 0; s < n; s++) {
      pen = Math.max(pen, segmentPenetration(joints, s, need));
    }
    return pen;
  }

  /**
   * Deepest penetration of the sample points of segment {@code s} (from joint point {@code s} to
   * {@code s + 1}) into any volume inflated by {@code need}; 0 when clear. Segments whose bounding
   * box, grown by {@code need}, misses a volume's bounding box skip that volume.
   */
  private double segmentPenetration(double[] joints, int s, double need) {
    int a = 3 * s;
    double ax = joints[a];
    double ay = joints[a + 1];
    double az = joints[a + 2];
    double bx = joints[a + 3];
    double by = joints[a + 4];
    double bz = joints[a + 5];
    double worst = 0;
    for (int v = 0; v < vol.length; v++) {
      double[] l = lo[v];
      double[] h = hi[v];
      if (Math.max(ax, bx) + need < l[0] || Math.min(ax, bx) - need > h[0] || Math.max(ay, by) + need < l[1]
          || Math.min(ay, by) - need > h[1] || Math.max(az, bz) + need < l[2] || Math.min(az, bz) - need > h[2]) {
        continue;
      }
      KeepOut volume = vol[v];
      int m = perSegment[s];
      int first = s == 0 ? 0 : 1; // the start point of a later segment is the end point of the one before
      for (int j = first; j <= m; j++) {
        double f = (double) j / m;
        double p = need - volume.distance(ax + f * (bx - ax), ay + f * (by - ay), az + f * (bz - az));
        if (!(p <= worst)) {
          worst = Double.isNaN(p) ? Double.POSITIVE_INFINITY : p;
        }
      }
    }
    return worst;
  }

  /**
   * Smallest clearance (m) between the link capsules (radius {@code linkRadiusM}, points sampled as
   * for the cost) and any volume at configuration {@code q}; negative inside, +inf without volumes.
   */
  public double clearance(double[] q) {
    arm.points(q, 0, jointsCur);
    double c = Double.POSITIVE_INFINITY;
    for (int s = 0; s < n; s++) {
      int a = 3 * s;
      for (int j = 0; j <= perSegment[s]; j++) {
        double f = (double) j / perSegment[s];
        for (KeepOut v : vol) {
          c = Math.min(c, v.distance(jointsCur[a] + f * (jointsCur[a + 3] - jointsCur[a]),
              jointsCur[a + 1] + f * (jointsCur[a + 4] - jointsCur[a + 1]),
              jointsCur[a + 2] + f * (jointsCur[a + 5] - jointsCur[a + 2])) - linkRadius);
        }
      }
    }
    return c;
  }

  private static double sq(double v) {
    return v * v;
  }
}
