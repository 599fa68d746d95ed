/**
 * Plug-in points of the planners: the batched, engine-neutral {@link
 * io.telos.planner.spi.WorldModel} and its {@link io.telos.planner.spi.WorldModelProvider}
 * (found with {@link java.util.ServiceLoader}).
 */
package io.telos.planner.spi;
