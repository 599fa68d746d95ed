package io.telos.planner.spi;

import io.telos.api.ObjectPose;
import java.util.Arrays;
import java.util.List;

/**
 * Predicts what the tool does to the movable objects of a scene: the object half of a world model
 * ({@link io.telos.planner.PushingWorldModel} pairs one with any model of the arm). The arm's model
 * says where the tool goes; the contact model says how the objects respond, each step, for a whole
 * batch of samples at once.
 *
 * <p><b>Object state</b>: {@link #width()} doubles per object, objects in scene order. The first two
 * are always the object's planar position (x, y in the base frame, m), which cost terms read; the
 * rest (yaw, velocities, a learned latent) are the model's own.
 *
 * <p>Implementations keep scratch memory and, for {@link #encode}, what they need of earlier
 * observations (a velocity is a difference of poses), so they are not thread-safe: one instance per
 * planner. They must be deterministic: the same inputs in the same order give bit-identical
 * outputs. New engines plug in through {@link ContactModelProvider}.
 */
public interface ContactModel {
  /** Short name for logs and diagnostics, e.g. {@code quasi-static}. */
  String name();

  /** Values per object in the state (at least 2: x, y first). */
  int width();

  /** The objects' names, in state order. */
  List<String> objectNames();

  /**
   * Writes the state of object {@code j} as observed ({@code pose} finite) into
   * {@code out[offset, offset + width())}. A model that keeps velocities estimates them from the
   * poses it was given before (by stamp); the first pose of an object counts as at rest.
   */
  void encode(int j, ObjectPose pose, double[] out, int offset);

  /**
   * Predicts one step for a batch: the objects after the tool's contact sphere (centred at the
   * end-effector) moved from {@code toolBefore} to {@code toolAfter}.
   *
   * @param toolBefore {@code batch * 3} tool positions at the start of the step (base frame, m)
   * @param toolAfter {@code batch * 3} tool positions at its end
   * @param objects {@code batch * objectCount * width()} object states at the start of the step
   * @param batch number of samples
   * @param next receives {@code batch * objectCount * width()} values; must not alias {@code objects}
   */
  void step(double[] toolBefore, double[] toolAfter, double[] objects, int batch, double[] next);

  /** True when {@link #lastSpread} can return something other than zeros (an ensemble). */
  default boolean hasUncertainty() {
    return false;
  }

  /**
   * Epistemic uncertainty of the prediction the last {@link #step} made for each sample (m: how far
   * an ensemble's members disagree about where the sample's objects go in that step, summed over
   * its objects) into {@code out[0, batch)}; zeros for an exact or single model.
   */
  default void lastSpread(int batch, double[] out) {
    Arrays.fill(out, 0, batch, 0.0);
  }
}
