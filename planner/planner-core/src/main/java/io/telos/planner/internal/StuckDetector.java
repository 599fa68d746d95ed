package io.telos.planner.internal;

/**
 * The {@code stuck} signal: the task error has not dropped by more than {@code progress} below its
 * best value for {@code window} of observation time while the arm is not within the goal's
 * tolerance. Uses observation stamps only (never the wall clock), so it is deterministic.
 */
public final class StuckDetector {
  private final long windowNs;
  private final double progress;
  private boolean active;
  private double reference;
  private long since;

  /**
   * @param windowS how long the error may plateau before the arm counts as stuck, s
   * @param progress the least decrease of the error that counts as progress (m, or rad for joint targets)
   */
  public StuckDetector(double windowS, double progress) {
    this.windowNs = Math.round(windowS * 1e9);
    this.progress = progress;
  }

  /** Forgets the history (a new goal). */
  public void reset() {
    active = false;
  }

  /** Records the error at {@code stampNs}; returns whether the arm is stuck. */
  public boolean update(long stampNs, double error, double tolerance) {
    if (!active || !Double.isFinite(reference) || stampNs < since) {
      active = true;
      reference = error;
      since = stampNs;
      return false;
    }
    if (error < reference - progress) {
      reference = error;
      since = stampNs;
    }
    return !(error <= tolerance) && stampNs - since >= windowNs;
  }
}
