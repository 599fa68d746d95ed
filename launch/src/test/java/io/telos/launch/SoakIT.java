package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A short soak, every fault once: the command succeeds only when the run had no limit violation,
 * lost no acknowledged step and the agent raised each fault's expected code.
 */
class SoakIT {
  @TempDir
  Path dir;

  @Test
  void aMinuteOfFaultsOverMqttLeavesNoViolationNoLostStepAndEveryFaultNoticed() throws Exception {
    soak("mqtt");
  }

  @Test
  void aMinuteOfFaultsOverRos2LeavesNoViolationNoLostStepAndEveryFaultNoticed() throws Exception {
    soak("ros2");
  }

  private void soak(String transport) throws Exception {
    CommandLine cl = Telos.commandLine();
    int rc = cl.execute("soak", "--transport", transport, "--minutes", "1.5", "--fault-every-s", "6", "--out",
        dir.toString());
    String report = Files.readString(dir.resolve("soak.md"));
    assertEquals(0, rc, report);
    for (SoakFault f : SoakFault.over(transport)) {
      assertTrue(report.lines().anyMatch(l -> l.matches("\\| " + f.label() + " \\| ([1-9]\\d*) \\| \\1 \\(.*")),
          f.label() + " injected and noticed every time:\n" + report);
    }
    assertTrue(report.lines().anyMatch(l -> l.matches("\\| \\d+ \\| \\d+ \\| [0-9.]+ \\| 0 \\| \\d+ \\| \\d+ \\| 0 \\|")),
        "no violation, no step lost:\n" + report);
    List<String> csv = Files.readAllLines(dir.resolve("soak.csv"));
    assertTrue(csv.get(0).startsWith("t_s,heap_mb"), csv.get(0));
    assertTrue(Files.size(dir.resolve("soak.png")) > 10_000, "a plot");
  }
}
