package io.telos.planner.djl;

import io.telos.api.scene.Scene;
import java.util.Objects;

/**
 * One recorded episode of the tool among movable objects, resampled to the model step: the tool's
 * position and every object's planar pose at {@code t_0 + k dt}, {@code k = 0..length()}.
 *
 * @param id where it came from (an episode id), for messages
 * @param scene the objects' geometry, mass and friction in that episode (scene order = pose order)
 * @param dtS the model step, s
 * @param tool {@code [length() + 1][3]} tool (end-effector) positions, base frame, m
 * @param poses {@code [length() + 1][objects][3]} each object's {@code x, y, yaw} (m, m, rad;
 *     yaw unwrapped: continuous across ±π)
 */
public record PushTrajectory(String id, Scene scene, double dtS, double[][] tool, double[][][] poses) {
  public PushTrajectory {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(scene, "scene");
    if (tool.length != poses.length || tool.length < 2) {
      throw new IllegalArgumentException("trajectory " + id + ": " + tool.length + " tool samples, " + poses.length
          + " pose samples; need the same number, at least 2");
    }
    int m = scene.objects().size();
    for (int k = 0; k < tool.length; k++) {
      if (tool[k].length != 3 || poses[k].length != m) {
        throw new IllegalArgumentException("trajectory " + id + " step " + k + ": wrong widths");
      }
      for (double v : tool[k]) {
        finite(id, k, v);
      }
      for (double[] p : poses[k]) {
        if (p.length != 3) {
          throw new IllegalArgumentException("trajectory " + id + " step " + k + ": an object pose has " + p.length
              + " values, not 3");
        }
        for (double v : p) {
          finite(id, k, v);
        }
      }
    }
  }

  private static void finite(String id, int k, double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException("trajectory " + id + " step " + k + " holds a non-finite value (" + v
          + "); training refuses non-finite data");
    }
  }

  /** Number of steps (samples − 1). */
  public int length() {
    return tool.length - 1;
  }

  /** Number of objects. */
  public int objects() {
    return scene.objects().size();
  }
}
