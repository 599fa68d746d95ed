package io.telos.memory;

/**
 * Totals of a store.
 *
 * @param episodes episodes stored (open ones included)
 * @param openEpisodes episodes without an outcome yet
 * @param steps steps stored
 * @param gaps steps lost and counted (queue full, failed writes), including those not yet persisted
 * @param bytes size on disk (database and journal files), 0 for a store that is not on disk
 */
public record StoreStats(long episodes, long openEpisodes, long steps, long gaps, long bytes) {}
