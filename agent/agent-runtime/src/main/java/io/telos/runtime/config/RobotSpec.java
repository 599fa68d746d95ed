package io.telos.runtime.config;

import io.telos.api.config.Settings;

/**
 * {@code robot:} — which arm this deployment drives.
 *
 * @param id robot id used in bus addresses and topics ([a-z0-9_]+)
 * @param description URDF path (relative paths resolve against the launch file) or {@code builtin:<name>}
 * @param limits optional {@code velocity_scale} (0, 1] and per-joint {@code acceleration} list
 */
public record RobotSpec(String id, String description, Settings limits) {}
