package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.planner.MppiPlanner;
import io.telos.runtime.AgentRuntime;
import io.telos.runtime.config.LaunchException;
import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code planner.guardrails.self_collision} reaches both the planner's energy and the safety
 * kernel (the parts' collision model); off by default.
 */
class SelfCollisionCompositionTest {
  private static LaunchSpec parse(String guardrails) {
    String yaml = "robot: { id: arm1, description: builtin:telos6 }\n"
        + "bridge: { type: mock }\nplanner: { type: mppi" + guardrails + " }\nmemory: { type: none }\n";
    return LaunchFile.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), Path.of("arm.yaml"));
  }

  @Test
  void offByDefault() {
    AgentRuntime.Parts parts = Composer.compose(parse(""));
    try {
      assertNull(parts.collision());
      MppiPlanner p = assertInstanceOf(MppiPlanner.class, parts.planner());
      assertFalse(p.costTerms().contains("self_collision"));
    } finally {
      parts.hardware().close();
    }
  }

  @Test
  void onForThePlannerAndTheKernel() {
    AgentRuntime.Parts parts = Composer.compose(parse(", guardrails: { self_collision: true }"));
    try {
      assertNotNull(parts.collision());
      MppiPlanner p = assertInstanceOf(MppiPlanner.class, parts.planner());
      assertTrue(p.costTerms().contains("self_collision"));
    } finally {
      parts.hardware().close();
    }
  }

  @Test
  void allowedPairsReachTheKernelsModel() {
    String links = String.join(", ", List.of("shoulder_link", "wrist_1_link"));
    AgentRuntime.Parts parts = Composer.compose(
        parse(", guardrails: { self_collision: true, allowed_collisions: [[" + links + "]] }"));
    try {
      assertTrue(parts.collision().allowedPairs().contains(List.of("shoulder_link", "wrist_1_link")),
          parts.collision().allowedPairs().toString());
    } finally {
      parts.hardware().close();
    }
  }

  @Test
  void anUnknownLinkIsRefusedNamingTheKey() {
    LaunchException e = assertThrows(LaunchException.class, () -> Composer.compose(
        parse(", guardrails: { self_collision: true, allowed_collisions: [[shoulder_link, elbow]] }")));
    assertTrue(e.getMessage().startsWith("arm.yaml: planner.guardrails.allowed_collisions[0]: unknown link 'elbow'"),
        e.getMessage());
  }
}
