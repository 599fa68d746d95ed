package io.telos.bridge.sim;

import io.telos.model.ActuatorResponse;
import java.util.Arrays;

/**
 * The simulated arm's joint controllers: from the command to each joint motor's velocity, on
 * every physics step (see {@link SimulatedArm} for the control laws). Without an actuator response
 * a motor is driven at {@code v_ff + kp·(q_des − q)} ({@code position} interface) or {@code v_cmd}
 * ({@code velocity}); with one, the command first passes through the response's filter, stepped by
 * the physics step. Either way the result is clamped to the joint's speed limit (lowered to what
 * the response can reach). Not thread-safe: the arm calls it with its world lock held.
 */
final class JointDrives {
  private final int n;
  private final double kp;
  private final boolean velocityInterface;
  private final double[] velocityLimit;
  private final ActuatorResponse response; // null: the controller only
  private final ActuatorResponse.Filter filter; // null without a response
  private final double[] trackingError;
  private final double[] motorVelocity;

  /**
   * @param velocityLimit each joint's speed limit (copied)
   * @param response the arm's response, null or ideal for none
   * @param q0 the initial positions (the position filter starts there)
   */
  JointDrives(double[] velocityLimit, ActuatorResponse response, boolean velocityInterface, double kp, double stepS,
      double[] q0) {
    this.n = velocityLimit.length;
    this.kp = kp;
    this.velocityInterface = velocityInterface;
    this.velocityLimit = velocityLimit.clone();
    this.response = response == null || response.isIdeal() ? null : response;
    this.trackingError = new double[n];
    this.motorVelocity = new double[n];
    if (this.response == null) {
      this.filter = null;
    } else {
      for (int i = 0; i < n; i++) {
        this.velocityLimit[i] = this.response.achievableVelocity(i, this.velocityLimit[i]);
      }
      if (velocityInterface) {
        double[] none = new double[n];
        Arrays.fill(none, Double.POSITIVE_INFINITY);
        this.filter = new ActuatorResponse(this.response.lagS(), this.response.deadTimeS(), none)
            .filter(stepS, new double[n]);
      } else {
        this.filter = this.response.filter(stepS, q0);
      }
    }
  }

  /**
   * The motor velocities for one physics step from the commanded positions and velocities and the
   * measured positions {@code q}, clamped to the speed limits (the drives' own array: do not keep).
   */
  double[] motorVelocities(double[] position, double[] velocity, double[] q) {
    if (filter != null) {
      filtered(position, velocity, q);
    }
    for (int i = 0; i < n; i++) {
      double v;
      if (filter != null) {
        v = motorVelocity[i];
      } else {
        v = velocity[i];
        if (!velocityInterface) {
          v += kp * (position[i] - q[i]);
        }
      }
      double lim = velocityLimit[i];
      motorVelocity[i] = v > lim ? lim : (v < -lim ? -lim : v);
    }
    return motorVelocity;
  }

  /** The response, or null when the arm follows its controller only. */
  ActuatorResponse response() {
    return response;
  }

  /** The filter's output after the last step, or null without a response. */
  double[] filteredCommand() {
    return filter == null ? null : filter.position().clone();
  }

  /** The slow arm's motor velocities (before the speed clamp): the command through the response filter. */
  private void filtered(double[] position, double[] velocity, double[] q) {
    if (velocityInterface) {
      filter.step(velocity);
      System.arraycopy(filter.position(), 0, motorVelocity, 0, n);
      return;
    }
    for (int i = 0; i < n; i++) {
      trackingError[i] = filter.position(i) - q[i]; // the filter's position at the instant q is measured
    }
    filter.step(position);
    for (int i = 0; i < n; i++) {
      motorVelocity[i] = filter.velocity(i) + kp * trackingError[i];
    }
  }
}
