package io.telos.launch.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.config.Settings;
import io.telos.model.RobotModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The suite's own keep-out check: volumes parsed from a planner section, capsule clearance. */
class KeepOutMonitorTest {
  private static final RobotModel ARM = RobotModel.load("builtin:telos6");

  private static Settings planner(Map<String, Object> volume, double radius) {
    return new Settings("planner", Map.of("type", "mppi",
        "guardrails", Map.of("link_radius_m", radius, "keep_out", List.of(volume))));
  }

  @Test
  void aSphereAroundTheToolIsEnteredAndAFarOneIsNot() {
    double[] q = new double[ARM.dof()];
    double[] tip = ARM.chain().forwardPosition(q);
    KeepOutMonitor near = KeepOutMonitor.from(ARM, planner(Map.of("type", "sphere",
        "center", List.of(tip[0], tip[1], tip[2]), "radius", 0.02), 0.05));
    assertTrue(near.hasVolumes());
    assertTrue(near.clearance(q) < -0.06, "tool point inside: " + near.clearance(q));
    KeepOutMonitor far = KeepOutMonitor.from(ARM, planner(Map.of("type", "sphere",
        "center", List.of(5.0, 5.0, 5.0), "radius", 0.1), 0.05));
    assertTrue(far.clearance(q) > 5, "far away: " + far.clearance(q));
  }

  @Test
  void boxClearanceIsTheDistanceToTheBoxMinusTheLinkRadius() {
    double[] q = new double[ARM.dof()];
    double[] tip = ARM.chain().forwardPosition(q);
    // a slab 0.2 m beyond the tool point along +x: the capsules are at most 0.2 m - radius from it (the tip's distance)
    double gap = 0.2;
    KeepOutMonitor m = KeepOutMonitor.from(ARM, planner(Map.of("type", "box",
        "min", List.of(tip[0] + gap, -10.0, -10.0), "max", List.of(tip[0] + gap + 0.1, 10.0, 10.0)), 0.05));
    double c = m.clearance(q);
    assertTrue(c <= gap - 0.05 + 1e-9, "no further than from the tip: " + c);
    assertTrue(c > 0, "clear: " + c);
  }

  @Test
  void withoutVolumesNothingIsChecked() {
    KeepOutMonitor m = KeepOutMonitor.from(ARM, new Settings("planner", Map.of("type", "mppi")));
    assertFalse(m.hasVolumes());
    assertEquals(Double.POSITIVE_INFINITY, m.clearance(new double[ARM.dof()]));
  }
}
