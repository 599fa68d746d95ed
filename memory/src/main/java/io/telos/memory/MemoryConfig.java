package io.telos.memory;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.memory.sqlite.SqliteEpisodeStore;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code memory:} section of a launch file.
 *
 * <pre>
 * memory:
 *   type: sqlite              # none | sqlite (default sqlite)
 *   path: .telos/memory.db    # relative paths resolve against the working directory
 *   queue_capacity: 8192      # steps waiting for the writer before new ones count as gaps
 * </pre>
 *
 * @param type which store, or none
 * @param path the store's file
 * @param queueCapacity steps that may wait for the writer thread
 */
public record MemoryConfig(Type type, Path path, int queueCapacity) {
  public static final Set<String> KEYS = Set.of("type", "path", "queue_capacity");
  public static final String DEFAULT_PATH = ".telos/memory.db";
  public static final int DEFAULT_QUEUE_CAPACITY = SqliteEpisodeStore.Options.defaults().queueCapacity();
  public static final int MIN_QUEUE_CAPACITY = 16;
  public static final int MAX_QUEUE_CAPACITY = 1 << 20;

  public enum Type {
    /** Record nothing. */
    NONE,
    /** The embedded SQLite store. */
    SQLITE
  }

  public MemoryConfig {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(path, "path");
    if (queueCapacity < MIN_QUEUE_CAPACITY || queueCapacity > MAX_QUEUE_CAPACITY) {
      throw new IllegalArgumentException("memory.queue_capacity must be in [" + MIN_QUEUE_CAPACITY + ", "
          + MAX_QUEUE_CAPACITY + "], was " + queueCapacity);
    }
  }

  public static MemoryConfig defaults() {
    return new MemoryConfig(Type.SQLITE, Path.of(DEFAULT_PATH), DEFAULT_QUEUE_CAPACITY);
  }

  /**
   * Reads the section; an absent section gives the defaults.
   *
   * @throws ConfigException naming the key, for unknown keys and bad values
   */
  public static MemoryConfig from(Settings s) {
    s.requireOnly(KEYS);
    String type = s.choice("type", "sqlite", Set.of("none", "sqlite"));
    String p = s.string("path", DEFAULT_PATH);
    Path path;
    try {
      path = Path.of(p);
    } catch (InvalidPathException e) {
      throw new ConfigException(s.key("path") + ": not a usable file path (" + e.getReason() + "), was '" + p + "'");
    }
    long q = s.integer("queue_capacity", DEFAULT_QUEUE_CAPACITY, MIN_QUEUE_CAPACITY, MAX_QUEUE_CAPACITY);
    return new MemoryConfig(type.equals("none") ? Type.NONE : Type.SQLITE, path, (int) q);
  }

  public boolean enabled() {
    return type != Type.NONE;
  }

  /** A new, not yet opened store for this configuration; empty for {@code type: none}. */
  public Optional<EpisodeStore> createStore() {
    return switch (type) {
      case NONE -> Optional.empty();
      case SQLITE -> Optional.of(new SqliteEpisodeStore(path,
          SqliteEpisodeStore.Options.defaults().withQueueCapacity(queueCapacity)));
    };
  }

  /** A reader for the CLI ({@code telos memory stats|list}); empty for {@code type: none}. */
  public Optional<EpisodeStore> createReader() {
    return switch (type) {
      case NONE -> Optional.empty();
      case SQLITE -> Optional.of(SqliteEpisodeStore.reader(path));
    };
  }
}
