package io.telos.planner.cost;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.planner.internal.Check;
import io.telos.planner.internal.Check.Range;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Guardrail costs ({@code planner.guardrails} in a launch file). Breaking a hard limit (a joint
 * on or past its position limit, a joint faster than its velocity limit, the end-effector outside
 * the workspace box, any link inside a keep-out volume) always costs at least {@link Energy#HARD_COST}; the weights shape the soft
 * barriers in front of the limits.
 *
 * @param jointLimitWeight {@code joint_limit_weight}: barrier cost per joint and step at a position limit
 * @param jointLimitMarginRad {@code joint_limit_margin_rad}: width of the position barrier (rad or m)
 * @param velocityWeight {@code velocity_weight}: barrier cost per joint and step at the velocity limit
 * @param velocityMargin {@code velocity_margin}: fraction of the velocity limit where its barrier starts
 * @param workspaceMin {@code workspace_min}: lower corner (x, y, z) of the end-effector box, metres, base frame
 * @param workspaceMax {@code workspace_max}: upper corner of the box
 * @param keepOut {@code keep_out}: volumes no point of the arm (links inflated by the link radius)
 *     may enter; a hard guardrail, see {@link KeepOutCost}
 * @param linkRadiusM {@code link_radius_m}: radius of the capsule around each link segment checked
 *     against the keep-out volumes, m
 * @param selfCollision {@code self_collision}: the arm's collision geometry is a guardrail (off by
 *     default): the sampling planners add {@link SelfCollisionCost} (no two links that may not touch
 *     overlap, no link below the table), and the runtime's safety kernel rejects plans that collide
 * @param allowedCollisions {@code allowed_collisions}: further pairs of links that may touch, each
 *     a list of two link names (a chain link or a link fixed to one); checked against the arm by
 *     {@link SelfCollisionCost#model}
 */
public record GuardrailConfig(
    double jointLimitWeight,
    double jointLimitMarginRad,
    double velocityWeight,
    double velocityMargin,
    double[] workspaceMin,
    double[] workspaceMax,
    List<KeepOut> keepOut,
    double linkRadiusM,
    boolean selfCollision,
    List<List<String>> allowedCollisions) {
  public static final String SECTION = "planner.guardrails";
  public static final Set<String> KEYS = Set.of("joint_limit_weight", "joint_limit_margin_rad", "velocity_weight",
      "velocity_margin", "workspace_min", "workspace_max", "keep_out", "link_radius_m", "self_collision", "allowed_collisions");
  private static final Range WEIGHT = Range.closed(0, 1e6);
  private static final Range MARGIN_RAD = Range.closed(0, 1);
  private static final Range VELOCITY_MARGIN = Range.open(0, 1);
  private static final Range LINK_RADIUS = Range.closed(0, 0.5);
  /** Default radius of the link capsules checked against keep-out volumes, m. */
  public static final double DEFAULT_LINK_RADIUS_M = 0.05;

  /** Guardrails without keep-out volumes (link radius {@value #DEFAULT_LINK_RADIUS_M} m). */
  public GuardrailConfig(double jointLimitWeight, double jointLimitMarginRad, double velocityWeight,
      double velocityMargin, double[] workspaceMin, double[] workspaceMax) {
    this(jointLimitWeight, jointLimitMarginRad, velocityWeight, velocityMargin, workspaceMin, workspaceMax, List.of(),
        DEFAULT_LINK_RADIUS_M);
  }

  /** Guardrails without the arm's collision geometry ({@code self_collision: false}). */
  public GuardrailConfig(double jointLimitWeight, double jointLimitMarginRad, double velocityWeight,
      double velocityMargin, double[] workspaceMin, double[] workspaceMax, List<KeepOut> keepOut, double linkRadiusM) {
    this(jointLimitWeight, jointLimitMarginRad, velocityWeight, velocityMargin, workspaceMin, workspaceMax, keepOut,
        linkRadiusM, false, List.of());
  }

  public GuardrailConfig {
    Check.number(SECTION + ".joint_limit_weight", jointLimitWeight, WEIGHT);
    Check.number(SECTION + ".joint_limit_margin_rad", jointLimitMarginRad, MARGIN_RAD);
    Check.number(SECTION + ".velocity_weight", velocityWeight, WEIGHT);
    Check.number(SECTION + ".velocity_margin", velocityMargin, VELOCITY_MARGIN);
    workspaceMin = checkCorner("workspace_min", workspaceMin);
    workspaceMax = checkCorner("workspace_max", workspaceMax);
    for (int i = 0; i < 3; i++) {
      if (!(workspaceMin[i] < workspaceMax[i])) {
        throw new ConfigException(SECTION + ".workspace_min: must be below " + SECTION + ".workspace_max on every axis, was "
            + Arrays.toString(workspaceMin) + " vs " + Arrays.toString(workspaceMax));
      }
    }
    Objects.requireNonNull(keepOut, SECTION + ".keep_out");
    for (int i = 0; i < keepOut.size(); i++) {
      KeepOut.check(SECTION + ".keep_out[" + i + "]", keepOut.get(i));
    }
    keepOut = List.copyOf(keepOut);
    Check.number(SECTION + ".link_radius_m", linkRadiusM, LINK_RADIUS);
    Objects.requireNonNull(allowedCollisions, SECTION + ".allowed_collisions");
    List<List<String>> pairs = new ArrayList<>();
    for (int i = 0; i < allowedCollisions.size(); i++) {
      pairs.add(checkPair(SECTION + ".allowed_collisions[" + i + "]", allowedCollisions.get(i)));
    }
    allowedCollisions = List.copyOf(pairs);
  }

  /**
   * The same guardrails with the workspace box's floor raised to at least {@code floorZ}: with
   * scene objects on the table, the tool's contact sphere must stay above the table.
   */
  public GuardrailConfig withFloorAtLeast(double floorZ) {
    if (workspaceMin[2] >= floorZ) {
      return this;
    }
    double[] min = {workspaceMin[0], workspaceMin[1], floorZ};
    return new GuardrailConfig(jointLimitWeight, jointLimitMarginRad, velocityWeight, velocityMargin, min,
        workspaceMax, keepOut, linkRadiusM, selfCollision, allowedCollisions);
  }

  /** The same guardrails with these keep-out volumes and link radius. */
  public GuardrailConfig withKeepOut(List<KeepOut> volumes, double linkRadius) {
    return new GuardrailConfig(jointLimitWeight, jointLimitMarginRad, velocityWeight, velocityMargin, workspaceMin,
        workspaceMax, volumes, linkRadius, selfCollision, allowedCollisions);
  }

  /** The same guardrails with the arm's collision geometry on or off, and these further allowed pairs. */
  public GuardrailConfig withSelfCollision(boolean on, List<List<String>> allowed) {
    return new GuardrailConfig(jointLimitWeight, jointLimitMarginRad, velocityWeight, velocityMargin, workspaceMin,
        workspaceMax, keepOut, linkRadiusM, on, allowed);
  }

  /**
   * Barriers of weight 1 within 0.1 rad of position limits and above 90 % of velocity limits; a
   * workspace box of ±1.5 m horizontally and 0 to 1.5 m in height (the end-effector stays above the
   * plane of the base).
   */
  public static GuardrailConfig defaults() {
    return new GuardrailConfig(1.0, 0.1, 1.0, 0.9, new double[] {-1.5, -1.5, 0.0}, new double[] {1.5, 1.5, 1.5});
  }

  /** Reads {@code planner.guardrails}; absent keys take their defaults. */
  public static GuardrailConfig from(Settings s) {
    s.requireOnly(KEYS);
    GuardrailConfig d = defaults();
    return new GuardrailConfig(
        Check.readNumber(s, "joint_limit_weight", d.jointLimitWeight(), WEIGHT),
        Check.readNumber(s, "joint_limit_margin_rad", d.jointLimitMarginRad(), MARGIN_RAD),
        Check.readNumber(s, "velocity_weight", d.velocityWeight(), WEIGHT),
        Check.readNumber(s, "velocity_margin", d.velocityMargin(), VELOCITY_MARGIN),
        Check.readVector(s, "workspace_min", d.workspaceMin(), 3),
        Check.readVector(s, "workspace_max", d.workspaceMax(), 3),
        KeepOut.readList(s, "keep_out"),
        Check.readNumber(s, "link_radius_m", d.linkRadiusM(), LINK_RADIUS),
        s.bool("self_collision", false),
        readPairs(s, "allowed_collisions"));
  }

  /** {@code allowed_collisions}: a list of pairs of link names; absent: none. */
  private static List<List<String>> readPairs(Settings s, String k) {
    Object v = s.asMap().get(k);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> l)) {
      throw new ConfigException(s.key(k) + ": must be a list of pairs of link names, e.g. [[link_a, link_b]], was "
          + Check.describe(v));
    }
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < l.size(); i++) {
      String key = s.key(k) + "[" + i + "]";
      if (!(l.get(i) instanceof List<?> p) || p.size() != 2 || !(p.get(0) instanceof String)
          || !(p.get(1) instanceof String)) {
        throw new ConfigException(key + ": must be a pair of link names, e.g. [link_a, link_b], was "
            + Check.describe(l.get(i)));
      }
      out.add(List.of((String) p.get(0), (String) p.get(1)));
    }
    return out;
  }

  private static List<String> checkPair(String key, List<String> p) {
    if (p == null || p.size() != 2 || p.get(0) == null || p.get(1) == null || p.get(0).isBlank()
        || p.get(1).isBlank()) {
      throw new ConfigException(key + ": must be a pair of link names, e.g. [link_a, link_b], was " + p);
    }
    if (p.get(0).equals(p.get(1))) {
      throw new ConfigException(key + ": must name two different links, was " + p);
    }
    return List.copyOf(p);
  }

  /** A copy of the lower corner. */
  @Override
  public double[] workspaceMin() {
    return workspaceMin.clone();
  }

  /** A copy of the upper corner. */
  @Override
  public double[] workspaceMax() {
    return workspaceMax.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GuardrailConfig g && jointLimitWeight == g.jointLimitWeight
        && jointLimitMarginRad == g.jointLimitMarginRad && velocityWeight == g.velocityWeight
        && velocityMargin == g.velocityMargin && Arrays.equals(workspaceMin, g.workspaceMin)
        && Arrays.equals(workspaceMax, g.workspaceMax) && keepOut.equals(g.keepOut) && linkRadiusM == g.linkRadiusM
        && selfCollision == g.selfCollision && allowedCollisions.equals(g.allowedCollisions);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new double[] {jointLimitWeight, jointLimitMarginRad, velocityWeight, velocityMargin})
        * 31 * 31 + Arrays.hashCode(workspaceMin) * 31 + Arrays.hashCode(workspaceMax) + 17 * keepOut.hashCode()
        + Double.hashCode(linkRadiusM) + 7 * Boolean.hashCode(selfCollision) + 13 * allowedCollisions.hashCode();
  }

  @Override
  public String toString() {
    return "GuardrailConfig[jointLimitWeight=" + jointLimitWeight + ", jointLimitMarginRad=" + jointLimitMarginRad
        + ", velocityWeight=" + velocityWeight + ", velocityMargin=" + velocityMargin + ", workspaceMin="
        + Arrays.toString(workspaceMin) + ", workspaceMax=" + Arrays.toString(workspaceMax) + ", keepOut=" + keepOut
        + ", linkRadiusM=" + linkRadiusM + ", selfCollision=" + selfCollision + ", allowedCollisions="
        + allowedCollisions + "]";
  }

  private static double[] checkCorner(String k, double[] v) {
    if (v == null || v.length != 3) {
      throw new ConfigException(SECTION + "." + k + ": must be a list of 3 numbers, was "
          + (v == null ? "null" : Arrays.toString(v)));
    }
    for (int i = 0; i < 3; i++) {
      if (!Double.isFinite(v[i])) {
        throw new ConfigException(SECTION + "." + k + "[" + i + "]: must be a finite number, was " + v[i]);
      }
    }
    return v.clone();
  }
}
