package io.telos.planner.djl;

import io.telos.api.Header;
import io.telos.api.Observation;
import io.telos.api.Pose;
import io.telos.api.Vec;
import io.telos.model.RobotModel;
import io.telos.planner.AnalyticWorldModel;
import io.telos.planner.spi.WorldModel.Probe;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test data: trajectories of the exact model under smooth random commands, near q = 0. */
final class Synthetic {
  static final RobotModel PLANAR2 = RobotModel.load("builtin:planar2");
  static final double DT = 0.05;

  private Synthetic() {}

  static List<Trajectory> trajectories(RobotModel robot, int count, int length, double spread, long seed) {
    AnalyticWorldModel m = new AnalyticWorldModel(robot, DT);
    int n = robot.dof();
    Random rnd = new Random(seed);
    List<Trajectory> out = new ArrayList<>();
    for (int e = 0; e < count; e++) {
      double[][] q = new double[length + 1][];
      double[][] qd = new double[length + 1][];
      double[][] ee = new double[length + 1][];
      double[][] a = new double[length][];
      double[] s = new double[2 * n];
      for (int i = 0; i < n; i++) {
        s[i] = (rnd.nextDouble() * 2 - 1) * spread;
      }
      double[] u = new double[n];
      for (int t = 0; t <= length; t++) {
        q[t] = java.util.Arrays.copyOfRange(s, 0, n);
        qd[t] = java.util.Arrays.copyOfRange(s, n, 2 * n);
        ee[t] = new double[3];
        m.probe(Probe.END_EFFECTOR_POSITION, s, 1, ee[t]);
        if (t == length) {
          break;
        }
        for (int i = 0; i < n; i++) {
          double bound = 0.5 * m.actionBound(i);
          u[i] = Math.max(-bound, Math.min(bound, 0.8 * u[i] + 0.4 * bound * rnd.nextGaussian()));
          // keep the data near the origin: steer back when far out
          if (Math.abs(s[i]) > spread) {
            u[i] = -Math.signum(s[i]) * 0.3 * bound;
          }
        }
        a[t] = u.clone();
        double[] next = new double[2 * n];
        m.step(s, u, 1, next);
        s = next;
      }
      out.add(new Trajectory("syn-" + e, q, qd, ee, a));
    }
    return out;
  }

  static Observation observation(double[] q, double[] qd) {
    return new Observation(Header.of(0, 0, "t"), Vec.of(q), Vec.of(qd), Pose.IDENTITY, null, 0);
  }
}
