package io.telos.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.config.ConfigException;
import io.telos.model.CollisionModel;
import io.telos.model.RobotModel;
import io.telos.planner.cost.GuardrailConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code planner.guardrails.self_collision} turns the self-collision cost on; {@code allowed_collisions} is checked against the arm. */
class SelfCollisionConfigTest {
  private static final RobotModel UR5E = RobotModel.load(
      Path.of("../../agent/robot-model/src/test/resources/io/telos/model/arms/ur5e.urdf").toString());

  private static Map<String, Object> section(Map<String, Object> guardrails) {
    return Map.of("type", "mppi", "guardrails", guardrails);
  }

  @Test
  void offByDefault() {
    MppiPlanner p = (MppiPlanner) Planners.create(UR5E, Map.of("type", "mppi"), 1);
    assertFalse(p.costTerms().contains("self_collision"), p.costTerms().toString());
    assertFalse(p.config().guardrails().selfCollision());
    assertEquals(List.of(), p.config().guardrails().allowedCollisions());
    assertTrue(Planners.collisionModel(UR5E, new io.telos.api.config.Settings("planner", Map.of())).isEmpty());
    assertFalse(GuardrailConfig.defaults().selfCollision());
  }

  @Test
  void theKeyTurnsTheCostOnAndOff() {
    MppiPlanner on = (MppiPlanner) Planners.create(UR5E, section(Map.of("self_collision", true)), 1);
    assertTrue(on.costTerms().contains("self_collision"), on.costTerms().toString());
    MppiPlanner off = (MppiPlanner) Planners.create(UR5E, section(Map.of("self_collision", false)), 1);
    assertFalse(off.costTerms().contains("self_collision"), off.costTerms().toString());
    MppiPlanner cem = (MppiPlanner) Planners.create(UR5E, Map.of("type", "cem", "guardrails",
        Map.of("self_collision", true)), 1);
    assertTrue(cem.costTerms().contains("self_collision"));
  }

  @Test
  void allowedCollisionsReachTheModel() {
    Map<String, Object> g = Map.of("self_collision", true,
        "allowed_collisions", List.of(List.of("wrist_3_link", "upper_arm_link"), List.of("tool0", "forearm_link")));
    MppiPlanner p = (MppiPlanner) Planners.create(UR5E, section(g), 1);
    assertEquals(List.of(List.of("wrist_3_link", "upper_arm_link"), List.of("tool0", "forearm_link")),
        p.config().guardrails().allowedCollisions());
    CollisionModel m = Planners.collisionModel(UR5E, new io.telos.api.config.Settings("planner", section(g)))
        .orElseThrow();
    assertTrue(m.allowedPairs().contains(List.of("upper_arm_link", "wrist_3_link")), m.allowedPairs().toString());
    // tool0 is fixed to wrist_3_link
    assertTrue(m.allowedPairs().contains(List.of("forearm_link", "wrist_3_link")), m.allowedPairs().toString());
  }

  @Test
  void refusesABadAllowedCollisionNamingTheKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> Planners.create(UR5E, section(Map.of(
        "self_collision", true, "allowed_collisions",
        List.of(List.of("wrist_3_link", "upper_arm_link"), List.of("forearm_link", "elbow")))), 1));
    assertTrue(e.getMessage().startsWith("planner.guardrails.allowed_collisions[1]: unknown link 'elbow'"),
        e.getMessage());
    assertTrue(e.getMessage().contains("forearm_link"), e.getMessage());
    // checked even with the guardrail off: a typo does not wait until the key is turned on
    refuses(Map.of("allowed_collisions", List.of(List.of("forearm_link", "elbow"))),
        "planner.guardrails.allowed_collisions[0]: unknown link 'elbow'");
    refuses(Map.of("allowed_collisions", List.of(List.of("forearm_link"))),
        "planner.guardrails.allowed_collisions[0]: must be a pair of link names, e.g. [link_a, link_b], was");
    refuses(Map.of("allowed_collisions", "forearm_link"),
        "planner.guardrails.allowed_collisions: must be a list of pairs of link names");
    refuses(Map.of("allowed_collisions", List.of(List.of("forearm_link", "forearm_link"))),
        "planner.guardrails.allowed_collisions[0]: must name two different links");
    refuses(Map.of("self_collision", "yes"), "planner.guardrails.self_collision: must be true or false");
  }

  private static void refuses(Map<String, Object> guardrails, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> Planners.create(UR5E, section(guardrails), 1));
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
  }
}
