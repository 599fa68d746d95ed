package io.telos.launch.suite;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.telos.runtime.config.LaunchException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad options of {@code telos bench-response} are refused before any cell runs, naming the option. */
class ResponseBenchOptionsTest {
  @TempDir
  Path dir;

  private ResponseBench bench() {
    ResponseBench b = new ResponseBench();
    b.out = dir.resolve("out");
    b.targets = 1;
    return b;
  }

  @Test
  void aNegativeLagIsRefusedBeforeTheBaselineRuns() {
    ResponseBench b = bench();
    b.lags = List.of(0.1, -1.0);
    LaunchException e = assertThrows(LaunchException.class, b::call);
    assertEquals("--lags: each value must be in [0.0, 5.0], was -1.0", e.getMessage());
    assertNotEquals(true, dir.resolve("out").toFile().exists(), "nothing ran, nothing was written");
  }

  @Test
  void aNegativeSpeedCapIsRefusedNotTakenForNone() {
    ResponseBench b = bench();
    b.caps = List.of(-2.0);
    LaunchException e = assertThrows(LaunchException.class, b::call);
    assertEquals("--caps: each value must be in [0.0, 10000.0], was -2.0", e.getMessage());
  }

  @Test
  void aDeadTimeBeyondASecondIsRefused() {
    ResponseBench b = bench();
    b.deadTimesMs = List.of(Double.NaN);
    LaunchException e = assertThrows(LaunchException.class, b::call);
    assertEquals("--dead-times-ms: each value must be in [0.0, 1000.0], was NaN", e.getMessage());
  }
}
