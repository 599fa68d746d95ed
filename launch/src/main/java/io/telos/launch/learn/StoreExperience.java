package io.telos.launch.learn;

import io.telos.memory.EpisodeStore;
import io.telos.memory.EpisodeSummary;
import io.telos.memory.StepCursor;
import io.telos.memory.StepRecord;
import io.telos.planner.djl.ExperienceSource;
import io.telos.planner.djl.Trajectory;
import java.util.ArrayList;
import java.util.List;

/**
 * Episodic memory as training experience: every closed episode's steps (recorded at the servo or
 * observation rate) resampled to the model step. The state at {@code t_k = t_0 + k dt} is
 * interpolated linearly between the recorded steps around it; operator demonstrations are included
 * like autonomous episodes; the action of step k is the time-weighted mean of the commanded
 * velocities in force over {@code [t_k, t_{k+1})} (each recorded command holds until the next step). Episodes without commanded velocities or end-effector positions, and
 * episodes shorter than two model steps, are skipped.
 */
public final class StoreExperience implements ExperienceSource {
  private final EpisodeStore store;
  private final int limit;
  private int demonstrations;

  /** @param store an open store; @param limit most recent episodes to read */
  public StoreExperience(EpisodeStore store, int limit) {
    this.store = store;
    this.limit = limit;
  }

  @Override
  public List<Trajectory> trajectories(double dtS) {
    List<Trajectory> out = new ArrayList<>();
    demonstrations = 0;
    List<EpisodeSummary> eps = new ArrayList<>(store.listEpisodes(limit));
    eps.sort((a, b) -> Long.compare(a.id(), b.id()));
    for (EpisodeSummary e : eps) {
      if (e.isOpen()) {
        continue;
      }
      List<StepRecord> steps = new ArrayList<>();
      try (StepCursor c = store.readSteps(e.id())) {
        c.forEachRemaining(steps::add);
      }
      Trajectory t = resample(String.valueOf(e.id()), steps, dtS);
      if (t != null) {
        out.add(t);
        if (e.meta().operator()) {
          demonstrations++;
        }
      }
    }
    return out;
  }

  /**
   * Operator demonstrations among the trajectories of the last {@link #trajectories} call: the
   * episodes an operator drove (flagged {@code operator} by the recorder) are training data like any
   * other, and often the most informative (they cover what the planner could not do).
   */
  public int demonstrations() {
    return demonstrations;
  }

  /** Resamples one episode; null when it cannot be used. */
  static Trajectory resample(String id, List<StepRecord> steps, double dtS) {
    if (steps.size() < 2) {
      return null;
    }
    int n = steps.get(0).state().size() / 2;
    for (StepRecord s : steps) {
      if (s.state().size() != 2 * n || s.commandVelocity().size() != n || s.eePosition().size() != 3
          || !s.state().isFinite() || !s.commandVelocity().isFinite()) {
        return null;
      }
    }
    long dtNs = Math.round(dtS * 1e9);
    long t0 = steps.get(0).stampNs();
    long tEnd = steps.get(steps.size() - 1).stampNs();
    int k = (int) ((tEnd - t0) / dtNs);
    if (k < 2) {
      return null;
    }
    double[][] q = new double[k + 1][n];
    double[][] qd = new double[k + 1][n];
    double[][] ee = new double[k + 1][3];
    double[][] a = new double[k][n];
    int j = 0;
    for (int i = 0; i <= k; i++) {
      long t = t0 + i * dtNs;
      while (j + 1 < steps.size() && steps.get(j + 1).stampNs() <= t) {
        j++;
      }
      StepRecord s = steps.get(j);
      // the state at t: linear interpolation between the recorded steps around it (the observation
      // rate need not divide the model step: 250 Hz and 50 ms leave every other tick 2 ms apart)
      StepRecord s1 = j + 1 < steps.size() ? steps.get(j + 1) : s;
      long span = s1.stampNs() - s.stampNs();
      double w = span > 0 ? Math.min(1.0, Math.max(0.0, (double) (t - s.stampNs()) / span)) : 0.0;
      for (int d = 0; d < n; d++) {
        q[i][d] = (1 - w) * s.state().get(d) + w * s1.state().get(d);
        qd[i][d] = (1 - w) * s.state().get(n + d) + w * s1.state().get(n + d);
      }
      for (int d = 0; d < 3; d++) {
        ee[i][d] = (1 - w) * s.eePosition().get(d) + w * s1.eePosition().get(d);
      }
      if (i < k) {
        // time-weighted mean of the commands in force over [t, t + dt): each holds until the next step
        long tNext = t + dtNs;
        long covered = 0;
        for (int m = j; m < steps.size() && steps.get(m).stampNs() < tNext; m++) {
          long from = Math.max(t, steps.get(m).stampNs());
          long to = m + 1 < steps.size() ? Math.min(tNext, steps.get(m + 1).stampNs()) : tNext;
          if (to <= from) {
            continue;
          }
          for (int d = 0; d < n; d++) {
            a[i][d] += (to - from) * steps.get(m).commandVelocity().get(d);
          }
          covered += to - from;
        }
        for (int d = 0; d < n; d++) {
          a[i][d] /= Math.max(1, covered);
        }
      }
    }
    return new Trajectory(id, q, qd, ee, a);
  }
}
