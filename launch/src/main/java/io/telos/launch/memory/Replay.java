package io.telos.launch.memory;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.Mode;
import io.telos.api.Observation;
import io.telos.api.Pose;
import io.telos.api.Setpoint;
import io.telos.api.Vec;
import io.telos.api.spi.Planner;
import io.telos.memory.StepRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * Feeds a recorded episode's observations back through a planner and compares what it plans with
 * the commands that were recorded.
 *
 * <p>The planner is called at its rate (the first step, then the first step at least one period
 * after the previous call), as in the run, so its warm starts see the same sequence. Every step
 * after the first is compared with the latest plan made before it: the plan's setpoint for that
 * step's time (the first at or after it, else the last) against the command recorded with that
 * step (the latest command the arm had been sent before the observation). The difference of a step is the largest absolute joint
 * difference (radians for revolute joints). Observations are rebuilt from the steps: positions and
 * velocities from {@code state}, the end-effector position from {@code eePosition} with an identity
 * orientation (orientation is not stored), the latent, and the tracked scene objects as recorded
 * (steps stored before schema 3 have none). Steps without a command are not compared.
 *
 * <p>A planner call that throws (a push goal whose object is not in the observation, say) holds
 * the observed position for one period, as the runtime's planner does, and is counted.
 */
public final class Replay {
  private Replay() {}

  /**
   * What a replay found.
   *
   * @param calls planner calls made
   * @param compared steps compared
   * @param max largest difference
   * @param median median difference
   * @param p95 95th percentile of the differences
   * @param withObjects steps whose recorded observation held tracked scene objects
   * @param planFailures planner calls that threw (each held the observed position)
   * @param firstFailure what the first of them threw, or null when none did
   */
  public record Result(int calls, int compared, double max, double median, double p95, int withObjects,
      int planFailures, String firstFailure) {
    public boolean within(double tolerance) {
      return compared > 0 && max <= tolerance;
    }
  }

  private static final Map<Integer, List<String>> NAMES = new ConcurrentHashMap<>();

  /** Placeholder joint names for a recorded command (steps keep positions in chain order, not names). */
  private static List<String> names(int n) {
    return NAMES.computeIfAbsent(n, k -> IntStream.range(0, k).mapToObj(i -> "joint" + i).toList());
  }

  public static Result run(Iterator<StepRecord> steps, Planner planner, Goal goal, double plannerRateHz) {
    Objects.requireNonNull(planner, "planner");
    Objects.requireNonNull(goal, "goal");
    long periodNs = plannerRateHz > 0 ? (long) (1e9 / plannerRateHz) : 0;
    planner.reset();
    List<Double> diffs = new ArrayList<>();
    ActionChunk plan = null;
    long lastCallNs = Long.MIN_VALUE;
    int calls = 0;
    int withObjects = 0;
    int failures = 0;
    String firstFailure = null;
    long seq = 0;
    while (steps.hasNext()) {
      StepRecord s = steps.next();
      if (!s.objects().isEmpty()) {
        withObjects++;
      }
      // the command recorded with this step was sent before it was observed: it came from the
      // plan made at an earlier step, so compare first, then plan from this step if one is due
      if (plan != null && !s.commandPosition().isEmpty() && !plan.setpoints().isEmpty()) {
        Vec planned = at(plan.setpoints(), s.stampNs()).position();
        diffs.add(maxAbsDiff(planned, s.commandPosition()));
      }
      if (s.commandPosition().size() > 0) { // as the servo loop told the planner in the run
        int n = s.commandPosition().size();
        Vec v = s.commandVelocity().size() == n ? s.commandVelocity() : Vec.zeros(n);
        planner.commanded(new JointCommand(Header.of(seq, s.stampNs(), "replay"), names(n), s.commandPosition(), v,
            s.mode() == null ? Mode.AUTONOMOUS : s.mode()));
      }
      if (plan == null || s.stampNs() - lastCallNs >= periodNs) {
        Observation o = observation(s, seq++);
        try {
          plan = planner.plan(o, goal);
        } catch (RuntimeException e) {
          failures++;
          firstFailure = firstFailure == null ? e.toString() : firstFailure;
          plan = hold(o, periodNs);
        }
        lastCallNs = s.stampNs();
        calls++;
      }
    }
    double[] d = diffs.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(d);
    return new Result(calls, d.length, d.length == 0 ? Double.NaN : d[d.length - 1], quantile(d, 0.5),
        quantile(d, 0.95), withObjects, failures, firstFailure);
  }

  /** What the runtime plans when the planner fails: stay at the observed position. */
  static ActionChunk hold(Observation o, long periodNs) {
    return new ActionChunk(o.header(), "", List.of(new Setpoint(o.header().stampNs() + periodNs, o.position(),
        Vec.zeros(o.position().size()))), 0);
  }

  static Observation observation(StepRecord s, long seq) {
    Vec st = s.state();
    int n = !s.commandPosition().isEmpty() && s.commandPosition().size() * 2 == st.size()
        ? s.commandPosition().size() : st.size() % 2 == 0 ? st.size() / 2 : st.size();
    double[] q = new double[n];
    double[] v = new double[Math.max(0, Math.min(n, st.size() - n))];
    for (int i = 0; i < q.length; i++) {
      q[i] = st.get(i);
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = st.get(n + i);
    }
    Pose ee = s.eePosition().size() == 3
        ? new Pose(s.eePosition().get(0), s.eePosition().get(1), s.eePosition().get(2), 1, 0, 0, 0) : Pose.IDENTITY;
    return new Observation(Header.of(seq, s.stampNs(), "memory/replay"), Vec.of(q),
        v.length == n ? Vec.of(v) : Vec.zeros(n), ee, s.latent(), 0, s.objects());
  }

  static Setpoint at(List<Setpoint> setpoints, long tNs) {
    for (Setpoint p : setpoints) {
      if (p.timeNs() >= tNs) {
        return p;
      }
    }
    return setpoints.get(setpoints.size() - 1);
  }

  static double maxAbsDiff(Vec a, Vec b) {
    if (a.size() != b.size()) {
      return Double.POSITIVE_INFINITY;
    }
    double m = 0;
    for (int i = 0; i < a.size(); i++) {
      m = Math.max(m, Math.abs(a.get(i) - b.get(i)));
    }
    return m;
  }

  static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
