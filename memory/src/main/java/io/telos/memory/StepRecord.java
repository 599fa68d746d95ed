package io.telos.memory;

import io.telos.api.Mode;
import io.telos.api.ObjectPose;
import io.telos.api.Vec;
import java.util.List;
import java.util.Objects;

/**
 * One step of an episode: an observation joined with the latest command, mode and plan energy.
 * Vectors and the object list are never null (absent means empty).
 *
 * @param episodeId the episode, from {@link EpisodeStore#beginEpisode(EpisodeMeta)}
 * @param index position in the episode; strictly increasing, holes mark steps that were lost
 *     (counted as gaps)
 * @param stampNs monotonic stamp of the observation
 * @param state observed state: joint positions followed by joint velocities
 * @param eePosition end-effector position (x, y, z in metres, base frame), or empty
 * @param latent encoder output, or empty when there is no encoder
 * @param commandPosition latest commanded joint positions, or empty when none was seen yet
 * @param commandVelocity latest commanded joint velocities, or empty when none was seen yet
 * @param mode the arbiter's latest mode, or null when none was seen yet
 * @param energy energy of the latest plan, {@code NaN} when unknown
 * @param goalId the goal being pursued, or null
 * @param faultCode the first fault reported since the previous step, or null
 * @param objects poses of the scene's tracked objects in the observation, in its order (empty when
 *     the scene has none or none were seen)
 */
public record StepRecord(
    long episodeId,
    long index,
    long stampNs,
    Vec state,
    Vec eePosition,
    Vec latent,
    Vec commandPosition,
    Vec commandVelocity,
    Mode mode,
    double energy,
    String goalId,
    String faultCode,
    List<ObjectPose> objects) {
  /** A step without tracked objects (an arm-only run). */
  public StepRecord(long episodeId, long index, long stampNs, Vec state, Vec eePosition, Vec latent,
      Vec commandPosition, Vec commandVelocity, Mode mode, double energy, String goalId, String faultCode) {
    this(episodeId, index, stampNs, state, eePosition, latent, commandPosition, commandVelocity, mode, energy, goalId,
        faultCode, List.of());
  }

  public StepRecord {
    if (index < 0) {
      throw new IllegalArgumentException("step index must be >= 0, was " + index);
    }
    Objects.requireNonNull(state, "state");
    eePosition = eePosition == null ? Vec.empty() : eePosition;
    latent = latent == null ? Vec.empty() : latent;
    commandPosition = commandPosition == null ? Vec.empty() : commandPosition;
    commandVelocity = commandVelocity == null ? Vec.empty() : commandVelocity;
    objects = objects == null ? List.of() : List.copyOf(objects);
  }

  /** The same step with these tracked objects. */
  public StepRecord withObjects(List<ObjectPose> tracked) {
    return new StepRecord(episodeId, index, stampNs, state, eePosition, latent, commandPosition, commandVelocity, mode,
        energy, goalId, faultCode, tracked);
  }
}
