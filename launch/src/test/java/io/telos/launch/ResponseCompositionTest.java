package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.config.ConfigException;
import io.telos.model.ActuatorResponse;
import io.telos.model.RobotModel;
import io.telos.planner.MppiPlanner;
import io.telos.planner.ResponseWorldModel;
import io.telos.runtime.AgentRuntime;
import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code robot.response} reaches the robot model, and through it the planner's world model. */
class ResponseCompositionTest {
  private static LaunchSpec parse(String response) {
    String yaml = "robot: { id: arm1, description: builtin:telos6" + response + " }\n"
        + "bridge: { type: mock }\nplanner: { type: mppi }\nmemory: { type: none }\n";
    return LaunchFile.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), Path.of("arm.yaml"));
  }

  @Test
  void scalarsApplyToEveryJointAndListsPerJoint() {
    RobotModel m = Composer.model(parse(", response: { lag_s: 0.2, dead_time_ms: [0, 10, 20, 30, 40, 50], max_velocity: 1 }"));
    ActuatorResponse r = m.response();
    assertArrayEquals(new double[] {0.2, 0.2, 0.2, 0.2, 0.2, 0.2}, r.lagS());
    assertArrayEquals(new double[] {0, 0.01, 0.02, 0.03, 0.04, 0.05}, r.deadTimeS(), 1e-15);
    assertEquals(1.0, r.maxVelocity(5));
  }

  @Test
  void withoutTheSectionTheArmFollowsAtOnce() {
    assertTrue(Composer.model(parse("")).response().isIdeal());
  }

  @Test
  void aPerJointListMustHaveOneEntryPerJoint() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> Composer.model(parse(", response: { lag_s: [0.1, 0.2] }")));
    assertEquals("robot.response.lag_s: must have 6 entries, had 2", e.getMessage());
  }

  @Test
  void theComposedPlannerPlansOverTheResponse() {
    AgentRuntime.Parts parts = Composer.compose(parse(", response: { lag_s: 0.1, dead_time_ms: 20 }"));
    MppiPlanner planner = assertInstanceOf(MppiPlanner.class, parts.planner());
    assertInstanceOf(ResponseWorldModel.class, planner.worldModel());
    parts.hardware().close();
  }
}
