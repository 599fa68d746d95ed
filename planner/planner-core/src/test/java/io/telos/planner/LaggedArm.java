package io.telos.planner;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.Mode;
import io.telos.api.Observation;
import io.telos.api.Setpoint;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.api.spi.Planner;
import io.telos.model.ActuatorResponse;
import io.telos.model.RobotModel;
import java.util.List;

/**
 * A closed loop over an arm that lags its commands: the plant is {@link ActuatorResponse.Filter}
 * stepped at 1 kHz, fed with the command a safety kernel would send (blended from the current
 * command into a new plan's first setpoint, then linear between setpoints). The planner runs every
 * {@code periodMs}; each plan is adopted {@code latencyMs} after the state it was made from.
 */
final class LaggedArm {
  record Result(boolean reached, double finalError, double timeS) {}

  private static final long MS = 1_000_000L;
  private final RobotModel robot;
  private final ActuatorResponse.Filter plant;
  private final int n;
  private final double[] command;
  private final double[] blendFrom;
  private final long periodNs;
  private final long latencyNs;
  private long nowNs;
  private long sequence;
  private ActionChunk active;
  private long adoptedNs;
  private Planner told;
  private final double[] lastCommand;

  LaggedArm(RobotModel robot, ActuatorResponse plantResponse, double[] q0, int periodMs, int latencyMs) {
    this.robot = robot;
    this.n = robot.dof();
    this.plant = plantResponse.filter(1e-3, q0);
    this.command = q0.clone();
    this.blendFrom = q0.clone();
    this.periodNs = periodMs * MS;
    this.latencyNs = latencyMs * MS;
    this.lastCommand = q0.clone();
  }

  /** Tells {@code planner} every command issued, at 1 kHz, as the servo loop does. */
  LaggedArm tellingCommandsTo(Planner planner) {
    this.told = planner;
    return this;
  }

  Observation observe() {
    double[] q = plant.position().clone();
    double[] qd = plant.velocity().clone();
    return new Observation(Header.of(sequence++, nowNs, "test"), Vec.of(q), Vec.of(qd),
        robot.chain().forwardPose(q), null, 0);
  }

  double error(Target.Position p) {
    double[] ee = robot.chain().forwardPosition(plant.position());
    return Math.sqrt(sq(ee[0] - p.xM()) + sq(ee[1] - p.yM()) + sq(ee[2] - p.zM()));
  }

  /** Pursues a position goal until within tolerance for {@code settleS}, or the timeout. */
  Result pursue(Planner planner, Target.Position target, double tolerance, double timeoutS, double settleS) {
    planner.reset();
    Goal goal = new Goal(Header.of(0, 0, "test"), "g" + sequence, target, tolerance, 60_000 * MS);
    long start = nowNs;
    double inside = -1;
    while ((nowNs - start) / 1e9 < timeoutS) {
      double t = (nowNs - start) / 1e9;
      double err = error(target);
      if (err <= tolerance) {
        if (inside < 0) {
          inside = t;
        }
        if (t - inside >= settleS - 1e-9) {
          return new Result(true, err, inside);
        }
      } else {
        inside = -1;
      }
      ActionChunk chunk = planner.plan(observe(), goal);
      run(latencyNs);
      active = chunk;
      adoptedNs = nowNs;
      System.arraycopy(command, 0, blendFrom, 0, n);
      run(periodNs - latencyNs);
    }
    return new Result(false, error(target), timeoutS);
  }

  private void run(long durationNs) {
    for (long t = 0; t < durationNs; t += MS) {
      nowNs += MS;
      if (active != null) {
        interpolate(nowNs);
      }
      plant.step(command);
      if (told != null) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
          v[i] = (command[i] - lastCommand[i]) / 1e-3;
        }
        told.commanded(new JointCommand(Header.of(sequence, nowNs, "test"), robot.jointNames(), Vec.of(command),
            Vec.of(v), Mode.AUTONOMOUS));
      }
      System.arraycopy(command, 0, lastCommand, 0, n);
    }
  }

  private void interpolate(long t) {
    List<Setpoint> sps = active.setpoints();
    Setpoint first = sps.get(0);
    if (t <= first.timeNs()) {
      double f = Math.max(0, Math.min(1, (double) (t - adoptedNs) / Math.max(1, first.timeNs() - adoptedNs)));
      for (int i = 0; i < n; i++) {
        command[i] = blendFrom[i] + f * (first.position().get(i) - blendFrom[i]);
      }
      return;
    }
    for (int k = 0; k + 1 < sps.size(); k++) {
      Setpoint a = sps.get(k);
      Setpoint b = sps.get(k + 1);
      if (t <= b.timeNs()) {
        double f = (double) (t - a.timeNs()) / (b.timeNs() - a.timeNs());
        for (int i = 0; i < n; i++) {
          command[i] = a.position().get(i) + f * (b.position().get(i) - a.position().get(i));
        }
        return;
      }
    }
    sps.get(sps.size() - 1).position().copyTo(command);
  }

  private static double sq(double v) {
    return v * v;
  }
}
