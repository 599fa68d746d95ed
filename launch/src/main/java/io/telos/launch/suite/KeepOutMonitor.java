package io.telos.launch.suite;

import io.telos.api.config.Settings;
import io.telos.model.KinematicChain;
import io.telos.model.RobotModel;
import java.util.ArrayList;
import java.util.List;

/**
 * An independent check of the keep-out guardrail: reads the volumes from the launch file's
 * {@code planner.guardrails.keep_out} itself (its own parser and distance functions, no planner
 * code), and for a joint configuration tells whether the arm's link capsules overlap one of them.
 *
 * <p>The arm is the polyline joining consecutive joint origins and the last joint to the tool
 * point ({@link KinematicChain#jointOrigins}), inflated by {@code link_radius_m} — the same model
 * the planner documents; the fixed base below joint 0 is not checked (it cannot move). Each segment
 * is sampled every {@link #SPACING_M} (both ends included). A configuration "enters" a volume when a
 * sampled centre-line point is closer than the link radius to it. Not thread-safe.
 */
public final class KeepOutMonitor {
  /** Spacing of the points sampled along each link segment, m. */
  public static final double SPACING_M = 0.005;

  /** One volume: signed distance, negative inside. */
  interface Volume {
    double distance(double x, double y, double z);
  }

  record Box(double[] min, double[] max) implements Volume {
    @Override
    public double distance(double x, double y, double z) {
      double[] p = {x, y, z};
      double out = 0;
      double inside = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < 3; i++) {
        double below = min[i] - p[i];
        double above = p[i] - max[i];
        double d = Math.max(below, above);
        if (d > 0) {
          out += d * d;
        }
        inside = Math.max(inside, d);
      }
      return out > 0 ? Math.sqrt(out) : inside;
    }
  }

  record Sphere(double[] c, double r) implements Volume {
    @Override
    public double distance(double x, double y, double z) {
      return Math.sqrt(sq(x - c[0]) + sq(y - c[1]) + sq(z - c[2])) - r;
    }
  }

  record Capsule(double[] a, double[] b, double r) implements Volume {
    @Override
    public double distance(double x, double y, double z) {
      double[] ab = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
      double len2 = ab[0] * ab[0] + ab[1] * ab[1] + ab[2] * ab[2];
      double t = len2 == 0 ? 0 : ((x - a[0]) * ab[0] + (y - a[1]) * ab[1] + (z - a[2]) * ab[2]) / len2;
      t = Math.max(0, Math.min(1, t));
      return Math.sqrt(sq(x - a[0] - t * ab[0]) + sq(y - a[1] - t * ab[1]) + sq(z - a[2] - t * ab[2])) - r;
    }
  }

  private final List<Volume> volumes;
  private final double linkRadius;
  private final KinematicChain chain;
  private final KinematicChain.Scratch scratch;
  private final double[] points;
  private final int dof;

  KeepOutMonitor(RobotModel model, List<Volume> volumes, double linkRadius) {
    this.volumes = List.copyOf(volumes);
    this.linkRadius = linkRadius;
    this.chain = model.chain();
    this.scratch = chain.newScratch();
    this.dof = model.dof();
    this.points = new double[3 * (dof + 1)];
  }

  /** Volumes and link radius from a {@code planner:} section. */
  public static KeepOutMonitor from(RobotModel model, Settings planner) {
    Settings g = planner.section("guardrails");
    double radius = g.number("link_radius_m", 0.05, 0, 0.5);
    List<Volume> vols = new ArrayList<>();
    for (Settings v : g.list("keep_out")) {
      String type = v.requiredString("type");
      vols.add(switch (type) {
        case "box" -> new Box(v.numbers("min", null, 3, -1e3, 1e3), v.numbers("max", null, 3, -1e3, 1e3));
        case "sphere" -> new Sphere(v.numbers("center", null, 3, -1e3, 1e3), v.requiredNumber("radius", 0, 1e3));
        case "capsule" -> new Capsule(v.numbers("a", null, 3, -1e3, 1e3), v.numbers("b", null, 3, -1e3, 1e3),
            v.requiredNumber("radius", 0, 1e3));
        default -> throw new IllegalArgumentException(v.key("type") + ": unknown volume type '" + type + "'");
      });
    }
    return new KeepOutMonitor(model, vols, radius);
  }

  public boolean hasVolumes() {
    return !volumes.isEmpty();
  }

  public double linkRadius() {
    return linkRadius;
  }

  /**
   * Smallest distance from the arm's centre line (sampled) to any volume, minus the link radius:
   * the clearance of the link capsules, m (negative: the arm is inside a volume). +∞ without volumes.
   */
  public double clearance(double[] q) {
    if (volumes.isEmpty()) {
      return Double.POSITIVE_INFINITY;
    }
    chain.jointOrigins(q, points, scratch);
    double best = Double.POSITIVE_INFINITY;
    for (int s = 0; s < dof; s++) {
      int a = 3 * s;
      int b = 3 * (s + 1);
      double dx = points[b] - points[a];
      double dy = points[b + 1] - points[a + 1];
      double dz = points[b + 2] - points[a + 2];
      double len = Math.sqrt(dx * dx + dy * dy + dz * dz);
      int n = Math.max(1, (int) Math.ceil(len / SPACING_M));
      for (int k = 0; k <= n; k++) {
        double t = (double) k / n;
        double x = points[a] + t * dx;
        double y = points[a + 1] + t * dy;
        double z = points[a + 2] + t * dz;
        for (Volume v : volumes) {
          best = Math.min(best, v.distance(x, y, z));
        }
      }
    }
    return best - linkRadius;
  }

  private static double sq(double v) {
    return v * v;
  }
}
