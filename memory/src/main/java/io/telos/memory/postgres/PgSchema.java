package io.telos.memory.postgres;

import java.util.List;

/**
 * The tables in PostgreSQL, version {@link #VERSION} (kept in {@code telos_memory_schema}).
 *
 * <p>History: 1 = episodes and steps; 2 = adds {@code telos_events}. Every statement in
 * {@link #CREATE} is {@code IF NOT EXISTS}, so running it on a version-1 schema is the migration
 * (the writer then raises the recorded version).
 */
final class PgSchema {
  private PgSchema() {}

  static final int VERSION = 2;

  /** Advisory-lock keys are {@code LOCK_CLASS + n}: n = 0 guards schema creation, n = writer id marks a live writer. */
  static final long LOCK_CLASS = 0x54454C4F_00000000L; // "TELO"

  static final List<String> CREATE = List.of(
      "CREATE TABLE IF NOT EXISTS telos_memory_schema (version integer NOT NULL)",
      "CREATE SEQUENCE IF NOT EXISTS telos_episode_blocks",
      "CREATE SEQUENCE IF NOT EXISTS telos_writers",
      """
      CREATE TABLE IF NOT EXISTS telos_episodes (
        id            bigint  PRIMARY KEY,
        robot_id      text    NOT NULL,
        launch_source text    NOT NULL,
        policy        text    NOT NULL,
        goal_id       text    NOT NULL,
        operator      boolean NOT NULL,
        start_ns      bigint  NOT NULL,
        end_ns        bigint,
        outcome       text CHECK (outcome IN ('reached', 'failed', 'incomplete')),
        steps         bigint  NOT NULL DEFAULT 0,
        gaps          bigint  NOT NULL DEFAULT 0,
        recorded_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
        writer_id     bigint  NOT NULL
      )""",
      "CREATE INDEX IF NOT EXISTS telos_episodes_open ON telos_episodes (writer_id) WHERE outcome IS NULL",
      "CREATE INDEX IF NOT EXISTS telos_episodes_recent ON telos_episodes (recorded_at DESC, id DESC)",
      """
      CREATE TABLE IF NOT EXISTS telos_steps (
        episode_id       bigint NOT NULL,
        step_index       bigint NOT NULL,
        stamp_ns         bigint NOT NULL,
        state            bytea  NOT NULL,
        ee_position      bytea  NOT NULL,
        latent           bytea  NOT NULL,
        command_position bytea  NOT NULL,
        command_velocity bytea  NOT NULL,
        mode             text,
        energy           double precision,
        goal_id          text,
        fault_code       text,
        PRIMARY KEY (episode_id, step_index)
      )""",
      """
      CREATE TABLE IF NOT EXISTS telos_events (
        id         bigserial PRIMARY KEY,
        episode_id bigint  NOT NULL,
        robot_id   text    NOT NULL,
        stamp_ns   bigint  NOT NULL,
        kind       text    NOT NULL,
        from_mode  text,
        to_mode    text,
        trigger    text,
        detail     text    NOT NULL,
        open       boolean NOT NULL
      )""",
      "CREATE INDEX IF NOT EXISTS telos_events_episode ON telos_events (episode_id, id)",
      "CREATE INDEX IF NOT EXISTS telos_events_stamp ON telos_events (stamp_ns, id)");

  /** The version-1 layout, for migration tests. */
  static final List<String> CREATE_V1 = CREATE.subList(0, 7);

  static final String INSERT_EVENT = """
      INSERT INTO telos_events (episode_id, robot_id, stamp_ns, kind, from_mode, to_mode, trigger, detail, open)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""";

  static final String EVENT_COLUMNS = "episode_id, robot_id, stamp_ns, kind, from_mode, to_mode, trigger, detail, open";

  static final String INSERT_EPISODE = """
      INSERT INTO telos_episodes (id, robot_id, launch_source, policy, goal_id, operator, start_ns, writer_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""";

  static final String END_EPISODE =
      "UPDATE telos_episodes SET outcome = ?, end_ns = ? WHERE id = ? AND outcome IS NULL";

  static final String ADD_STEPS = "UPDATE telos_episodes SET steps = steps + ? WHERE id = ?";

  static final String ADD_GAPS = "UPDATE telos_episodes SET gaps = gaps + ? WHERE id = ?";

  static final String INSERT_STEP = """
      INSERT INTO telos_steps (episode_id, step_index, stamp_ns, state, ee_position, latent,
        command_position, command_velocity, mode, energy, goal_id, fault_code)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (episode_id, step_index) DO NOTHING""";

  /** Writers (other than the caller) that left episodes open. */
  static final String OPEN_WRITERS =
      "SELECT DISTINCT writer_id FROM telos_episodes WHERE outcome IS NULL AND writer_id <> ?";

  /** A gone writer's open episodes end at their last stored step (or their start). */
  static final String RECOVER = """
      UPDATE telos_episodes e SET outcome = 'incomplete',
        end_ns = COALESCE((SELECT max(s.stamp_ns) FROM telos_steps s WHERE s.episode_id = e.id), e.start_ns)
      WHERE e.writer_id = ? AND e.outcome IS NULL""";

  static final String EPISODE_COLUMNS =
      "id, robot_id, launch_source, policy, goal_id, operator, start_ns, end_ns, outcome, steps, gaps, recorded_at";

  static final String SELECT_STEPS = """
      SELECT episode_id, step_index, stamp_ns, state, ee_position, latent, command_position,
        command_velocity, mode, energy, goal_id, fault_code
      FROM telos_steps WHERE episode_id = ? ORDER BY step_index""";

  static final String SELECT_STEP_RANGE = """
      SELECT episode_id, step_index, stamp_ns, state, ee_position, latent, command_position,
        command_velocity, mode, energy, goal_id, fault_code
      FROM telos_steps WHERE episode_id = ? AND step_index >= ? ORDER BY step_index LIMIT ?""";
}
