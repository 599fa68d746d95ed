package io.telos.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.memory.postgres.PostgresEpisodeStore;
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
  void postgresIsReadAndNeverPrintsThePassword() {
    MemoryConfig c = MemoryConfig.from(memory(Map.of("type", "postgres", "url", "jdbc:postgresql://db.lab:5432/telos",
        "user", "telos", "password", "s3cret", "queue_capacity", 512)));
    assertEquals(MemoryConfig.Type.POSTGRES, c.type());
    assertEquals(new MemoryConfig.Postgres("jdbc:postgresql://db.lab:5432/telos", "telos", "s3cret"), c.postgres());
    assertFalse(c.toString().contains("s3cret"), c.toString());
    PostgresEpisodeStore store = assertInstanceOf(PostgresEpisodeStore.class, c.createStore().orElseThrow());
    assertEquals("jdbc:postgresql://db.lab:5432/telos", store.url());
    assertEquals("telos", store.user());
    assertEquals(512, store.options().queueCapacity());
    assertFalse(store.options().readOnly());
    assertTrue(assertInstanceOf(PostgresEpisodeStore.class, c.createReader().orElseThrow()).options().readOnly());
    MemoryConfig bare = MemoryConfig.from(memory(Map.of("type", "postgres", "url",
        "jdbc:postgresql://h/db?user=u&password=p")));
    assertEquals(null, bare.postgres().user());
    assertEquals(MemoryConfig.DEFAULT_QUEUE_CAPACITY, bare.queueCapacity());
    assertEquals("jdbc:postgresql://h/db?user=u&password=***",
        ((PostgresEpisodeStore) bare.createStore().orElseThrow()).url());
  }

  @Test
  void aRelativePathStaysRelativeToTheWorkingDirectory() {
    MemoryConfig c = MemoryConfig.from(memory(Map.of("path", "runs/mem.db")));
    SqliteEpisodeStore s = (SqliteEpisodeStore) c.createStore().orElseThrow();
    assertEquals(Path.of("").toAbsolutePath().resolve("runs/mem.db"), s.path());
  }

  @Test
  void recallAndBackgroundLearningAreReadAndNeedAStore() {
    MemoryConfig c = MemoryConfig.from(new Settings("memory", Map.of("recall", true,
        "learn", Map.of("every_episodes", 5, "out", "/tmp/models"))));
    assertTrue(c.recall());
    assertEquals(new MemoryConfig.Learn(5, 4000, Path.of("/tmp/models"), 10), c.learn());
    assertEquals(null, MemoryConfig.from(new Settings("memory", Map.of())).learn());
    assertMessage(Map.of("type", "none", "recall", true), "memory.recall: needs a store (type is none)");
    assertMessage(Map.of("learn", Map.of("every", 5)), "memory.learn.every: unknown key");
  }

  @Test
  void framesAreKeptBesideTheStoreUnlessAFolderIsNamed() {
    MemoryConfig c = MemoryConfig.from(memory(Map.of("path", "runs/mem.db", "frames", Map.of())));
    assertEquals(new MemoryConfig.Frames(0.1, 64, 48, Path.of("runs/frames")), c.frames());
    c = MemoryConfig.from(memory(Map.of("frames", Map.of("every_s", 0, "width", 32, "height", 24, "dir", "/data/f"))));
    assertEquals(new MemoryConfig.Frames(0, 32, 24, Path.of("/data/f")), c.frames());
    assertEquals(null, MemoryConfig.from(memory(Map.of())).frames());
    assertMessage(Map.of("type", "none", "frames", Map.of()), "memory.frames: needs a store (type is none)");
    assertMessage(Map.of("frames", Map.of("width", 4)), "memory.frames.width: must be an integer in [8, 1024], was 4");
    assertMessage(Map.of("frames", Map.of("rate", 4)), "memory.frames.rate: unknown key");
  }

  @Test
  void mistakesAreRefusedNamingTheKey() {
    assertMessage(Map.of("typ", "sqlite"),
        "memory.typ: unknown key (allowed: frames, learn, password, path, queue_capacity, recall, type, url, user)");
    assertMessage(Map.of("type", "rocksdb"), "memory.type: must be one of none, postgres, sqlite, was 'rocksdb'");
    assertMessage(Map.of("type", "postgres"), "memory.url: missing (required)");
    assertMessage(Map.of("type", "postgres", "url", "postgres://h/db"),
        "memory.url: must look like jdbc:postgresql://host:port/database, was 'postgres://h/db'");
    assertMessage(Map.of("type", "postgres", "url", "jdbc:mysql://h/db?password=s3cret"),
        "memory.url: must look like jdbc:postgresql://host:port/database, was 'jdbc:mysql://h/db?password=***'");
    assertMessage(Map.of("type", "postgres", "url", "jdbc:postgresql://h/db", "path", "x.db"),
        "memory.path: only for type sqlite");
    assertMessage(Map.of("url", "jdbc:postgresql://h/db"), "memory.url: only for type postgres (type is sqlite)");
    assertMessage(Map.of("type", "none", "password", "x"), "memory.password: only for type postgres (type is none)");
    assertMessage(Map.of("type", "postgres", "url", "jdbc:postgresql://h/db", "user", ""),
        "memory.user: must be a non-empty string");
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
