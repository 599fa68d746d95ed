package io.telos.bridge.sim;

import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.Mode;
import io.telos.api.SimulatedClock;
import io.telos.api.Vec;
import io.telos.model.RobotModel;
import java.util.List;

/** Shared helpers for the simulator tests. */
final class SimTesting {
  static final long MS = 1_000_000L;
  static final RobotModel TELOS6 = RobotModel.load("builtin:telos6");
  static final RobotModel PLANAR2 = RobotModel.load("builtin:planar2");

  private SimTesting() {}

  /** A lock-step arm on a simulated clock. */
  static SimulatedArm lockStep(RobotModel model, SimConfig config, long seed) {
    return new SimulatedArm("arm1", model, config, new SimulatedClock(), seed, true);
  }

  static JointCommand command(List<String> names, double[] position, double[] velocity) {
    return new JointCommand(Header.of(0, 0, "test"), names, Vec.of(position), Vec.of(velocity), Mode.AUTONOMOUS);
  }

  static JointCommand hold(SimulatedArm arm, double... position) {
    return command(arm.jointNames(), position, new double[position.length]);
  }

  static double[] q(SimulatedArm arm) {
    return arm.groundTruth().position().toArray();
  }

  static double maxAbsError(double[] a, double[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  /** Steps {@code ms} milliseconds one at a time, returning the largest |qd_i| / vlimit_i seen. */
  static double run(SimulatedArm arm, int ms) {
    double worst = 0;
    for (int k = 0; k < ms; k++) {
      arm.step(MS);
      JointState s = arm.groundTruth();
      for (int i = 0; i < s.names().size(); i++) {
        worst = Math.max(worst, Math.abs(s.velocity().get(i)) / arm.model().limits().velocity(i));
      }
    }
    return worst;
  }

  /** A scripted run (sinusoidal setpoints, 1.5 s); returns a hash of every measured state. */
  static long[] runScript(SimulatedArm[] arms) {
    long[] hash = new long[arms.length];
    double[] home = SimulatedArm.defaultInitialPosition(TELOS6);
    for (int k = 0; k < 1500; k++) {
      double t = k * 1e-3;
      double[] pos = home.clone();
      double[] vel = new double[6];
      for (int i = 0; i < 6; i++) {
        pos[i] += 0.4 * Math.sin(2 * t + i);
        vel[i] = 0.8 * Math.cos(2 * t + i);
      }
      for (int a = 0; a < arms.length; a++) {
        arms[a].write(command(arms[a].jointNames(), pos, vel));
        arms[a].step(MS);
        hash[a] = hash[a] * 31 + stateHash(arms[a].read());
      }
    }
    return hash;
  }

  static long stateHash(JointState s) {
    long h = s.header().sequence();
    for (double[] v : List.of(s.position().toArray(), s.velocity().toArray(), s.effort().toArray())) {
      for (double d : v) {
        h = h * 1_000_003L + Double.doubleToRawLongBits(d);
      }
    }
    return h;
  }
}
