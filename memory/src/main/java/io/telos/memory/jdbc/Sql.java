package io.telos.memory.jdbc;

import java.util.Objects;

/**
 * How one database spells the statements of a {@link JdbcEpisodeStore}: the table names, the few
 * statements whose syntax differs (inserts that skip a duplicate, the totals) and how it stores
 * flags. Everything else is written once here from those parts, so both stores run the same SQL
 * where their databases agree.
 *
 * @param episodes the episodes table
 * @param steps the steps table
 * @param events the events table
 * @param insertEpisode inserts an episode unless its id is there: {@code id, robot_id,
 *     launch_source, policy, goal_id, operator, start_ns}, then what
 *     {@link JdbcEpisodeStore#bindEpisodeExtras} binds
 * @param insertStep inserts a step unless its index is there (an update count of 0 then): the
 *     thirteen columns of {@link #STEP_COLUMNS}
 * @param totals one row: episodes, open episodes, steps, gaps, then whatever
 *     {@link JdbcEpisodeStore#bytesOnDisk} reads
 * @param newestFirst the {@code ORDER BY} of {@link #listEpisodes()}
 * @param nullObjects what stands in for {@code objects} in a table from before schema 3
 * @param integerFlags whether flags ({@code operator}, {@code open}) are stored as 0/1 integers
 *     rather than booleans
 */
public record Sql(String episodes, String steps, String events, String insertEpisode, String insertStep,
    String totals, String newestFirst, String nullObjects, boolean integerFlags) {

  /** The columns of an episode row, in the order {@link JdbcEpisodeStore} reads them. */
  public static final String EPISODE_COLUMNS =
      "id, robot_id, launch_source, policy, goal_id, operator, start_ns, end_ns, outcome, steps, gaps, recorded_at";

  /** The columns of an event row ({@link io.telos.memory.EventRows}). */
  public static final String EVENT_COLUMNS =
      "episode_id, robot_id, stamp_ns, kind, from_mode, to_mode, trigger, detail, open";

  /** The columns of a step row, {@code objects} last (column 13). */
  public static final String STEP_COLUMNS = "episode_id, step_index, stamp_ns, state, ee_position, latent,"
      + " command_position, command_velocity, mode, energy, goal_id, fault_code, objects";

  public Sql {
    Objects.requireNonNull(episodes, "episodes");
    Objects.requireNonNull(steps, "steps");
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(insertEpisode, "insertEpisode");
    Objects.requireNonNull(insertStep, "insertStep");
    Objects.requireNonNull(totals, "totals");
    Objects.requireNonNull(newestFirst, "newestFirst");
    Objects.requireNonNull(nullObjects, "nullObjects");
  }

  /** Ends an open episode: outcome, end stamp, id. An episode already ended stays as it is. */
  String endEpisode() {
    return "UPDATE " + episodes + " SET outcome = ?, end_ns = ? WHERE id = ? AND outcome IS NULL";
  }

  /** Adds to an episode's step count: how many, id. */
  String addSteps() {
    return "UPDATE " + episodes + " SET steps = steps + ? WHERE id = ?";
  }

  /** Adds to an episode's gap count: how many, id. */
  String addGaps() {
    return "UPDATE " + episodes + " SET gaps = gaps + ? WHERE id = ?";
  }

  /** Inserts an event ({@link #EVENT_COLUMNS}). */
  String insertEvent() {
    return "INSERT INTO " + events + " (" + EVENT_COLUMNS + ")\nVALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  }

  /** Up to a limit of episodes, newest first. */
  String listEpisodes() {
    return "SELECT " + EPISODE_COLUMNS + " FROM " + episodes + " ORDER BY " + newestFirst + " LIMIT ?";
  }

  /** One episode by id. */
  String episode() {
    return "SELECT " + EPISODE_COLUMNS + " FROM " + episodes + " WHERE id = ?";
  }

  /** An episode's events in recording order. */
  String eventsOfEpisode() {
    return "SELECT " + EVENT_COLUMNS + " FROM " + events + " WHERE episode_id = ? ORDER BY id";
  }

  /** The events with a stamp in {@code [from, to)}, by stamp. */
  String eventsBetween() {
    return "SELECT " + EVENT_COLUMNS + " FROM " + events + " WHERE stamp_ns >= ? AND stamp_ns < ? ORDER BY stamp_ns, id";
  }

  /**
   * An episode's steps in order ({@link #STEP_COLUMNS}), all of them or, for a {@code range}, from
   * a step index on and at most a limit of them. Without the {@code objects} column (a store from
   * before schema 3 that a reader sees before a writer migrated it) {@link #nullObjects} stands in.
   */
  String selectSteps(boolean range, boolean withObjects) {
    String columns = withObjects ? STEP_COLUMNS : STEP_COLUMNS.replace(" objects", " " + nullObjects);
    String sql = "SELECT " + columns + " FROM " + steps + " WHERE episode_id = ?";
    return range ? sql + " AND step_index >= ? ORDER BY step_index LIMIT ?" : sql + " ORDER BY step_index";
  }
}
