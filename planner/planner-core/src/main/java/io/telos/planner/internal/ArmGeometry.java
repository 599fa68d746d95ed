package io.telos.planner.internal;

import io.telos.model.KinematicChain;

/**
 * Joint origins and the end-effector of a serial chain for collision checks: the arm is
 * approximated by the straight segments joining consecutive joint origins and the last joint to
 * the tool point (the fixed base below joint 0 is not included: it cannot move). A thin,
 * allocation-free view over {@link KinematicChain#jointOrigins}; not thread-safe (owns its scratch).
 */
public final class ArmGeometry {
  private final KinematicChain chain;
  private final KinematicChain.Scratch scratch;
  private final double[] q;

  public ArmGeometry(KinematicChain chain) {
    this.chain = chain;
    this.scratch = chain.newScratch();
    this.q = new double[chain.dof()];
  }

  public int dof() {
    return q.length;
  }

  /** Points written by {@link #points}: the {@code dof} joint origins, then the tool point. */
  public int pointCount() {
    return q.length + 1;
  }

  /**
   * Joint origins (base to tip) and the end-effector at {@code q[off, off + dof)} into
   * {@code out[0, 3 * (dof + 1))}, base frame, metres.
   */
  public void points(double[] states, int off, double[] out) {
    System.arraycopy(states, off, q, 0, q.length);
    chain.jointOrigins(q, out, scratch);
  }
}
