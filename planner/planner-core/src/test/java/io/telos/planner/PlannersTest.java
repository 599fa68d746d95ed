package io.telos.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import io.telos.model.RobotModel;
import io.telos.planner.MppiConfig.Method;
import io.telos.planner.cost.CostConfig;
import io.telos.planner.cost.GuardrailConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlannersTest {
  private static final RobotModel TELOS6 = RobotModel.load("builtin:telos6");

  @Test
  void buildsEachType() {
    assertEquals("mppi", Planners.create(TELOS6, Map.of(), 1).name());
    assertEquals("mppi", Planners.create(TELOS6, Map.of("type", "mppi"), 1).name());
    assertEquals("cem", Planners.create(TELOS6, Map.of("type", "cem"), 1).name());
    assertEquals("dls", Planners.create(TELOS6, Map.of("type", "dls"), 1).name());
    assertInstanceOf(DlsIkPlanner.class, Planners.create(TELOS6, new Settings("planner", Map.of("type", "dls")), 1));
  }

  @Test
  void readsEveryKey() {
    Map<String, Object> m = new HashMap<>();
    m.put("type", "mppi");
    m.put("samples", 64);
    m.put("horizon", 8);
    m.put("iterations", 3);
    m.put("dt_s", 0.04);
    m.put("noise", 0.5);
    m.put("noise_min", 0.1);
    m.put("anneal_distance_m", 0.2);
    m.put("anneal_distance_rad", 0.5);
    m.put("noise_smoothing", 0.0);
    m.put("temperature", 1);
    m.put("velocity_scale", 0.8);
    m.put("world_model", "analytic");
    m.put("costs", Map.of("reach_weight", 2, "terminal_weight", 3.0, "smoothness_weight", 0.1, "posture_weight", 0,
        "subgoal_weight", 1.5, "subgoal_fade_m", 0.2, "uncertainty_weight", 0.5));
    m.put("guardrails", Map.of("joint_limit_weight", 2.0, "joint_limit_margin_rad", 0.2, "velocity_weight", 3.0,
        "velocity_margin", 0.8, "workspace_min", List.of(-1, -1, 0.02), "workspace_max", List.of(1, 1.0, 1.3)));
    MppiPlanner p = (MppiPlanner) Planners.create(TELOS6, m, 99);
    MppiConfig c = p.config();
    assertEquals(new MppiConfig(Method.MPPI, 64, 8, 3, 0.04, 0.5, 0.1, 0.2, 0.5, 0.0, 1.0, 0.1, 0.8, 99,
        new CostConfig(2, 3, 0.1, 0, 1.5, 0.2, 0.5),
        new GuardrailConfig(2, 0.2, 3, 0.8, new double[] {-1, -1, 0.02}, new double[] {1, 1, 1.3})), c);
    assertEquals(0.04, p.worldModel().dtS());
    assertEquals(0.8 * 2.0, p.worldModel().actionBound(0), 1e-12);
    assertTrue(Planners.keys("mppi").contains("temperature"));
    assertTrue(Planners.keys("cem").contains("elite_fraction"));
    assertTrue(Planners.keys("dls").contains("gain"));
  }

  @Test
  void refusesBadValuesNamingTheKeyAndWhatIsAllowed() {
    refuses(Map.of("samples", 0), "planner.samples: must be an integer in [8, 4096], was 0");
    refuses(Map.of("samples", 12.5), "planner.samples: must be an integer in [8, 4096], was 12.5");
    refuses(Map.of("horizon", 1), "planner.horizon: must be an integer in [2, 200], was 1");
    refuses(Map.of("iterations", "two"), "planner.iterations: must be an integer in [1, 20], was 'two'");
    refuses(Map.of("dt_s", 0.0), "planner.dt_s: must be a number in [0.005, 0.5], was 0.0");
    refuses(Map.of("noise", 0), "planner.noise: must be a number in (0, 2], was 0");
    refuses(Map.of("velocity_scale", 1.5), "planner.velocity_scale: must be a number in (0, 1], was 1.5");
    refuses(Map.of("type", "rrt"), "planner.type: must be one of cem, dls, mppi, was 'rrt'");
    refuses(Map.of("type", "cem", "samples", 8, "elite_fraction", 0.1),
        "planner.elite_fraction: must keep at least 2 of the 8 samples, was 0.1");
    refuses(Map.of("costs", Map.of("reach_weight", -1)),
        "planner.costs.reach_weight: must be a number in [0, 1000000], was -1");
    refuses(Map.of("costs", 3), "planner.costs: must be a map of settings, was 3");
    refuses(Map.of("guardrails", Map.of("workspace_min", List.of(0, 0))),
        "planner.guardrails.workspace_min: must be a list of 3 numbers, had 2");
    refuses(Map.of("guardrails", Map.of("workspace_max", List.of(0, "up", 1))),
        "planner.guardrails.workspace_max[1]: must be a finite number, was 'up'");
    refuses(Map.of("guardrails", Map.of("workspace_min", List.of(0, 0, 2))),
        "planner.guardrails.workspace_min: must be below planner.guardrails.workspace_max on every axis");
    refuses(Map.of("guardrails", Map.of("velocity_margin", 1)),
        "planner.guardrails.velocity_margin: must be a number in (0, 1), was 1");
    refuses(Map.of("world_model", "djl"), "planner.world_model: must be one of analytic, fake, was 'djl'");
    refuses(Map.of("world_model", 5), "planner.world_model: must be a world model type or a map with a type, was 5");
    refuses(Map.of("world_model", Map.of("device", "gpu")), "planner.world_model.type: missing (required)");
    refuses(Map.of("world_model", Map.of("type", "analytic", "device", "gpu")),
        "planner.world_model.device: unknown key (allowed: )");
    refuses(Map.of("type", "dls", "gain", 0), "planner.gain: must be a number in (0, 50], was 0");
    refuses(Map.of("type", "dls", "ik_restarts", -1), "planner.ik_restarts: must be an integer in [0, 256], was -1");
  }

  @Test
  void contactModelIsChosenByNameAndNeedsAScene() {
    refuses(Map.of("contact_model", "analytic"), "planner.contact_model: needs objects in the launch file's scene section");
    Scene puck = new Scene(0.02, List.of(new SceneObject("puck", 0.04, 0.06, 0.3, 0.4, 0.5, -0.1)));
    ConfigException e = assertThrows(ConfigException.class, () -> Planners.create(TELOS6,
        new Settings("planner", Map.of("contact_model", "magic")), 1L, puck));
    assertTrue(e.getMessage().startsWith("planner.contact_model: must be one of analytic"), e.getMessage());
    assertTrue(e.getMessage().endsWith("was 'magic'"), e.getMessage());
    assertNotNull(Planners.create(TELOS6, new Settings("planner", Map.of("contact_model", "analytic")), 1L, puck));
  }

  @Test
  void refusesUnknownKeysListingTheAllowedOnes() {
    ConfigException e = refuses(Map.of("sample", 64), "planner.sample: unknown key (allowed: anneal_distance_m, anneal_distance_rad, contact_model, costs, ");
    assertTrue(e.getMessage().contains("samples") && e.getMessage().contains("temperature"), e.getMessage());
    refuses(Map.of("type", "cem", "temperature", 0.3), "planner.temperature: unknown key");
    refuses(Map.of("type", "mppi", "elite_fraction", 0.3), "planner.elite_fraction: unknown key");
    refuses(Map.of("type", "dls", "samples", 64), "planner.samples: unknown key");
    refuses(Map.of("rate_hz", 50), "planner.rate_hz: unknown key");
    refuses(Map.of("costs", Map.of("reach", 1)), "planner.costs.reach: unknown key");
    refuses(Map.of("guardrails", Map.of("box", 1)), "planner.guardrails.box: unknown key");
  }

  @Test
  void recordsValidateWhenBuiltInCode() {
    MppiConfig d = MppiConfig.defaults();
    ConfigException e = assertThrows(ConfigException.class, () -> d.withBudget(0, 12, 2));
    assertEquals("planner.samples: must be an integer in [8, 4096], was 0", e.getMessage());
    e = assertThrows(ConfigException.class, () -> d.withBudget(64, 12, 0));
    assertEquals("planner.iterations: must be an integer in [1, 20], was 0", e.getMessage());
    e = assertThrows(ConfigException.class, () -> new CostConfig(0, 0, 0, 0, 0, 0.1, 0));
    assertTrue(e.getMessage().contains("at least one must be > 0"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> new DlsConfig(10, 0.05, 3, 0.04, Double.NaN, 0.3, 16, 0.1, 0.9,
        CostConfig.defaults(), GuardrailConfig.defaults()));
    assertEquals("planner.max_speed: must be a number in (0, 10], was NaN", e.getMessage());
  }

  private static ConfigException refuses(Map<String, ?> config, String messageStart) {
    ConfigException e = assertThrows(ConfigException.class, () -> Planners.create(TELOS6, config, 1));
    assertTrue(e.getMessage().startsWith(messageStart), "message: " + e.getMessage());
    return e;
  }
}
