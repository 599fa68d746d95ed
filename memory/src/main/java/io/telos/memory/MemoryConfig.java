package io.telos.memory;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.memory.postgres.PostgresEpisodeStore;
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
 *
 * memory:                     # a fleet sharing one memory
 *   type: postgres
 *   url: jdbc:postgresql://db.lab:5432/telos
 *   user: telos               # optional (may be in the URL)
 *   password: secret          # optional
 * </pre>
 *
 * @param type which store, or none
 * @param path the store's file (sqlite)
 * @param queueCapacity steps that may wait for the writer thread
 * @param postgres where the shared store is (postgres), else null
 * @param recall {@code recall: true}: serve similarity recall over the bus and warm-start the planner from it
 * @param learn {@code learn: {...}}: retrain the world model in the background as episodes land, else null
 */
public record MemoryConfig(Type type, Path path, int queueCapacity, Postgres postgres, boolean recall, Learn learn,
    Frames frames) {
  public static final Set<String> KEYS =
      Set.of("type", "path", "queue_capacity", "url", "user", "password", "recall", "learn", "frames");
  public static final Set<String> LEARN_KEYS = Set.of("every_episodes", "steps", "out", "period_s");
  public static final Set<String> FRAMES_KEYS = Set.of("every_s", "width", "height", "dir");

  /**
   * Camera pictures kept with the episodes ({@code memory.frames}): each kept picture is shrunk to
   * {@code width x height}, written as a PNG under {@code dir} and referenced from the episode by a
   * {@link EventRecord.Kind#FRAME} event stamped with the picture's stamp (which joins it to the
   * steps).
   *
   * @param everyS keep at most one picture per this many seconds of the picture stamps (0: every one)
   * @param width stored width in pixels
   * @param height stored height in pixels
   * @param dir folder of the PNG files (the events hold paths relative to it)
   */
  public record Frames(double everyS, int width, int height, Path dir) {
    public Frames {
      Objects.requireNonNull(dir, "dir");
      if (!(everyS >= 0) || width < 8 || height < 8 || width > 1024 || height > 1024) {
        throw new IllegalArgumentException("memory.frames: every_s >= 0 and sizes in [8, 1024], had " + everyS
            + ", " + width + "x" + height);
      }
    }
  }

  /**
   * Background training ({@code memory.learn}).
   *
   * @param everyEpisodes train the next version when this many episodes have closed since the last one
   * @param steps training steps per version
   * @param out model folder (the one a planner's learned world model watches)
   * @param periodS how often to look for new episodes
   */
  public record Learn(int everyEpisodes, int steps, Path out, double periodS) {
    public Learn {
      Objects.requireNonNull(out, "out");
    }
  }
  private static final Set<String> POSTGRES_KEYS = Set.of("url", "user", "password");

  /**
   * A PostgreSQL server.
   *
   * @param url {@code jdbc:postgresql://host:port/database}
   * @param user role, or null
   * @param password password, or null (never printed)
   */
  public record Postgres(String url, String user, String password) {
    public Postgres {
      Objects.requireNonNull(url, "url");
    }

    @Override
    public String toString() {
      return "Postgres[url=" + PostgresUrls.redact(url) + ", user=" + user + ", password="
          + (password == null ? "null" : "***") + "]";
    }
  }
  public static final String DEFAULT_PATH = ".telos/memory.db";
  public static final int DEFAULT_QUEUE_CAPACITY = SqliteEpisodeStore.Options.defaults().queueCapacity();
  public static final int MIN_QUEUE_CAPACITY = 16;
  public static final int MAX_QUEUE_CAPACITY = 1 << 20;

  public enum Type {
    /** Record nothing. */
    NONE,
    /** The embedded SQLite store. */
    SQLITE,
    /** A PostgreSQL database shared by a fleet. */
    POSTGRES
  }

  public MemoryConfig(Type type, Path path, int queueCapacity) {
    this(type, path, queueCapacity, null);
  }

  public MemoryConfig(Type type, Path path, int queueCapacity, Postgres postgres) {
    this(type, path, queueCapacity, postgres, false, null, null);
  }

  public MemoryConfig {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(path, "path");
    if ((type == Type.POSTGRES) != (postgres != null)) {
      throw new IllegalArgumentException("memory: connection settings are for type postgres only, and required by it");
    }
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
    MemoryConfig base = store(s);
    boolean recall = s.bool("recall", false);
    Learn learn = null;
    if (s.has("learn")) {
      Settings l = s.section("learn").requireOnly(LEARN_KEYS);
      learn = new Learn((int) l.integer("every_episodes", 20, 1, 100_000), (int) l.integer("steps", 4000, 10, 1_000_000),
          Path.of(l.string("out", ".telos/models")), l.number("period_s", 10, 0.1, 86_400));
    }
    Frames frames = null;
    if (s.has("frames")) {
      Settings f = s.section("frames").requireOnly(FRAMES_KEYS);
      // beside the SQLite file by default (.telos/frames for the default store)
      Path beside = base.type == Type.SQLITE && base.path.getParent() != null ? base.path.getParent().resolve("frames")
          : Path.of(".telos", "frames");
      frames = new Frames(f.number("every_s", 0.1, 0, 3600), (int) f.integer("width", 64, 8, 1024),
          (int) f.integer("height", 48, 8, 1024), f.has("dir") ? Path.of(f.string("dir", "")) : beside);
    }
    if ((recall || learn != null || frames != null) && !base.enabled()) {
      throw new ConfigException(s.key(recall ? "recall" : learn != null ? "learn" : "frames")
          + ": needs a store (type is none)");
    }
    return new MemoryConfig(base.type, base.path, base.queueCapacity, base.postgres, recall, learn, frames);
  }

  private static MemoryConfig store(Settings s) {
    String type = s.choice("type", "sqlite", Set.of("none", "sqlite", "postgres"));
    long q = s.integer("queue_capacity", DEFAULT_QUEUE_CAPACITY, MIN_QUEUE_CAPACITY, MAX_QUEUE_CAPACITY);
    if (type.equals("postgres")) {
      if (s.has("path")) {
        throw new ConfigException(s.key("path") + ": only for type sqlite (type is postgres: use url)");
      }
      String url = s.requiredString("url");
      if (!url.startsWith("jdbc:postgresql://")) {
        throw new ConfigException(s.key("url") + ": must look like jdbc:postgresql://host:port/database, was '"
            + PostgresUrls.redact(url) + "'");
      }
      return new MemoryConfig(Type.POSTGRES, Path.of(DEFAULT_PATH), (int) q,
          new Postgres(url, s.string("user", null), s.secret("password", null)));
    }
    for (String k : POSTGRES_KEYS) {
      if (s.has(k)) {
        throw new ConfigException(s.key(k) + ": only for type postgres (type is " + type + ")");
      }
    }
    String p = s.string("path", DEFAULT_PATH);
    Path path;
    try {
      path = Path.of(p);
    } catch (InvalidPathException e) {
      throw new ConfigException(s.key("path") + ": not a usable file path (" + e.getReason() + "), was '" + p + "'");
    }
    return new MemoryConfig(type.equals("none") ? Type.NONE : Type.SQLITE, path, (int) q, null);
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
      case POSTGRES -> Optional.of(new PostgresEpisodeStore(postgres.url(), postgres.user(), postgres.password(),
          PostgresEpisodeStore.Options.defaults().withQueueCapacity(queueCapacity)));
    };
  }

  /** A reader for the CLI ({@code telos memory stats|list}); empty for {@code type: none}. */
  public Optional<EpisodeStore> createReader() {
    return switch (type) {
      case NONE -> Optional.empty();
      case SQLITE -> Optional.of(SqliteEpisodeStore.reader(path));
      case POSTGRES -> Optional.of(PostgresEpisodeStore.reader(postgres.url(), postgres.user(), postgres.password()));
    };
  }
}
