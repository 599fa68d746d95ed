package io.telos.memory.sqlite;

import io.telos.memory.jdbc.Sql;
import java.util.List;

/**
 * The on-disk layout, version {@link #VERSION} (kept in {@code PRAGMA user_version}).
 *
 * <p>History: 1 = episodes and steps; 2 = adds the {@code events} table; 3 = adds the nullable
 * {@code steps.objects} column (tracked object poses, {@link io.telos.memory.ObjectBytes}; NULL
 * for none). The layout is {@link #CREATE} followed by {@link #ADD_OBJECTS} when
 * {@link #HAS_OBJECTS} finds no such column. Every statement in {@link #CREATE} is
 * {@code IF NOT EXISTS} and the column is added only where it is missing, so running both on a
 * version-1 or version-2 file is the migration (old steps read back with no objects).
 */
final class Schema {
  private Schema() {}

  static final int VERSION = 3;

  static final List<String> CREATE = List.of("""
      CREATE TABLE IF NOT EXISTS episodes (
        id            INTEGER PRIMARY KEY,
        robot_id      TEXT    NOT NULL,
        launch_source TEXT    NOT NULL,
        policy        TEXT    NOT NULL,
        goal_id       TEXT    NOT NULL,
        operator      INTEGER NOT NULL,
        start_ns      INTEGER NOT NULL,
        end_ns        INTEGER,
        outcome       TEXT CHECK (outcome IN ('reached', 'failed', 'incomplete')),
        steps         INTEGER NOT NULL DEFAULT 0,
        gaps          INTEGER NOT NULL DEFAULT 0,
        recorded_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
      )""", """
      CREATE INDEX IF NOT EXISTS episodes_open ON episodes (id) WHERE outcome IS NULL""", """
      CREATE TABLE IF NOT EXISTS steps (
        episode_id       INTEGER NOT NULL REFERENCES episodes (id),
        step_index       INTEGER NOT NULL,
        stamp_ns         INTEGER NOT NULL,
        state            BLOB    NOT NULL,
        ee_position      BLOB    NOT NULL,
        latent           BLOB    NOT NULL,
        command_position BLOB    NOT NULL,
        command_velocity BLOB    NOT NULL,
        mode             TEXT,
        energy           REAL,
        goal_id          TEXT,
        fault_code       TEXT,
        UNIQUE (episode_id, step_index)
      )""", """
      CREATE TABLE IF NOT EXISTS events (
        id         INTEGER PRIMARY KEY,
        episode_id INTEGER NOT NULL,
        robot_id   TEXT    NOT NULL,
        stamp_ns   INTEGER NOT NULL,
        kind       TEXT    NOT NULL,
        from_mode  TEXT,
        to_mode    TEXT,
        trigger    TEXT,
        detail     TEXT    NOT NULL,
        open       INTEGER NOT NULL
      )""", """
      CREATE INDEX IF NOT EXISTS events_episode ON events (episode_id, id)""", """
      CREATE INDEX IF NOT EXISTS events_stamp ON events (stamp_ns, id)""");

  /** The version-1 layout, for migration tests. */
  static final List<String> CREATE_V1 = CREATE.subList(0, 3);

  /** The version-2 layout, for migration tests. */
  static final List<String> CREATE_V2 = CREATE;

  /** Version 3: the tracked objects of a step. SQLite has no {@code ADD COLUMN IF NOT EXISTS}. */
  static final String ADD_OBJECTS = "ALTER TABLE steps ADD COLUMN objects BLOB";

  /** A row when {@code steps} has the version-3 {@code objects} column. */
  static final String HAS_OBJECTS = "SELECT 1 FROM pragma_table_info('steps') WHERE name = 'objects'";

  /** How the shared store spells its statements for this file. */
  static final Sql SQL = new Sql("episodes", "steps", "events", """
      INSERT OR IGNORE INTO episodes (id, robot_id, launch_source, policy, goal_id, operator, start_ns)
      VALUES (?, ?, ?, ?, ?, ?, ?)""", """
      INSERT OR IGNORE INTO steps (episode_id, step_index, stamp_ns, state, ee_position, latent,
        command_position, command_velocity, mode, energy, goal_id, fault_code, objects)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
      "SELECT COUNT(*), COALESCE(SUM(outcome IS NULL), 0), COALESCE(SUM(steps), 0), COALESCE(SUM(gaps), 0) FROM episodes",
      "id DESC", "NULL", true);

  /** Episodes a crash left open end at their last stored step (or their start). */
  static final String RECOVER = """
      UPDATE episodes SET outcome = 'incomplete',
        end_ns = COALESCE((SELECT max(s.stamp_ns) FROM steps s WHERE s.episode_id = episodes.id), start_ns)
      WHERE outcome IS NULL""";
}
