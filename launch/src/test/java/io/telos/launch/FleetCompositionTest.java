package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.memory.MemoryConfig;
import io.telos.runtime.config.LaunchException;
import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What {@code cluster:} changes in the rest of a launch file: the fleet's store, the fleet's models. */
class FleetCompositionTest {
  private static LaunchSpec spec(String extra) {
    return spec("planner: { type: mppi }\n", "", extra);
  }

  private static LaunchSpec spec(String planner, String clusterExtra, String extra) {
    String yaml = """
        robot: { id: arm1, description: "builtin:telos6" }
        bridge: { type: sim }
        cluster: { name: cell, members: ["127.0.0.1:5701"]%s }
        """.formatted(clusterExtra) + planner + extra;
    return LaunchFile.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), Path.of("t.yaml"));
  }

  @Test
  void aFleetMemberRecordsToTheFleetsPostgresStoreByDefault() {
    MemoryConfig m = Composer.memory(spec("memory: { url: \"jdbc:postgresql://db:5432/telos\", user: telos }\n"));
    assertEquals(MemoryConfig.Type.POSTGRES, m.type());
    assertEquals("jdbc:postgresql://db:5432/telos", m.postgres().url());
  }

  @Test
  void aFleetMemberWithoutAStoreUrlIsToldWhatToGive() {
    LaunchException e = assertThrows(LaunchException.class, () -> Composer.memory(spec("")));
    assertTrue(e.getMessage().startsWith("memory.url: a member of a fleet"), e.getMessage());
  }

  @Test
  void aFleetMemberMayKeepItsMemoryLocal() {
    assertEquals(MemoryConfig.Type.SQLITE, Composer.memory(spec("memory: { type: sqlite }\n")).type());
    assertEquals(MemoryConfig.Type.NONE, Composer.memory(spec("memory: { type: none }\n")).type());
  }

  @Test
  void followingTheFleetsModelsNeedsALearnedModelThatWatchesItsFolder() {
    LaunchSpec analytic = spec("planner: { type: mppi }\n", ", models: {}", "memory: { type: none }\n");
    LaunchException e = assertThrows(LaunchException.class, () -> Session.modelInstaller(analytic));
    assertTrue(e.getMessage().startsWith("cluster.models: "), e.getMessage());
    LaunchSpec unwatched = spec("planner: { type: mppi, world_model: { type: learned, path: m } }\n", ", models: {}",
        "memory: { type: none }\n");
    assertThrows(LaunchException.class, () -> Session.modelInstaller(unwatched));
    LaunchSpec learned = spec("planner: { type: mppi, world_model: { type: learned, path: m, watch_s: 1 } }\n",
        ", models: { pin: 4 }", "memory: { type: none }\n");
    assertEquals(0, Session.modelInstaller(learned).version(), "follows, nothing installed yet");
    assertEquals(null, Session.modelInstaller(spec("memory: { type: none }\n")), "not asked");
  }
}
