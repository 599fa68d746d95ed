package io.telos.perception;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EstimatorConfigTest {
  @Test
  void defaultsPassVelocityThrough() {
    assertEquals(1.0, EstimatorConfig.defaults().velocityFilterAlpha());
    assertEquals(EstimatorConfig.defaults(), EstimatorConfig.fromMap(Map.of()));
    assertEquals(EstimatorConfig.defaults(), EstimatorConfig.fromMap(null));
  }

  @Test
  void readsAlphaFromAnyNumber() {
    assertEquals(0.25, EstimatorConfig.fromMap(Map.of("velocity_filter_alpha", 0.25)).velocityFilterAlpha());
    assertEquals(1.0, EstimatorConfig.fromMap(Map.of("velocity_filter_alpha", 1)).velocityFilterAlpha(),
        "YAML reads 1 as an integer");
    Map<String, Object> withNull = new HashMap<>();
    withNull.put("velocity_filter_alpha", null);
    assertEquals(EstimatorConfig.defaults(), EstimatorConfig.fromMap(withNull), "a null value takes the default");
  }

  @Test
  void unknownKeyIsNamedWithTheAllowedOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EstimatorConfig.fromMap(Map.of("velocity_alpha", 0.5)));
    assertEquals("perception.velocity_alpha: unknown key (allowed: velocity_filter_alpha)", e.getMessage());
  }

  @Test
  void alphaOutOfRangeOrNotANumber() {
    for (Object bad : new Object[] {0, 0.0, -0.1, 1.0001, 2, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> EstimatorConfig.fromMap(Map.of("velocity_filter_alpha", bad)), String.valueOf(bad));
      assertEquals("perception.velocity_filter_alpha: must be a number in (0, 1], was " + bad, e.getMessage());
    }
    IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
        () -> EstimatorConfig.fromMap(Map.of("velocity_filter_alpha", "0.5")));
    assertEquals("perception.velocity_filter_alpha: must be a number in (0, 1], was '0.5'", s.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> EstimatorConfig.fromMap(Map.of("velocity_filter_alpha", true)));
  }

  @Test
  void constructorValidatesToo() {
    assertEquals(0.5, new EstimatorConfig(0.5).velocityFilterAlpha());
    assertEquals(1.0, new EstimatorConfig(1.0).velocityFilterAlpha());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EstimatorConfig(0));
    assertEquals("perception.velocity_filter_alpha: must be a number in (0, 1], was 0.0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new EstimatorConfig(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new EstimatorConfig(1.5));
  }
}
