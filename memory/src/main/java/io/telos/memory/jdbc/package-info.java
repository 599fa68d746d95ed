/**
 * The one SQL {@link io.telos.memory.EpisodeStore} implementation,
 * {@link io.telos.memory.jdbc.JdbcEpisodeStore}: recording, the writer thread with group commit,
 * retries, listeners and reads, written once for every database. A database adds a subclass for
 * what really differs (connecting, locking, migrating, recovering, transactions) and an
 * {@link io.telos.memory.jdbc.Sql} for how it spells its statements: {@code memory.sqlite},
 * {@code memory.postgres}.
 */
package io.telos.memory.jdbc;
