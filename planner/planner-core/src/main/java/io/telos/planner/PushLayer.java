package io.telos.planner;

import io.telos.api.Target;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import java.util.Objects;

/**
 * The upper level of the hierarchy for a {@link Target.Push}: turns "push object o to g" into
 * the subgoal the motion level should pursue now, from where the tool and the object are.
 *
 * <p>The push direction is {@code d = (g - o) / |g - o|}. The tool must first stand behind the
 * object on that line, at the pre-push point {@code o - d·(r_o + r_t + gap)} at push height (the
 * tool's centre at half the object's height, never lower than its radius above the table), and
 * only then push. Reaching that point from the wrong side must not knock the object, so when the
 * straight path passes near the object the tool goes over it: lift, move above the pre-push point,
 * descend. The phases:
 *
 * <ul>
 *   <li>{@link Phase#LIFT}: straight up to hover height (only when low and the way is blocked);
 *   <li>{@link Phase#HOVER}: to the point above the pre-push point;
 *   <li>{@link Phase#DESCEND}: down (or, when the way is clear, straight) to the pre-push point;
 *   <li>{@link Phase#PUSH}: push the object to the goal. The subgoal is the push itself for a
 *       planner with a contact model, and the push-through point {@code g - d·(r_o + r_t)} for one
 *       without ({@link Decision#pushThrough()}).
 * </ul>
 *
 * The push phase is left (back to approaching) when the object has slid off the tool's line — the
 * tool is no longer behind it within {@code r_o} sideways — or the tool lost contact by more
 * than a few centimetres; it then re-approaches from the new side. Deterministic and stateless
 * apart from the current phase; one instance per planner.
 */
public final class PushLayer {
  /** Gap between tool and object at the pre-push point, m. */
  static final double GAP_M = 0.025;
  /** Clearance of the hover height over the object's top (tool sphere bottom), m. */
  static final double HOVER_CLEARANCE_M = 0.04;
  /** Distance to a waypoint that counts as arrived, m. */
  static final double ARRIVED_M = 0.015;
  /** Sideways offset of the object from the tool's line, as a fraction of its radius, that ends a push. */
  static final double LATERAL_FRACTION = 1.0;
  /** How far the tool may fall behind the object during a push before it re-approaches, m. */
  static final double LOST_CONTACT_M = 0.04;

  /** Where the push is. */
  public enum Phase { LIFT, HOVER, DESCEND, PUSH }

  /**
   * The subgoal for now.
   *
   * @param phase the phase
   * @param waypoint the tool's waypoint (for the approach phases; the push-through point in PUSH)
   * @param pushThrough for PUSH, the tool point to head for without a contact model
   * @param index counts phase changes within the goal: a new index is a new subgoal
   */
  public record Decision(Phase phase, Target.Position waypoint, Target.Position pushThrough, int index) {}

  private final Scene scene;
  private String goalId;
  private Phase phase;
  private int index;
  private double dirX = 1;
  private double dirY;

  public PushLayer(Scene scene) {
    this.scene = Objects.requireNonNull(scene, "scene");
  }

  /** Forgets the current goal. */
  public void reset() {
    goalId = null;
  }

  /** The scene object a push names. */
  public SceneObject object(Target.Push push) {
    return scene.object(push.object()).orElseThrow(() -> new IllegalArgumentException(
        "push target names object '" + push.object() + "', which is not in the scene"));
  }

  /** Height of the tool's centre while pushing {@code o}. */
  public double pushHeight(SceneObject o) {
    return scene.pushHeightM(o);
  }

  /** Radius of the tool's contact sphere. */
  public double toolRadius() {
    return scene.toolRadiusM();
  }

  /**
   * Decides the subgoal.
   *
   * @param goalId id of the goal (a new id starts over)
   * @param push the goal's target
   * @param tool the end-effector position (x, y, z)
   * @param ox the object's observed x
   * @param oy the object's observed y
   */
  public Decision update(String goalId, Target.Push push, double[] tool, double ox, double oy) {
    SceneObject o = object(push);
    if (!goalId.equals(this.goalId)) {
      this.goalId = goalId;
      phase = null;
      index = 0;
    }
    double gx = push.xM() - ox;
    double gy = push.yM() - oy;
    double dist = Math.hypot(gx, gy);
    if (dist > 1e-3) { // keep the last direction when the object is (nearly) there
      dirX = gx / dist;
      dirY = gy / dist;
    }
    double rt = scene.toolRadiusM();
    double zPush = pushHeight(o);
    double zHover = o.heightM() + rt + HOVER_CLEARANCE_M;
    double standoff = o.radiusM() + rt + GAP_M;
    double preX = ox - dirX * standoff;
    double preY = oy - dirY * standoff;
    double tx = tool[0] - ox;
    double ty = tool[1] - oy;
    double along = tx * dirX + ty * dirY; // < 0: behind the object
    double lateral = Math.abs(-tx * dirY + ty * dirX);
    double planar = Math.hypot(tx, ty);

    Phase next;
    if (phase == Phase.PUSH && along < 0 && lateral < LATERAL_FRACTION * o.radiusM()
        && planar < standoff + LOST_CONTACT_M && tool[2] - rt < o.heightM()) { // still able to touch it
      next = Phase.PUSH;
    } else {
      boolean atPre = Math.hypot(tool[0] - preX, tool[1] - preY) < ARRIVED_M && Math.abs(tool[2] - zPush) < ARRIVED_M;
      boolean abovePre = Math.hypot(tool[0] - preX, tool[1] - preY) < ARRIVED_M;
      boolean low = tool[2] - rt < o.heightM() + 0.5 * HOVER_CLEARANCE_M;
      boolean blocked = segmentDistance(tool[0] - ox, tool[1] - oy, preX - ox, preY - oy)
          < o.radiusM() + rt + 0.5 * GAP_M;
      if (atPre) {
        next = Phase.PUSH;
      } else if (!blocked || abovePre) {
        next = Phase.DESCEND;
      } else if (phase == Phase.HOVER || !low || tool[2] >= zHover - ARRIVED_M) {
        next = Phase.HOVER;
      } else {
        next = Phase.LIFT;
      }
    }
    if (next != phase) {
      phase = next;
      index++;
    }
    Target.Position waypoint = switch (phase) {
      case LIFT -> new Target.Position(tool[0], tool[1], zHover);
      case HOVER -> new Target.Position(preX, preY, zHover);
      case DESCEND -> new Target.Position(preX, preY, zPush);
      case PUSH -> null;
    };
    double contact = o.radiusM() + rt;
    Target.Position through = new Target.Position(push.xM() - dirX * contact, push.yM() - dirY * contact, zPush);
    return new Decision(phase, waypoint == null ? through : waypoint, through, index);
  }

  /** Distance from the origin (the object's centre) to the segment a→b. */
  static double segmentDistance(double ax, double ay, double bx, double by) {
    double vx = bx - ax;
    double vy = by - ay;
    double len2 = vx * vx + vy * vy;
    double t = len2 < 1e-12 ? 0 : Math.max(0, Math.min(1, -(ax * vx + ay * vy) / len2));
    return Math.hypot(ax + t * vx, ay + t * vy);
  }

  /** The current push direction (unit, planar). */
  public double[] direction() {
    return new double[] {dirX, dirY};
  }
}
