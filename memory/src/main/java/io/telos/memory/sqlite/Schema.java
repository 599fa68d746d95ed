package io.telos.memory.sqlite;

import java.util.List;

/** The on-disk layout, version {@link #VERSION} (kept in {@code PRAGMA user_version}). */
final class Schema {
  private Schema() {}

  static final int VERSION = 1;

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
      )""");

  static final String INSERT_EPISODE = """
      INSERT OR IGNORE INTO episodes (id, robot_id, launch_source, policy, goal_id, operator, start_ns)
      VALUES (?, ?, ?, ?, ?, ?, ?)""";

  static final String END_EPISODE =
      "UPDATE episodes SET outcome = ?, end_ns = ? WHERE id = ? AND outcome IS NULL";

  static final String ADD_STEPS = "UPDATE episodes SET steps = steps + ? WHERE id = ?";

  static final String ADD_GAPS = "UPDATE episodes SET gaps = gaps + ? WHERE id = ?";

  static final String INSERT_STEP = """
      INSERT OR IGNORE INTO steps (episode_id, step_index, stamp_ns, state, ee_position, latent,
        command_position, command_velocity, mode, energy, goal_id, fault_code)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

  /** Episodes a crash left open end at their last stored step (or their start). */
  static final String RECOVER = """
      UPDATE episodes SET outcome = 'incomplete',
        end_ns = COALESCE((SELECT max(s.stamp_ns) FROM steps s WHERE s.episode_id = episodes.id), start_ns)
      WHERE outcome IS NULL""";

  static final String EPISODE_COLUMNS =
      "id, robot_id, launch_source, policy, goal_id, operator, start_ns, end_ns, outcome, steps, gaps, recorded_at";

  static final String SELECT_STEPS = """
      SELECT episode_id, step_index, stamp_ns, state, ee_position, latent, command_position,
        command_velocity, mode, energy, goal_id, fault_code
      FROM steps WHERE episode_id = ? ORDER BY step_index""";
}
