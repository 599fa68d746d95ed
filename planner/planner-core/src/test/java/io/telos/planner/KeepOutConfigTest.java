package io.telos.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.config.ConfigException;
import io.telos.model.RobotModel;
import io.telos.planner.cost.GuardrailConfig;
import io.telos.planner.cost.KeepOut;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeepOutConfigTest {
  private static final RobotModel TELOS6 = RobotModel.load("builtin:telos6");

  @Test
  void readsKeepOutVolumesAndStuckKeys() {
    Map<String, Object> section = Map.of("type", "mppi", "stuck_window_s", 2.0, "stuck_progress", 0.01,
        "guardrails", Map.of("link_radius_m", 0.04, "keep_out", List.of(
            Map.of("type", "box", "min", List.of(0.3, -0.1, 0), "max", List.of(0.6, 0.1, 0.4)),
            Map.of("type", "sphere", "center", List.of(0, 0.5, 0.5), "radius", 0.1),
            Map.of("type", "capsule", "a", List.of(-0.5, 0, 0), "b", List.of(-0.5, 0, 1), "radius", 0.05))));
    MppiConfig c = ((MppiPlanner) Planners.create(TELOS6, section, 1)).config();
    assertEquals(List.of(new KeepOut.Box(new double[] {0.3, -0.1, 0}, new double[] {0.6, 0.1, 0.4}),
        new KeepOut.Sphere(new double[] {0, 0.5, 0.5}, 0.1),
        new KeepOut.Capsule(new double[] {-0.5, 0, 0}, new double[] {-0.5, 0, 1}, 0.05)), c.guardrails().keepOut());
    assertEquals(0.04, c.guardrails().linkRadiusM());
    assertEquals(2.0, c.stuckWindowS());
    assertEquals(0.01, c.stuckProgress());
    assertEquals(GuardrailConfig.defaults().withKeepOut(c.guardrails().keepOut(), 0.04), c.guardrails());
    assertEquals(List.of(), MppiConfig.defaults().guardrails().keepOut());
    assertEquals(0.05, MppiConfig.defaults().guardrails().linkRadiusM());
    assertTrue(Planners.keys("mppi").contains("stuck_window_s"));
    DlsIkPlanner dls = (DlsIkPlanner) Planners.create(TELOS6, Map.of("type", "dls", "guardrails", section.get("guardrails")), 1);
    assertEquals(3, dls.config().guardrails().keepOut().size());
  }

  @Test
  void refusesBadVolumesNamingTheKey() {
    refuses(keepOut(Map.of("type", "box", "min", List.of(0, 0, 0), "max", List.of(1, 1, 1)),
        Map.of("type", "sphere", "center", List.of(0, 0, 0), "radius", -1)),
        "planner.guardrails.keep_out[1].radius: must be a number > 0, was -1");
    refuses(keepOut(Map.of("type", "capsule", "a", List.of(0, 0, 0), "b", List.of(0, 0, 1))),
        "planner.guardrails.keep_out[0].radius: must be a number > 0, was missing");
    refuses(keepOut(Map.of("type", "cone")), "planner.guardrails.keep_out[0].type: must be one of box, capsule, sphere, was 'cone'");
    refuses(keepOut(Map.of("min", List.of(0, 0, 0))), "planner.guardrails.keep_out[0].type: missing");
    refuses(keepOut(Map.of("type", "box", "min", List.of(0, 0, 2), "max", List.of(1, 1, 1))),
        "planner.guardrails.keep_out[0].min: must be below planner.guardrails.keep_out[0].max on every axis");
    refuses(keepOut(Map.of("type", "sphere", "center", List.of(0, 0), "radius", 0.1)),
        "planner.guardrails.keep_out[0].center: must be a list of 3 numbers, had 2");
    refuses(keepOut(Map.of("type", "box", "min", List.of(0, 0, 0), "max", List.of(1, "up", 1))),
        "planner.guardrails.keep_out[0].max[1]: must be a finite number, was 'up'");
    refuses(keepOut(Map.of("type", "capsule", "b", List.of(0, 0, 1), "radius", 0.1)),
        "planner.guardrails.keep_out[0].a: missing (required: a list of 3 numbers, m)");
    refuses(keepOut(Map.of("type", "box", "min", List.of(0, 0, 0), "max", List.of(1, 1, 1), "size", 2)),
        "planner.guardrails.keep_out[0].size: unknown key (allowed: max, min, type)");
    refuses(Map.of("guardrails", Map.of("keep_out", 3)), "planner.guardrails.keep_out: must be a list, was 3");
    refuses(Map.of("guardrails", Map.of("keep_out", List.of("box"))),
        "planner.guardrails.keep_out[0]: must be a map, was 'box'");
    refuses(Map.of("guardrails", Map.of("link_radius_m", 1)),
        "planner.guardrails.link_radius_m: must be a number in [0, 0.5], was 1");
    refuses(Map.of("stuck_window_s", 0), "planner.stuck_window_s: must be a number in [0.05, 60], was 0");
    refuses(Map.of("stuck_progress", -1), "planner.stuck_progress: must be a number in [0, 1], was -1");
    refuses(Map.of("type", "dls", "stuck_window_s", 1), "planner.stuck_window_s: unknown key");
  }

  @Test
  void recordsBuiltInCodeValidateToo() {
    GuardrailConfig d = GuardrailConfig.defaults();
    ConfigException e = assertThrows(ConfigException.class,
        () -> d.withKeepOut(List.of(new KeepOut.Sphere(new double[] {0, 0, 0}, 0)), 0.05));
    assertEquals("planner.guardrails.keep_out[0].radius: must be a number > 0, was 0", e.getMessage());
    e = assertThrows(ConfigException.class, () -> d.withKeepOut(
        List.of(new KeepOut.Box(new double[] {0, 0, 0}, new double[] {1, 1, 1}),
            new KeepOut.Capsule(new double[] {0, Double.NaN, 0}, new double[] {0, 0, 1}, 0.1)), 0.05));
    assertEquals("planner.guardrails.keep_out[1].a[1]: must be a finite number, was NaN", e.getMessage());
    e = assertThrows(ConfigException.class, () -> d.withKeepOut(List.of(), -0.1));
    assertEquals("planner.guardrails.link_radius_m: must be a number in [0, 0.5], was -0.1", e.getMessage());
  }

  private static Map<String, Object> keepOut(Map<?, ?>... volumes) {
    return Map.of("guardrails", Map.of("keep_out", List.of(volumes)));
  }

  private static void refuses(Map<String, ?> config, String messageStart) {
    ConfigException e = assertThrows(ConfigException.class, () -> Planners.create(TELOS6, config, 1));
    assertTrue(e.getMessage().startsWith(messageStart), "message: " + e.getMessage());
  }
}
