package io.telos.planner.djl;

import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import java.util.List;

/**
 * What the learned contact model sees of one object at one step, and how its outputs become the
 * object's next state. Everything planar is expressed in the object's <b>contact frame</b>: x along
 * the line from the tool (at the start of the step) to the object's centre, y to its left. Physics
 * on a level table is the same in every direction and at every place, so one push learned from one
 * side is learned from all sides; the frame also makes the model's inputs small, bounded numbers.
 *
 * <p>Object state (width {@value #WIDTH}): {@code [x, y, yaw, vx, vy, wz]} — planar position (m),
 * yaw (rad), and the velocities of the last step (m/s, rad/s). Features ({@value #FEATURES}):
 * the gap between the tool's contact sphere and the object's side before and after the step; the
 * tool's height against the object's top; the tool's displacement; the object's own velocity (it
 * slides on); its radius and height; what the analytic quasi-static model would do (the
 * network's output is a correction added to it, so an untrained network is the analytic model); and the nearest other object (gap, direction, velocity), through
 * which objects push each other. Gaps are clipped at {@value #FAR_M} m. Not thread-safe (scratch).
 */
final class ContactFeatures {
  /** Values per object in the state. */
  static final int WIDTH = 6;
  /** Values per feature row. */
  static final int FEATURES = 19;
  /** Where the analytic model's displacement (contact frame, {@link #STEP} units) sits in a row. */
  static final int PRIOR = 11;
  /** Length scale of gaps and heights, m. */
  private static final double GAP = 0.05;
  /** Length scale of one step's displacements, m. */
  static final double STEP = 0.02;
  /** Scale of one step's yaw change, rad. */
  static final double YAW = 0.2;
  /** Gaps beyond this are clipped (nothing touches), m. */
  static final double FAR_M = 0.15;
  /** A gap below this counts as touching, m. */
  static final double TOUCH_M = 0.005;
  /** Objects farther than this (the unseen) are left alone, m. */
  static final double UNSEEN_BEYOND_M = 100;

  private final List<SceneObject> objects;
  private final double toolRadius;
  private final double dtS;
  private final int m;
  private final double[] pushed = new double[2];

  ContactFeatures(Scene scene, double dtS) {
    this.objects = scene.objects();
    this.toolRadius = scene.toolRadiusM();
    this.dtS = dtS;
    this.m = objects.size();
  }

  int objects() {
    return m;
  }

  /**
   * True when object {@code j} of sample {@code b} may change this step: it moves, the tool's
   * contact sphere comes within {@value #TOUCH_M} m of its side somewhere along the step, or a
   * moving object comes that close. Otherwise it stays exactly where it is — an object at rest that
   * nothing touches does not move (static friction holds it), and the network is not asked.
   */
  boolean active(double[] states, int b, int j, double[] toolBefore, double[] toolAfter) {
    int o = (b * m + j) * WIDTH;
    double x = states[o];
    double y = states[o + 1];
    if (Math.abs(x) > UNSEEN_BEYOND_M) {
      return false;
    }
    if (moving(states, o)) {
      return true;
    }
    SceneObject obj = objects.get(j);
    double reach = obj.radiusM() + toolRadius + TOUCH_M;
    if (segmentDistance(x, y, toolBefore[3 * b], toolBefore[3 * b + 1], toolAfter[3 * b], toolAfter[3 * b + 1])
        < reach && Math.min(toolBefore[3 * b + 2], toolAfter[3 * b + 2]) < obj.heightM() + toolRadius + TOUCH_M) {
      return true;
    }
    for (int k = 0; k < m; k++) {
      int q = (b * m + k) * WIDTH;
      if (k != j && moving(states, q) && Math.hypot(states[q] - x, states[q + 1] - y)
          < obj.radiusM() + objects.get(k).radiusM() + TOUCH_M + Math.hypot(states[q + 3], states[q + 4]) * dtS) {
        return true;
      }
    }
    return false;
  }

  /** Planar distance from {@code (px, py)} to the segment from {@code a} to {@code b}. */
  static double segmentDistance(double px, double py, double ax, double ay, double bx, double by) {
    double dx = bx - ax;
    double dy = by - ay;
    double l2 = dx * dx + dy * dy;
    double t = l2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / l2)) : 0;
    return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
  }

  private boolean moving(double[] states, int o) {
    return Math.abs(states[o + 3]) * dtS > 1e-6 || Math.abs(states[o + 4]) * dtS > 1e-6
        || Math.abs(states[o + 5]) * dtS > 1e-5;
  }

  /**
   * Writes the features of object {@code j} of sample {@code b} into {@code row[off, off + FEATURES)}
   * and its contact frame's x axis into {@code frame[0..1]}.
   */
  void features(double[] states, int b, int j, double[] toolBefore, double[] toolAfter, float[] row, int off,
      double[] frame) {
    int o = (b * m + j) * WIDTH;
    SceneObject obj = objects.get(j);
    double x = states[o];
    double y = states[o + 1];
    double t0x = toolBefore[3 * b];
    double t0y = toolBefore[3 * b + 1];
    double t0z = toolBefore[3 * b + 2];
    double t1x = toolAfter[3 * b];
    double t1y = toolAfter[3 * b + 1];
    double t1z = toolAfter[3 * b + 2];
    double rx = x - t0x;
    double ry = y - t0y;
    double d = Math.hypot(rx, ry);
    double ux = d > 1e-9 ? rx / d : 1;
    double uy = d > 1e-9 ? ry / d : 0;
    frame[0] = ux;
    frame[1] = uy;
    double reach = obj.radiusM() + toolRadius;
    row[off] = gap(d - reach);
    row[off + 1] = gap(Math.hypot(x - t1x, y - t1y) - reach);
    row[off + 2] = (float) (clip(t1z - obj.heightM(), -3 * GAP, 3 * GAP) / GAP);
    double dx = t1x - t0x;
    double dy = t1y - t0y;
    row[off + 3] = (float) ((ux * dx + uy * dy) / STEP);
    row[off + 4] = (float) ((-uy * dx + ux * dy) / STEP);
    row[off + 5] = (float) ((t1z - t0z) / STEP);
    double vx = states[o + 3] * dtS;
    double vy = states[o + 4] * dtS;
    row[off + 6] = (float) ((ux * vx + uy * vy) / STEP);
    row[off + 7] = (float) ((-uy * vx + ux * vy) / STEP);
    row[off + 8] = (float) (states[o + 5] * dtS / YAW);
    row[off + 9] = (float) (obj.radiusM() / GAP);
    row[off + 10] = (float) (obj.heightM() / GAP);
    obj.pushedBy(t1x, t1y, t1z, toolRadius, x, y, pushed);
    double px = pushed[0] - x;
    double py = pushed[1] - y;
    row[off + 11] = (float) ((ux * px + uy * py) / STEP);
    row[off + 12] = (float) ((-uy * px + ux * py) / STEP);
    int near = -1;
    double best = Double.POSITIVE_INFINITY;
    for (int k = 0; k < m; k++) {
      int q = (b * m + k) * WIDTH;
      if (k == j || Math.abs(states[q]) > UNSEEN_BEYOND_M) {
        continue;
      }
      double g = Math.hypot(states[q] - x, states[q + 1] - y) - obj.radiusM() - objects.get(k).radiusM();
      if (g < best) {
        best = g;
        near = k;
      }
    }
    if (near < 0 || best > FAR_M) {
      row[off + 13] = 0;
      row[off + 14] = gap(FAR_M);
      for (int i = 15; i < FEATURES; i++) {
        row[off + i] = 0;
      }
      return;
    }
    int q = (b * m + near) * WIDTH;
    double ox = states[q] - x;
    double oy = states[q + 1] - y;
    double od = Math.max(1e-9, Math.hypot(ox, oy));
    row[off + 13] = 1;
    row[off + 14] = gap(best);
    row[off + 15] = (float) ((ux * ox + uy * oy) / od);
    row[off + 16] = (float) ((-uy * ox + ux * oy) / od);
    double wx = states[q + 3] * dtS;
    double wy = states[q + 4] * dtS;
    row[off + 17] = (float) ((ux * wx + uy * wy) / STEP);
    row[off + 18] = (float) ((-uy * wx + ux * wy) / STEP);
  }

  /**
   * The training target of one step: the object's displacement in the contact frame and its yaw
   * change, in {@link #STEP} and {@link #YAW} units.
   */
  static void target(double[] frame, double dx, double dy, double dyaw, float[] out, int off) {
    out[off] = (float) ((frame[0] * dx + frame[1] * dy) / STEP);
    out[off + 1] = (float) ((-frame[1] * dx + frame[0] * dy) / STEP);
    out[off + 2] = (float) (dyaw / YAW);
  }

  /**
   * Applies one step's outputs (in {@link #STEP} and {@link #YAW} units, contact frame) to object
   * {@code o}'s state: new position and yaw, velocities from the change.
   */
  void apply(double[] states, int o, double a, double c, double yaw, double[] frame, double[] next) {
    double dx = (frame[0] * a - frame[1] * c) * STEP;
    double dy = (frame[1] * a + frame[0] * c) * STEP;
    double dyaw = yaw * YAW;
    next[o] = states[o] + dx;
    next[o + 1] = states[o + 1] + dy;
    next[o + 2] = states[o + 2] + dyaw;
    next[o + 3] = dx / dtS;
    next[o + 4] = dy / dtS;
    next[o + 5] = dyaw / dtS;
  }

  private static float gap(double g) {
    return (float) (clip(g, -GAP, FAR_M) / GAP);
  }

  private static double clip(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
