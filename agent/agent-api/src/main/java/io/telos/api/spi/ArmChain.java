package io.telos.api.spi;

import java.util.Arrays;
import java.util.Objects;

/**
 * Which part of a robot description is the arm: the launch file's {@code robot.base_link},
 * {@code robot.tip_link} and {@code robot.tool}. Bridges and the agent build the same chain from it.
 *
 * @param baseLink the chain's base link; null for the description's root link
 * @param tipLink the chain's tip link; null for the only leaf below a movable joint
 * @param toolXyzRpy the tool frame in the tip link frame: x, y, z (m) then roll, pitch, yaw (rad,
 *     fixed axes as in URDF); null or all zero for none
 */
public record ArmChain(String baseLink, String tipLink, double[] toolXyzRpy) {
  /** Root link to the only leaf, no tool: what a description with one leaf gives. */
  public static final ArmChain DEFAULT = new ArmChain(null, null, null);

  public ArmChain {
    if (baseLink != null && baseLink.isBlank()) {
      throw new IllegalArgumentException("base_link: must be a link name, was blank");
    }
    if (tipLink != null && tipLink.isBlank()) {
      throw new IllegalArgumentException("tip_link: must be a link name, was blank");
    }
    if (toolXyzRpy != null) {
      if (toolXyzRpy.length != 6) {
        throw new IllegalArgumentException("tool: needs 6 numbers (x, y, z, roll, pitch, yaw), had " + toolXyzRpy.length);
      }
      for (double v : toolXyzRpy) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("tool: numbers must be finite, was " + Arrays.toString(toolXyzRpy));
        }
      }
      toolXyzRpy = toolXyzRpy.clone();
    }
  }

  /** The tool offset, a copy (6 zeros for none). */
  @Override
  public double[] toolXyzRpy() {
    return toolXyzRpy == null ? new double[6] : toolXyzRpy.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ArmChain a && Objects.equals(baseLink, a.baseLink) && Objects.equals(tipLink, a.tipLink)
        && Arrays.equals(toolXyzRpy(), a.toolXyzRpy());
  }

  @Override
  public int hashCode() {
    return Objects.hash(baseLink, tipLink, Arrays.hashCode(toolXyzRpy()));
  }

  @Override
  public String toString() {
    return "ArmChain[base_link=" + (baseLink == null ? "(root)" : baseLink) + ", tip_link="
        + (tipLink == null ? "(only leaf)" : tipLink) + ", tool=" + Arrays.toString(toolXyzRpy()) + "]";
  }
}
