package io.telos.memory.postgres;

import io.telos.memory.jdbc.Sql;
import java.util.List;

/**
 * The tables in PostgreSQL, version {@link #VERSION} (kept in {@code telos_memory_schema}).
 *
 * <p>History: 1 = episodes and steps; 2 = adds {@code telos_events}; 3 = adds the nullable
 * {@code telos_steps.objects} column (tracked object poses, {@link io.telos.memory.ObjectBytes};
 * NULL for none). The layout is {@link #CREATE} followed by {@link #ADD_OBJECTS} when
 * {@link #HAS_OBJECTS} finds no such column. Every statement in {@link #CREATE} is
 * {@code IF NOT EXISTS} and the column is added only where it is missing, so running both on a
 * version-1 or version-2 schema is the migration (the writer then raises the recorded version; old
 * steps read back with no objects).
 */
final class PgSchema {
  private PgSchema() {}

  static final int VERSION = 3;

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

  /** The version-2 layout, for migration tests. */
  static final List<String> CREATE_V2 = CREATE;

  /**
   * Version 3: the tracked objects of a step. Run only when {@link #HAS_OBJECTS} says it is
   * missing (rather than {@code ADD COLUMN IF NOT EXISTS}, which would take an exclusive lock on
   * the steps table at every writer's start, waiting behind other robots' commits).
   */
  static final String ADD_OBJECTS = "ALTER TABLE telos_steps ADD COLUMN objects bytea";

  /** True when {@code telos_steps} (in the search path) has the version-3 {@code objects} column. */
  static final String HAS_OBJECTS = "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid ="
      + " to_regclass('telos_steps') AND attname = 'objects' AND NOT attisdropped)";

  /** How the shared store spells its statements for these tables. */
  static final Sql SQL = new Sql("telos_episodes", "telos_steps", "telos_events", """
      INSERT INTO telos_episodes (id, robot_id, launch_source, policy, goal_id, operator, start_ns, writer_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""", """
      INSERT INTO telos_steps (episode_id, step_index, stamp_ns, state, ee_position, latent,
        command_position, command_velocity, mode, energy, goal_id, fault_code, objects)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (episode_id, step_index) DO NOTHING""",
      "SELECT count(*), count(*) FILTER (WHERE outcome IS NULL), COALESCE(sum(steps), 0), COALESCE(sum(gaps), 0),"
          + " pg_total_relation_size('telos_episodes') + pg_total_relation_size('telos_steps') FROM telos_episodes",
      "recorded_at DESC, id DESC", "NULL::bytea", false);

  /** Writers (other than the caller) that left episodes open. */
  static final String OPEN_WRITERS =
      "SELECT DISTINCT writer_id FROM telos_episodes WHERE outcome IS NULL AND writer_id <> ?";

  /** A gone writer's open episodes end at their last stored step (or their start). */
  static final String RECOVER = """
      UPDATE telos_episodes e SET outcome = 'incomplete',
        end_ns = COALESCE((SELECT max(s.stamp_ns) FROM telos_steps s WHERE s.episode_id = e.id), e.start_ns)
      WHERE e.writer_id = ? AND e.outcome IS NULL""";
}
