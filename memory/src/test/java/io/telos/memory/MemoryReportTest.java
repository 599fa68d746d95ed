package io.telos.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemoryReportTest {
  @Test
  void statsAndListArePlainText() {
    InMemoryEpisodeStore store = new InMemoryEpisodeStore();
    store.open();
    assertEquals("no episodes\n", MemoryReport.list(store, 5));
    long a = store.beginEpisode(Steps.meta("reach-1", 0));
    for (int i = 0; i < 3; i++) {
      store.append(Steps.step(a, i));
    }
    store.endEpisode(a, Outcome.REACHED, 2_500_000_000L);
    long b = store.beginEpisode(new EpisodeMeta("arm1", "", "", "reach-2", true, 0));
    store.refuseSteps(true);
    store.append(Steps.step(b, 0));

    String stats = MemoryReport.stats(store);
    assertEquals("""
        episodes: 2 (1 open)
        steps:    3
        gaps:     1 (steps lost: queue full or failed writes)
        size:     0 B
        """, stats);

    String list = MemoryReport.list(store, 10);
    String[] lines = list.split("\n");
    assertEquals(3, lines.length, list);
    assertTrue(lines[0].trim().startsWith("id"), list);
    assertTrue(lines[1].contains("open") && lines[1].contains("operator") && lines[1].contains(" demo ")
        && lines[1].contains("reach-2"), list);
    assertTrue(lines[2].contains("reached") && lines[2].contains(" auto ") && lines[2].contains("2.500") && lines[2].contains("mppi")
        && lines[2].contains("reach-1"), list);
    assertEquals(2, MemoryReport.list(store, 1).split("\n").length);
  }

  @Test
  void sizesAreHumanReadable() {
    assertEquals("512 B", MemoryReport.size(512));
    assertEquals("1.5 KiB", MemoryReport.size(1536));
    assertEquals("3.0 GiB", MemoryReport.size(3L << 30));
  }
}
