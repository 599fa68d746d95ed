/**
 * Persistent episodic memory: every step the agent lives through, grouped into one episode per
 * goal. The port is {@link io.telos.memory.EpisodeStore}; the embedded default is
 * {@link io.telos.memory.sqlite.SqliteEpisodeStore}; {@link io.telos.memory.MemoryRecorder} feeds a
 * store from the event bus.
 */
package io.telos.memory;
