package io.telos.planner.cost;

import io.telos.api.Target;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;

/**
 * The energy of the scene's objects, from a contact world model's predicted object positions
 * ({@link Rollout#objectPositions(int)}):
 *
 * <ul>
 *   <li>every object that is not the one a {@link Target.Push} names should stay where it is: its
 *       predicted displacement costs {@code disturbance_weight} per metre (at the horizon, plus a
 *       running share), so reaching past an object does not knock it;
 *   <li>the pushed object's planar distance to the push target costs like {@link ReachCost} does
 *       for the end-effector (running and terminal weights), and the tool is kept at push height;
 *   <li>{@code aligned} (the hierarchy's push phase, which put the tool behind the object first):
 *       the tool's sideways offset from the line through the predicted object towards the target
 *       is penalised, so the push stays straight, and so is a planar tool speed above
 *       {@value #PUSH_SPEED_MPS} m/s (a slow push keeps the object on the line); flat ({@code !aligned}, no upper level): the
 *       tool is drawn to the object's rim instead, and whatever side it meets it from is the side
 *       it pushes from.
 * </ul>
 *
 * Stateless between calls and allocation-free; objects are indexed in the model's order.
 */
public final class ObjectCost implements CostTerm {
  /** Cost per metre an object that should stay put is predicted to move. */
  public static final double DISTURBANCE_WEIGHT = 20.0;
  /** Cost per metre of the tool's height off the push height, per step. */
  static final double HEIGHT_WEIGHT = 10.0;
  /** Cost per metre of the tool's sideways offset from the push line, per step (aligned). */
  static final double LINE_WEIGHT = 8.0;
  /** Planar tool speed above which pushing costs extra (aligned): a slow push stays on its line, m/s. */
  static final double PUSH_SPEED_MPS = 0.12;
  /** Cost per m/s of planar tool speed above {@link #PUSH_SPEED_MPS}, per step. */
  static final double SPEED_WEIGHT = 4.0;
  /** Cost per metre of the tool's distance to the object's rim, per step (flat). */
  static final double APPROACH_WEIGHT = 2.0;

  private final double[] contact;
  private final double[] pushHeight;
  private final double runningWeight;
  private final double terminalWeight;
  private final boolean aligned;

  /**
   * @param scene the scene the world model was built from (its objects in the model's order)
   * @param runningWeight weight of the pushed object's distance summed over the horizon
   * @param terminalWeight weight of its distance at the horizon
   * @param aligned true when an upper level puts the tool behind the object before a push
   */
  public ObjectCost(Scene scene, double runningWeight, double terminalWeight, boolean aligned) {
    int m = scene.objects().size();
    this.contact = new double[m];
    this.pushHeight = new double[m];
    for (int j = 0; j < m; j++) {
      SceneObject o = scene.objects().get(j);
      contact[j] = o.radiusM() + scene.toolRadiusM();
      pushHeight[j] = scene.pushHeightM(o);
    }
    this.runningWeight = runningWeight;
    this.terminalWeight = terminalWeight;
    this.aligned = aligned;
  }

  @Override
  public String name() {
    return "objects";
  }

  @Override
  public void accumulate(Rollout r, Target target, double[] costs) {
    int m = r.objects();
    if (m == 0) {
      return;
    }
    int samples = r.samples();
    int horizon = r.horizon();
    int pushed = target instanceof Target.Push p ? r.objectIndex(p.object()) : -1;
    double[] start = r.objectPositions(0);
    double perStep = 1.0 / horizon;
    double invDt = 1.0 / r.dtS();
    for (int t = 1; t <= horizon; t++) {
      double[] obj = r.objectPositions(t);
      double[] ee = r.endEffector(t);
      double[] before = t == 1 ? null : r.endEffector(t - 1);
      double[] ee0 = r.initialEndEffector();
      boolean last = t == horizon;
      for (int k = 0; k < samples; k++) {
        int base = k * 2 * m;
        for (int j = 0; j < m; j++) {
          double ox = obj[base + 2 * j];
          double oy = obj[base + 2 * j + 1];
          if (j != pushed) {
            double moved = Math.hypot(ox - start[base + 2 * j], oy - start[base + 2 * j + 1]);
            costs[k] += DISTURBANCE_WEIGHT * moved * (last ? 1 + perStep : perStep);
            continue;
          }
          Target.Push p = (Target.Push) target;
          double gx = p.xM() - ox;
          double gy = p.yM() - oy;
          double dist = Math.sqrt(gx * gx + gy * gy);
          costs[k] += dist * (last ? runningWeight * perStep + terminalWeight : runningWeight * perStep);
          double tx = ee[3 * k] - ox;
          double ty = ee[3 * k + 1] - oy;
          costs[k] += HEIGHT_WEIGHT * perStep * Math.abs(ee[3 * k + 2] - pushHeight[j]);
          if (aligned) {
            if (dist > 1e-6) {
              double lateral = Math.abs(tx * gy - ty * gx) / dist;
              costs[k] += LINE_WEIGHT * perStep * lateral;
            }
            double vx = (ee[3 * k] - (before == null ? ee0[0] : before[3 * k])) * invDt;
            double vy = (ee[3 * k + 1] - (before == null ? ee0[1] : before[3 * k + 1])) * invDt;
            double excess = Math.sqrt(vx * vx + vy * vy) - PUSH_SPEED_MPS;
            if (excess > 0) {
              costs[k] += SPEED_WEIGHT * perStep * excess;
            }
          } else {
            double rim = Math.max(0, Math.sqrt(tx * tx + ty * ty) - contact[j]);
            costs[k] += APPROACH_WEIGHT * rim * (last ? 1 + perStep : perStep);
          }
        }
      }
    }
  }
}
