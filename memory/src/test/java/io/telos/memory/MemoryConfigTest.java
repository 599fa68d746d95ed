package io.telos.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.memory.sqlite.SqliteEpisodeStore;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryConfigTest {
  static Settings memory(Map<String, ?> values) {
    return new Settings("", Map.of("memory", values)).section("memory");
  }

  @Test
  void anAbsentSectionGivesTheDefaults() {
    MemoryConfig c = MemoryConfig.from(new Settings("", Map.of()).section("memory"));
    assertEquals(MemoryConfig.defaults(), c);
    assertEquals(MemoryConfig.Type.SQLITE, c.type());
    assertEquals(Path.of(".telos/memory.db"), c.path());
    assertEquals(8192, c.queueCapacity());
    assertTrue(c.enabled());
  }

  @Test
  void valuesAreRead() {
    MemoryConfig c = MemoryConfig.from(memory(Map.of("type", "sqlite", "path", "/var/lib/telos/m.db",
        "queue_capacity", 1024)));
    assertEquals(new MemoryConfig(MemoryConfig.Type.SQLITE, Path.of("/var/lib/telos/m.db"), 1024), c);
    EpisodeStore store = c.createStore().orElseThrow();
    SqliteEpisodeStore sqlite = assertInstanceOf(SqliteEpisodeStore.class, store);
    assertEquals(Path.of("/var/lib/telos/m.db"), sqlite.path());
    assertEquals(1024, sqlite.options().queueCapacity());
    assertTrue(assertInstanceOf(SqliteEpisodeStore.class, c.createReader().orElseThrow()).options().readOnly());
  }

  @Test
  void noneRecordsNothing() {
    MemoryConfig c = MemoryConfig.from(memory(Map.of("type", "none")));
    assertFalse(c.enabled());
    assertTrue(c.createStore().isEmpty());
    assertTrue(c.createReader().isEmpty());
  }

  @Test
  void aRelativePathStaysRelativeToTheWorkingDirectory() {
    MemoryConfig c = MemoryConfig.from(memory(Map.of("path", "runs/mem.db")));
    SqliteEpisodeStore s = (SqliteEpisodeStore) c.createStore().orElseThrow();
    assertEquals(Path.of("").toAbsolutePath().resolve("runs/mem.db"), s.path());
  }

  @Test
  void mistakesAreRefusedNamingTheKey() {
    assertMessage(Map.of("typ", "sqlite"), "memory.typ: unknown key (allowed: path, queue_capacity, type)");
    assertMessage(Map.of("type", "rocksdb"), "memory.type: must be one of none, sqlite, was 'rocksdb'");
    assertMessage(Map.of("queue_capacity", 3), "memory.queue_capacity: must be an integer in [16, 1048576], was 3");
    assertMessage(Map.of("queue_capacity", "big"), "memory.queue_capacity: must be an integer");
    assertMessage(Map.of("path", ""), "memory.path: must be a non-empty string");
    assertMessage(Map.of("path", "a\0b"), "memory.path: not a usable file path");
  }

  private static void assertMessage(Map<String, ?> values, String start) {
    ConfigException e = assertThrows(ConfigException.class, () -> MemoryConfig.from(memory(values)));
    assertTrue(e.getMessage().startsWith(start), e.getMessage());
  }
}
