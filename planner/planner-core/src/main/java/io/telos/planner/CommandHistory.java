package io.telos.planner;

import io.telos.api.JointCommand;
import io.telos.api.Vec;

/**
 * The commands the servo loop really issued, newest last, for the planner to learn what is in
 * flight. Written on the servo thread, read on the planner's; a fixed ring, so recording allocates
 * nothing.
 */
final class CommandHistory {
  private final int n;
  private final long[] stamps;
  private final double[] positions;
  private final double[] velocities;
  private final boolean[] hasVelocity;
  private int next;
  private int count;

  CommandHistory(int dof, int capacity) {
    this.n = dof;
    this.stamps = new long[capacity];
    this.positions = new double[capacity * dof];
    this.velocities = new double[capacity * dof];
    this.hasVelocity = new boolean[capacity];
  }

  /** Records a command of this arm; one with another number of joints is ignored. */
  synchronized void record(JointCommand command) {
    Vec p = command.position();
    if (p.size() != n) {
      return;
    }
    if (count > 0 && command.header().stampNs() < stamps[(next + stamps.length - 1) % stamps.length]) {
      clear(); // the clock went back (a restarted run): what came before says nothing any more
    }
    int slot = next;
    stamps[slot] = command.header().stampNs();
    Vec v = command.velocity();
    hasVelocity[slot] = v.size() == n;
    for (int i = 0; i < n; i++) {
      positions[slot * n + i] = p.get(i);
      velocities[slot * n + i] = hasVelocity[slot] ? v.get(i) : 0.0;
    }
    next = (next + 1) % stamps.length;
    count = Math.min(count + 1, stamps.length);
  }

  synchronized void clear() {
    count = 0;
    next = 0;
  }

  /**
   * The newest command issued at or before {@code stampNs} and no more than {@code maxAgeNs}
   * before it, its position advanced to {@code stampNs} at its velocity, into
   * {@code positionOut} and {@code velocityOut} ({@code dof} each).
   *
   * @return 0 when there is none, 1 with position only, 2 with position and velocity
   */
  synchronized int at(long stampNs, long maxAgeNs, double[] positionOut, double[] velocityOut) {
    for (int c = 1; c <= count; c++) {
      int slot = (next - c + stamps.length) % stamps.length;
      long s = stamps[slot];
      if (s <= stampNs) {
        if (stampNs - s > maxAgeNs) {
          return 0;
        }
        double dt = (stampNs - s) * 1e-9; // advanced to the stamp at its own velocity
        for (int i = 0; i < n; i++) {
          positionOut[i] = positions[slot * n + i] + (hasVelocity[slot] ? dt * velocities[slot * n + i] : 0.0);
          velocityOut[i] = velocities[slot * n + i];
        }
        return hasVelocity[slot] ? 2 : 1;
      }
    }
    return 0;
  }
}
