package io.telos.planner.cost;

import io.telos.api.Target;
import io.telos.api.config.ConfigException;
import io.telos.model.CollisionModel;
import io.telos.model.RobotModel;
import java.util.List;

/**
 * Hard guardrails from the arm's collision geometry ({@link CollisionModel}): no two links that may
 * not touch may overlap (self-collision), and no link may reach below the table, the plane z = 0 of
 * the base (links that reach below it at the zero configuration, the base among them, are exempt).
 *
 * <p>Every predicted configuration of every trajectory is checked: the link capsules placed by
 * forward kinematics, each pair not allowed to touch measured by segment–segment distance. Cost
 * per step that breaks either: {@link Energy#HARD_COST} · (1 + deepest overlap or depth below the
 * table, m). A configuration that already breaks one at the start (nothing can change it) still
 * costs, but the samples rank by depth, so the best one backs out. Motion between predicted steps
 * is not swept; the capsules are conservative and the steps short (0.05 s by default).
 */
public final class SelfCollisionCost implements CostTerm {
  private final CollisionModel model;
  private final CollisionModel.Checker checker;
  private final int n;

  public SelfCollisionCost(CollisionModel model) {
    this.model = model;
    this.checker = model.newChecker();
    this.n = model.chain().dof();
  }

  /**
   * The collision model of {@code robot}'s chain with the default allowed pairs and those of
   * {@code guardrails.allowed_collisions} (relative mesh paths not resolved).
   *
   * @throws ConfigException naming the entry of {@code planner.guardrails.allowed_collisions} with a
   *     link the arm does not have
   */
  public static CollisionModel model(RobotModel robot, GuardrailConfig guardrails) {
    checkAllowed(robot, guardrails);
    return CollisionModel.of(robot.description(), robot.chain(), guardrails.allowedCollisions(), null);
  }

  /**
   * Checks that every link of {@code guardrails.allowed_collisions} is on {@code robot}'s chain (or
   * fixed to it), whether or not {@code self_collision} is on.
   *
   * @throws ConfigException naming the entry
   */
  public static void checkAllowed(RobotModel robot, GuardrailConfig guardrails) {
    List<List<String>> pairs = guardrails.allowedCollisions();
    for (int i = 0; i < pairs.size(); i++) {
      for (String link : pairs.get(i)) {
        try {
          CollisionModel.chainLinkOf(robot.description(), robot.chain(), link);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(GuardrailConfig.SECTION + ".allowed_collisions[" + i + "]: " + e.getMessage());
        }
      }
    }
  }

  /** The cost for {@code robot}'s chain with the default allowed pairs (relative mesh paths not resolved). */
  public static SelfCollisionCost of(RobotModel robot) {
    return new SelfCollisionCost(CollisionModel.of(robot, null));
  }

  @Override
  public String name() {
    return "self_collision";
  }

  public CollisionModel model() {
    return model;
  }

  @Override
  public void accumulate(Rollout r, Target target, double[] costs) {
    for (int k = 0; k < r.samples(); k++) {
      costs[k] += trajectoryCost(r, k);
    }
  }

  /** The cost of trajectory {@code k} of {@code r}: 0 when every predicted configuration is clear. */
  public double trajectoryCost(Rollout r, int k) {
    double total = 0;
    for (int t = 1; t <= r.horizon(); t++) {
      double pen = penetration(r.positions(t), k * n);
      if (pen > 0) {
        total += Energy.HARD_COST * (1 + Math.min(pen, 1e3));
      }
    }
    return total;
  }

  /**
   * The smaller of the closest distance between two links that may not touch and the lowest link's
   * height above the table at configuration {@code q}, m (negative: overlap or depth).
   */
  public double clearance(double[] q) {
    checker.update(q, 0);
    return Math.min(checker.selfClearance(), checker.tableClearance());
  }

  /** Deepest overlap or depth below the table at {@code q[off, off + dof)}, m; 0 when clear, +inf for NaN. */
  public double penetration(double[] q, int off) {
    checker.update(q, off);
    double c = Math.min(checker.selfClearance(), checker.tableClearance());
    if (Double.isNaN(c)) {
      return Double.POSITIVE_INFINITY;
    }
    return c < 0 ? -c : 0;
  }
}
