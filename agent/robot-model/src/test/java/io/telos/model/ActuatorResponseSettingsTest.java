package io.telos.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one parser of {@code lag_s}, {@code dead_time_ms} and {@code max_velocity}, wherever they appear. */
class ActuatorResponseSettingsTest {
  private static Settings section(Map<String, ?> values) {
    return new Settings("robot.response", values);
  }

  @Test
  void numbersApplyToEveryJointListsOnePerJoint() {
    ActuatorResponse r = ActuatorResponse.parse(section(Map.of("lag_s", 0.2, "dead_time_ms", List.of(10, 20, 30))), 3);
    assertArrayEquals(new double[] {0.2, 0.2, 0.2}, r.lagS());
    assertArrayEquals(new double[] {0.01, 0.02, 0.03}, r.deadTimeS(), 1e-15);
    assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY},
        r.maxVelocity());
    assertTrue(ActuatorResponse.declaredIn(section(Map.of("max_velocity", 1))));
    assertFalse(ActuatorResponse.declaredIn(section(Map.of())));
  }

  @Test
  void withTheJointsNotKnownYetTheListsSayHowMany() {
    assertEquals(1, ActuatorResponse.parse(section(Map.of("lag_s", 0.1)), -1).size());
    ActuatorResponse r = ActuatorResponse.parse(section(Map.of("lag_s", List.of(0.1, 0.2), "max_velocity", 1)), -1);
    assertEquals(2, r.size());
    assertArrayEquals(new double[] {1, 1}, r.maxVelocity());
    ConfigException e = assertThrows(ConfigException.class, () -> ActuatorResponse.parse(section(
        Map.of("lag_s", List.of(0.1, 0.2), "max_velocity", List.of(1))), -1));
    assertTrue(e.getMessage().contains("has 2 entries but") || e.getMessage().contains("has 1 entries but"),
        e.getMessage());
  }

  @Test
  void badValuesNameTheKeyAndTheRange() {
    assertEquals("robot.response.lag_s: must be a number in [0, 5], was 6",
        assertThrows(ConfigException.class, () -> ActuatorResponse.check(section(Map.of("lag_s", 6)))).getMessage());
    assertEquals("robot.response.dead_time_ms[1]: must be a number in [0, 1000], was -1",
        assertThrows(ConfigException.class,
            () -> ActuatorResponse.parse(section(Map.of("dead_time_ms", List.of(1, -1))), 2)).getMessage());
    assertEquals("robot.response.max_velocity: must have 3 entries, had 2",
        assertThrows(ConfigException.class,
            () -> ActuatorResponse.parse(section(Map.of("max_velocity", List.of(1, 2))), 3)).getMessage());
    assertEquals("robot.response.lag_s: must be one number or a non-empty list (one per joint)",
        assertThrows(ConfigException.class, () -> ActuatorResponse.parse(section(Map.of("lag_s", List.of())), -1))
            .getMessage());
  }

  @Test
  void adoptingTakesWhatWasIdentifiedJointByJointAndKeepsTheCeilings() {
    ActuatorResponse declared = new ActuatorResponse(new double[] {0.1, 0.1, 0.1}, new double[] {0, 0.01, 0},
        new double[] {1, 2, Double.POSITIVE_INFINITY});
    ActuatorResponse r = declared.adopting(new double[] {0.15, Double.NaN, 9}, new double[] {0.04, Double.NaN, -0.001});
    assertArrayEquals(new double[] {0.15, 0.1, ActuatorResponse.MAX_LAG_S}, r.lagS(), "NaN keeps, out of range clamps");
    assertArrayEquals(new double[] {0.04, 0.01, 0}, r.deadTimeS());
    assertArrayEquals(declared.maxVelocity(), r.maxVelocity());
    assertEquals(declared, declared.adopting(new double[] {Double.NaN, Double.NaN, Double.NaN},
        new double[] {Double.NaN, Double.NaN, Double.NaN}));
    assertThrows(IllegalArgumentException.class, () -> declared.adopting(new double[2], new double[3]));
    ActuatorResponse capped = declared.adopting(new double[] {0.1, 0.1, 0.1}, new double[] {0, 0.01, 0},
        new double[] {0.8, Double.POSITIVE_INFINITY, Double.NaN});
    assertArrayEquals(new double[] {0.8, 2, Double.POSITIVE_INFINITY}, capped.maxVelocity(),
        "a ceiling seen replaces, none seen or unknown keeps");
  }
}
