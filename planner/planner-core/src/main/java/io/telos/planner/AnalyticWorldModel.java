package io.telos.planner;

import io.telos.api.Observation;
import io.telos.model.JointLimits;
import io.telos.model.KinematicChain;
import io.telos.model.RobotModel;
import io.telos.planner.spi.WorldModel;
import java.util.Objects;

/**
 * The exact model of a velocity-controlled arm, from its kinematics and limits. State
 * {@code [q(n), qd(n)]}; an action is a joint velocity command {@code u} held for {@code dt}:
 *
 * <pre>
 *   a   = clamp((u - qd) / dt, -aMax, aMax)
 *   qd' = clamp(qd + a dt, -vMax, vMax)
 *   q'  = clamp(q + dt qd', lower, upper)     (qd' = 0 where the position was clamped)
 * </pre>
 *
 * The end-effector probe is forward kinematics; uncertainty is zero. Not thread-safe (it keeps a
 * kinematics scratch); use one instance per planner.
 */
public final class AnalyticWorldModel implements WorldModel {
  private final KinematicChain chain;
  private final int n;
  private final double dt;
  private final double[] lower;
  private final double[] upper;
  private final double[] vmax;
  private final double[] amax;
  private final KinematicChain.Scratch scratch;
  private final double[] q;
  private final double[] ee = new double[3];

  /**
   * The analytic model of {@code robot}: this one for an arm that follows its commands at once, a
   * {@link ResponseWorldModel} for one that lags them ({@link RobotModel#response()} not ideal).
   */
  public static WorldModel of(RobotModel robot, double dtS) {
    return robot.response().isIdeal() ? new AnalyticWorldModel(robot, dtS) : new ResponseWorldModel(robot, dtS);
  }

  /**
   * @param robot the arm; its limits (position, velocity, acceleration) bound every prediction
   * @param dtS model step in seconds, finite and > 0
   */
  public AnalyticWorldModel(RobotModel robot, double dtS) {
    Objects.requireNonNull(robot, "robot");
    if (!(dtS > 0) || !Double.isFinite(dtS)) {
      throw new IllegalArgumentException("dtS must be a finite number > 0, was " + dtS);
    }
    this.chain = robot.chain();
    this.n = robot.dof();
    this.dt = dtS;
    JointLimits lim = robot.limits();
    this.lower = lim.lower();
    this.upper = lim.upper();
    this.vmax = lim.velocity();
    this.amax = lim.acceleration();
    this.scratch = chain.newScratch();
    this.q = new double[n];
  }

  @Override
  public String name() {
    return "analytic";
  }

  @Override
  public int dof() {
    return n;
  }

  @Override
  public int stateSize() {
    return 2 * n;
  }

  @Override
  public double dtS() {
    return dt;
  }

  @Override
  public double actionBound(int i) {
    return vmax[i];
  }

  @Override
  public void encode(Observation observation, double[] stateOut) {
    int nv = checkJoints(observation, n);
    for (int i = 0; i < n; i++) {
      stateOut[i] = observation.position().get(i);
      stateOut[n + i] = nv == 0 ? 0.0 : observation.velocity().get(i);
    }
  }

  @Override
  public void step(double[] states, double[] actions, int batch, double[] next) {
    int s = 2 * n;
    for (int b = 0; b < batch; b++) {
      int so = b * s;
      int ao = b * n;
      for (int i = 0; i < n; i++) {
        double qi = states[so + i];
        double qdi = states[so + n + i];
        double acc = clamp((actions[ao + i] - qdi) / dt, -amax[i], amax[i]);
        double qdn = clamp(qdi + acc * dt, -vmax[i], vmax[i]);
        double qn = qi + dt * qdn;
        if (qn > upper[i]) {
          qn = upper[i];
          qdn = 0.0;
        } else if (qn < lower[i]) {
          qn = lower[i];
          qdn = 0.0;
        }
        next[so + i] = qn;
        next[so + n + i] = qdn;
      }
    }
  }

  @Override
  public void probe(Probe probe, double[] states, int batch, double[] out) {
    probeArm(probe, states, 2 * n, batch, out, chain, scratch, q, ee);
  }

  /**
   * Probes of an arm whose states hold {@code [q(n), qd(n), …]} rows of width {@code stride}: joint
   * positions and velocities copied, the end-effector by forward kinematics ({@code q} and {@code ee}
   * are scratch). Objects are not an arm's to probe.
   */
  static void probeArm(Probe probe, double[] states, int stride, int batch, double[] out, KinematicChain chain,
      KinematicChain.Scratch scratch, double[] q, double[] ee) {
    int n = q.length;
    switch (probe) {
      case JOINT_POSITION -> {
        for (int b = 0; b < batch; b++) {
          System.arraycopy(states, b * stride, out, b * n, n);
        }
      }
      case JOINT_VELOCITY -> {
        for (int b = 0; b < batch; b++) {
          System.arraycopy(states, b * stride + n, out, b * n, n);
        }
      }
      case END_EFFECTOR_POSITION -> {
        for (int b = 0; b < batch; b++) {
          System.arraycopy(states, b * stride, q, 0, n);
          chain.forwardPosition(q, ee, scratch);
          out[3 * b] = ee[0];
          out[3 * b + 1] = ee[1];
          out[3 * b + 2] = ee[2];
        }
      }
      case OBJECT_POSITION -> throw new IllegalArgumentException("the arm's model has no objects");
    }
  }

  /**
   * Fails unless {@code observation} has {@code n} joint positions and {@code n} or no velocities;
   * returns the number of velocities. For every model that encodes joint observations.
   */
  public static int checkJoints(Observation observation, int n) {
    if (observation.position().size() != n) {
      throw new IllegalArgumentException("observation has " + observation.position().size()
          + " joint positions, the model has " + n + " joints");
    }
    int nv = observation.velocity().size();
    if (nv != 0 && nv != n) {
      throw new IllegalArgumentException("observation has " + nv + " joint velocities, the model has " + n + " joints");
    }
    return nv;
  }

  private static double clamp(double v, double lo, double hi) {
    return v < lo ? lo : (v > hi ? hi : v);
  }
}
