package io.telos.planner.cost;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.planner.internal.Check.Range;
import io.telos.planner.internal.Check;
import java.util.Set;

/**
 * Weights of the task terms of the energy ({@code planner.costs} in a launch file).
 *
 * @param reachWeight {@code reach_weight}: weight of the mean distance to the target over the
 *     horizon (per metre, or per radian for joint targets)
 * @param terminalWeight {@code terminal_weight}: weight of the distance at the end of the horizon
 * @param smoothnessWeight {@code smoothness_weight}: weight of the squared, limit-normalised change
 *     of the velocity command between steps
 * @param postureWeight {@code posture_weight}: weight of the pull toward mid-range joint positions
 *     (redundancy resolution; 0 turns it off)
 * @param subgoalWeight {@code subgoal_weight}: weight of the joint-space distance to the subgoal
 *     that inverse kinematics picks for a position target (per radian; 0 turns subgoals off)
 * @param subgoalFadeM {@code subgoal_fade_m}: task error below which the subgoal's weight fades
 *     (quadratically), leaving the final approach to the reach cost
 * @param uncertaintyWeight {@code uncertainty_weight}: weight of the world model's mean
 *     uncertainty (0 turns it off, and the model is then not asked)
 */
public record CostConfig(
    double reachWeight, double terminalWeight, double smoothnessWeight, double postureWeight,
    double subgoalWeight, double subgoalFadeM, double uncertaintyWeight) {
  public static final String SECTION = "planner.costs";
  public static final Set<String> KEYS = Set.of("reach_weight", "terminal_weight", "smoothness_weight", "posture_weight",
      "subgoal_weight", "subgoal_fade_m", "uncertainty_weight");
  private static final Range WEIGHT = Range.closed(0, 1e6);
  private static final Range FADE = Range.openClosed(0, 10);

  public CostConfig {
    Check.number(SECTION + ".reach_weight", reachWeight, WEIGHT);
    Check.number(SECTION + ".terminal_weight", terminalWeight, WEIGHT);
    Check.number(SECTION + ".smoothness_weight", smoothnessWeight, WEIGHT);
    Check.number(SECTION + ".posture_weight", postureWeight, WEIGHT);
    Check.number(SECTION + ".subgoal_weight", subgoalWeight, WEIGHT);
    Check.number(SECTION + ".subgoal_fade_m", subgoalFadeM, FADE);
    Check.number(SECTION + ".uncertainty_weight", uncertaintyWeight, WEIGHT);
    if (reachWeight + terminalWeight <= 0) {
      throw new ConfigException(
          SECTION + ".reach_weight, " + SECTION + ".terminal_weight: at least one must be > 0, both were 0");
    }
  }

  public static CostConfig defaults() {
    return new CostConfig(1.0, 4.0, 0.02, 0.05, 4.0, 0.1, 0.0);
  }

  /** Reads {@code planner.costs}; absent keys take their defaults. */
  public static CostConfig from(Settings s) {
    s.requireOnly(KEYS);
    CostConfig d = defaults();
    return new CostConfig(
        Check.readNumber(s, "reach_weight", d.reachWeight(), WEIGHT),
        Check.readNumber(s, "terminal_weight", d.terminalWeight(), WEIGHT),
        Check.readNumber(s, "smoothness_weight", d.smoothnessWeight(), WEIGHT),
        Check.readNumber(s, "posture_weight", d.postureWeight(), WEIGHT),
        Check.readNumber(s, "subgoal_weight", d.subgoalWeight(), WEIGHT),
        Check.readNumber(s, "subgoal_fade_m", d.subgoalFadeM(), FADE),
        Check.readNumber(s, "uncertainty_weight", d.uncertaintyWeight(), WEIGHT));
  }
}
