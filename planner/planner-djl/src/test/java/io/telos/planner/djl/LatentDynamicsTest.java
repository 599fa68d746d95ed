package io.telos.planner.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The action-conditioned latent predictor and the planning step over it, on a camera whose latent
 * is a known smooth function of a two-joint arm's configuration (what a perfect encoder would give):
 * the predictor must beat copying the present latent on held-out moves, and planning toward a
 * goal's latent must find the goal's joints, which it is never told.
 */
class LatentDynamicsTest {
  static final double[][] W = new double[8][4];

  static {
    SplittableRandom r = new SplittableRandom(3);
    for (double[] row : W) {
      for (int i = 0; i < row.length; i++) {
        row[i] = r.nextDouble(-1, 1);
      }
    }
  }

  /** What the camera's latent is at joints q. */
  static double[] seen(double[] q) {
    double[] f = {Math.sin(q[0]), Math.cos(q[0]), Math.sin(q[1]), Math.cos(q[1])};
    double[] z = new double[W.length];
    for (int k = 0; k < z.length; k++) {
      for (int i = 0; i < f.length; i++) {
        z[k] += W[k][i] * f[i];
      }
    }
    return z;
  }

  static List<LatentDynamics.Sample> moves(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<LatentDynamics.Sample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] q = {r.nextDouble(-1.5, 1.5), r.nextDouble(-1.5, 1.5)};
      double[] a = {r.nextDouble(-0.8, 0.8), r.nextDouble(-0.8, 0.8)};
      out.add(new LatentDynamics.Sample(seen(q), q, a, seen(new double[] {q[0] + a[0], q[1] + a[1]})));
    }
    return out;
  }

  @Test
  void predictsWhatTheCameraWillSeeAndPlansToTheGoalPicturesJoints() {
    try (NDManager m = DjlEngine.get().newBaseManager()) {
      List<Double> losses = new ArrayList<>();
      LatentDynamics d = LatentDynamics.train(m, moves(4000, 1), new LatentDynamics.Config(64, 1500, 128, 3e-3, 5),
          losses, null);
      assertEquals(1500, losses.size());
      assertTrue(losses.get(1499) < 0.1 * losses.get(0), "the loss falls: " + losses.get(0) + " -> " + losses.get(1499));
      double pred = 0;
      double copy = 0;
      for (LatentDynamics.Sample s : moves(500, 2)) {
        pred += d.distance(d.predict(s.z(), s.q(), s.a()), s.next());
        copy += d.distance(s.z(), s.next());
      }
      assertTrue(pred < 0.1 * copy, "held out: predictor " + pred + " vs copying " + copy);

      SplittableRandom r = new SplittableRandom(9);
      double[] lower = {-1.6, -1.6};
      double[] upper = {1.6, 1.6};
      double[] errors = new double[20];
      for (int i = 0; i < errors.length; i++) {
        double[] q = {r.nextDouble(-1.2, 1.2), r.nextDouble(-1.2, 1.2)};
        double[] goal = {Math.max(-1.5, Math.min(1.5, q[0] + r.nextDouble(-0.7, 0.7))),
            Math.max(-1.5, Math.min(1.5, q[1] + r.nextDouble(-0.7, 0.7)))};
        double[] plan = d.inferGoal(seen(q), q, seen(goal), lower, upper, 0.8, i);
        assertEquals(3, plan.length, "joints, then the energy reached");
        errors[i] = Math.hypot(plan[0] - goal[0], plan[1] - goal[1]);
        double stay = d.distance(d.predict(seen(q), q, new double[2]), seen(goal));
        assertTrue(plan[2] <= stay, "never worse than staying put");
      }
      Arrays.sort(errors);
      assertTrue(errors[10] < 0.1, "median joint error " + errors[10] + " rad: " + Arrays.toString(errors));
    }
  }

  @Test
  void refusesTooFewOrMismatchedSamples() {
    try (NDManager m = DjlEngine.get().newBaseManager()) {
      assertThrows(IllegalArgumentException.class,
          () -> LatentDynamics.train(m, moves(10, 1), LatentDynamics.Config.defaults(), null, null));
      assertThrows(IllegalArgumentException.class,
          () -> new LatentDynamics.Sample(new double[3], new double[2], new double[2], new double[4]));
      assertThrows(IllegalArgumentException.class, () -> new LatentDynamics.Config(64, 10, 1, 1e-3, 1));
    }
  }
}
