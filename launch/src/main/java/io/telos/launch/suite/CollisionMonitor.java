package io.telos.launch.suite;

import io.telos.model.CollisionModel;
import io.telos.model.KinematicChain;
import io.telos.model.LinkCapsule;
import io.telos.model.RobotModel;
import java.util.ArrayList;
import java.util.List;

/**
 * An independent check of the self-collision and table guardrails: takes the arm's link capsules
 * and allowed pairs from its description ({@link CollisionModel}), but measures with its own code
 * and no planner or kernel code: each capsule's centre line is sampled every {@link #SPACING_M},
 * and a sampled point closer to another capsule's centre line than the two radii together (point to
 * segment, exact) is a self-collision; a sampled point of a capsule checked against the table lower
 * than its radius above z = 0 of the base is a table penetration. Not thread-safe.
 */
final class CollisionMonitor {
  /** Spacing of the points sampled along each capsule's centre line, m. */
  static final double SPACING_M = 0.005;

  private final KinematicChain chain;
  private final List<LinkCapsule> caps;
  private final int[][] pairs;
  private final boolean[] table;
  private final double[] ends;
  private final double[] frames;
  private final KinematicChain.Scratch scratch;

  /** The check with the arm's default allowed pairs. */
  CollisionMonitor(RobotModel model) {
    this(CollisionModel.of(model, null));
  }

  /** The check with the capsules and allowed pairs of {@code m} (the run's, with its {@code allowed_collisions}). */
  CollisionMonitor(CollisionModel m) {
    this.chain = m.chain();
    this.caps = m.capsules();
    List<String> links = chain.linkNames();
    ArrayList<int[]> p = new ArrayList<>();
    for (int i = 0; i < caps.size(); i++) {
      for (int j = i + 1; j < caps.size(); j++) {
        String a = links.get(caps.get(i).body());
        String b = links.get(caps.get(j).body());
        List<String> key = a.compareTo(b) <= 0 ? List.of(a, b) : List.of(b, a);
        if (!a.equals(b) && !m.allowedPairs().contains(key)) {
          p.add(new int[] {i, j});
        }
      }
    }
    this.pairs = p.toArray(new int[0][]);
    this.table = new boolean[caps.size()];
    for (int i = 0; i < caps.size(); i++) {
      table[i] = !m.onTable().contains(caps.get(i).link());
    }
    this.ends = new double[6 * caps.size()];
    this.frames = new double[12 * (chain.dof() + 1)];
    this.scratch = chain.newScratch();
  }

  /** Whether configuration {@code q} puts two links that may not touch into each other. */
  boolean selfCollides(double[] q) {
    place(q);
    for (int[] p : pairs) {
      if (sampledDistance(p[0], p[1]) < caps.get(p[0]).radius() + caps.get(p[1]).radius()
          || sampledDistance(p[1], p[0]) < caps.get(p[0]).radius() + caps.get(p[1]).radius()) {
        return true;
      }
    }
    return false;
  }

  /** Lowest point of the capsules checked against the table after the last {@link #selfCollides}, m. */
  double lowestAboveTable() {
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i < caps.size(); i++) {
      if (table[i]) {
        int a = 6 * i;
        int n = samples(i);
        for (int k = 0; k <= n; k++) {
          double t = (double) k / n;
          best = Math.min(best, ends[a + 2] + t * (ends[a + 5] - ends[a + 2]) - caps.get(i).radius());
        }
      }
    }
    return best;
  }

  private void place(double[] q) {
    chain.linkFrames(q, frames, scratch);
    for (int i = 0; i < caps.size(); i++) {
      LinkCapsule c = caps.get(i);
      int f = 12 * c.body();
      for (int e = 0; e < 2; e++) {
        double x = e == 0 ? c.ax() : c.bx();
        double y = e == 0 ? c.ay() : c.by();
        double z = e == 0 ? c.az() : c.bz();
        for (int r = 0; r < 3; r++) {
          ends[6 * i + 3 * e + r] = frames[f + 3 * r] * x + frames[f + 3 * r + 1] * y + frames[f + 3 * r + 2] * z
              + frames[f + 9 + r];
        }
      }
    }
  }

  private int samples(int i) {
    int a = 6 * i;
    double len = Math.sqrt(sq(ends[a + 3] - ends[a]) + sq(ends[a + 4] - ends[a + 1]) + sq(ends[a + 5] - ends[a + 2]));
    return Math.max(1, (int) Math.ceil(len / SPACING_M));
  }

  /** Smallest distance from the sampled centre line of capsule {@code i} to the centre line of {@code j}. */
  private double sampledDistance(int i, int j) {
    int a = 6 * i;
    int b = 6 * j;
    int n = samples(i);
    double best = Double.POSITIVE_INFINITY;
    for (int k = 0; k <= n; k++) {
      double t = (double) k / n;
      double x = ends[a] + t * (ends[a + 3] - ends[a]);
      double y = ends[a + 1] + t * (ends[a + 4] - ends[a + 1]);
      double z = ends[a + 2] + t * (ends[a + 5] - ends[a + 2]);
      double dx = ends[b + 3] - ends[b];
      double dy = ends[b + 4] - ends[b + 1];
      double dz = ends[b + 5] - ends[b + 2];
      double len2 = dx * dx + dy * dy + dz * dz;
      double s = len2 == 0 ? 0 : ((x - ends[b]) * dx + (y - ends[b + 1]) * dy + (z - ends[b + 2]) * dz) / len2;
      s = Math.max(0, Math.min(1, s));
      best = Math.min(best, Math.sqrt(sq(x - ends[b] - s * dx) + sq(y - ends[b + 1] - s * dy)
          + sq(z - ends[b + 2] - s * dz)));
    }
    return best;
  }

  private static double sq(double v) {
    return v * v;
  }
}
