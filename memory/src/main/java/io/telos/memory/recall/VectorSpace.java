package io.telos.memory.recall;

import io.telos.api.Vec;
import io.telos.memory.StepRecord;
import java.util.Locale;

/** Which vector of a step similarity recall compares. */
public enum VectorSpace {
  /** {@link StepRecord#state()}: joint positions then velocities. */
  STATE,
  /** {@link StepRecord#latent()}: the encoder's output (absent when there is no encoder). */
  LATENT;

  /** The step's vector in this space (may be empty). */
  public Vec of(StepRecord step) {
    return this == STATE ? step.state() : step.latent();
  }

  /** Lower-case name, as in requests ({@code state}, {@code latent}). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static VectorSpace ofLabel(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
