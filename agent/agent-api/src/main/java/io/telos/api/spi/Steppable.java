package io.telos.api.spi;

/**
 * Implemented by simulated hardware that can run in lock-step: the runtime advances it by exactly
 * one servo period after each command, so a run is deterministic and faster than real time.
 */
public interface Steppable {
  /** Advances the simulation by {@code dtNs}. */
  void step(long dtNs);
}
