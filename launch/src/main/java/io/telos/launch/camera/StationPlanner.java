package io.telos.launch.camera;

import io.telos.api.ActionChunk;
import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.Observation;
import io.telos.api.Setpoint;
import io.telos.api.camera.CameraFrame;
import io.telos.api.spi.Planner;
import io.telos.launch.identify.Playback;
import io.telos.model.JointLimits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A planner that tours calibration stations instead of pursuing its goal, so that the tour reaches
 * the arm as every plan does: through the safety kernel. At the first observation it asks for the
 * stations (from the position observed then), then moves to each in turn with a minimum-jerk move
 * (at most {@link #SPEED_FRACTION} of each joint's velocity limit at its peak), holds it for
 * {@link #settleS} and then for a capture window of {@link #CAPTURE_S}, and finally returns to where
 * it started; when no stations can be chosen, every plan fails with the reason and the session is
 * ended the same way. During each window it keeps the observed joint positions and, through
 * {@link #frame(CameraFrame)}, the last picture stamped inside the window.
 *
 * <p>Threads: {@link #plan} on the planner's thread; {@link #frame} from the camera's.
 */
public final class StationPlanner implements Planner {
  /** Peak speed of a move, as a fraction of the joint's velocity limit. */
  static final double SPEED_FRACTION = 0.4;
  static final double MIN_MOVE_S = 1.0;
  /** How long the picture is taken at a station, after settling. */
  static final double CAPTURE_S = 0.5;

  /** One station's capture: the joint positions observed during its window, and its picture. */
  public record Capture(int station, double[] target, List<double[]> positions, CameraFrame frame) {}

  private record Leg(double startS, double moveS, double[] from, double[] to, double captureFromS, double captureToS) {}

  private final JointLimits limits;
  private final Function<double[], List<double[]>> stations;
  private final double settleS;
  private volatile Runnable onDone = () -> { };
  private volatile String failure;
  private volatile List<Leg> legs; // set once, at the first plan
  private long startNs;
  private long sequence;
  private final List<List<double[]>> positions = new ArrayList<>();
  private final Map<Integer, CameraFrame> frames = new ConcurrentHashMap<>();

  /**
   * @param stations the stations to visit, given the position the arm starts from
   * @param settleS how long the arm holds a station before its picture is taken (a lagging arm needs longer)
   */
  public StationPlanner(JointLimits limits, Function<double[], List<double[]>> stations, double settleS) {
    this.limits = limits;
    this.stations = stations;
    this.settleS = settleS;
  }

  @Override
  public String name() {
    return "calibrate";
  }

  @Override
  public ActionChunk plan(Observation observation, Goal goal) {
    long now = observation.header().stampNs();
    double[] q = observation.position().toArray();
    if (failure != null) {
      onDone.run();
      throw new IllegalStateException(failure);
    }
    if (legs == null) {
      startNs = now;
      try {
        legs = schedule(q, stations.apply(q.clone()));
      } catch (IllegalArgumentException e) {
        failure = e.getMessage();
        onDone.run();
        throw e;
      }
      for (int i = 0; i < legs.size(); i++) {
        positions.add(new ArrayList<>());
      }
    }
    double s = (now - startNs) / 1e9;
    List<Leg> ls = legs;
    if (s > durationS()) {
      onDone.run();
    }
    for (int i = 0; i < ls.size(); i++) {
      if (s >= ls.get(i).captureFromS() && s <= ls.get(i).captureToS()) {
        positions.get(i).add(q);
      }
    }
    List<Setpoint> sps = Playback.setpoints(now, startNs, q.length, (t, p, v) -> at(ls, t, p, v));
    return new ActionChunk(Header.of(sequence++, now, "planner/calibrate"), goal.id(), sps, 0);
  }

  /** Keeps {@code f} when it was taken inside a station's capture window (the last such picture wins). */
  public void frame(CameraFrame f) {
    List<Leg> ls = legs;
    if (ls == null) {
      return;
    }
    double s = (f.stampNs() - startNs) / 1e9;
    for (int i = 0; i < ls.size(); i++) {
      if (s >= ls.get(i).captureFromS() && s <= ls.get(i).captureToS()) {
        frames.put(i, f);
      }
    }
  }

  /** Why no stations could be chosen, or null. */
  public String failure() {
    return failure;
  }

  /** Called (on the planner's thread, possibly more than once) once the arm is back where it started. */
  public void onDone(Runnable r) {
    this.onDone = r;
  }

  /** An upper bound of a tour of {@code count} stations, each at most {@code reach} from the start per joint, s. */
  public double boundS(int count, double reach) {
    double[] a = new double[limits.size()];
    double[] b = new double[limits.size()];
    Arrays.fill(b, 2 * reach);
    return 0.2 + (count + 1) * (moveS(a, b) + settleS + CAPTURE_S) + 0.5;
  }

  /** The tour's length from the first plan to the return, s; NaN before the first plan. */
  public double durationS() {
    List<Leg> ls = legs;
    if (ls == null) {
      return Double.NaN;
    }
    Leg back = ls.get(ls.size() - 1); // the return leg
    return back.startS() + back.moveS() + 0.5;
  }

  /**
   * What was captured at each station (the return leg excluded), in visiting order. Call after the
   * tour: positions are kept on the planner's thread.
   */
  public List<Capture> captures() {
    List<Leg> ls = legs;
    List<Capture> out = new ArrayList<>();
    if (ls == null) {
      return out;
    }
    for (int i = 0; i < ls.size() - 1; i++) {
      out.add(new Capture(i, ls.get(i).to().clone(), List.copyOf(positions.get(i)), frames.get(i)));
    }
    return out;
  }

  private List<Leg> schedule(double[] start, List<double[]> targets) {
    List<Leg> out = new ArrayList<>();
    double t = 0.2;
    double[] from = start.clone();
    for (double[] to : targets) {
      double move = moveS(from, to);
      double capture = t + move + settleS;
      out.add(new Leg(t, move, from, to.clone(), capture, capture + CAPTURE_S));
      t = capture + CAPTURE_S;
      from = to;
    }
    // home again: a leg without a capture window
    out.add(new Leg(t, moveS(from, start), from, start.clone(), Double.NaN, Double.NaN));
    return out;
  }

  /** A minimum-jerk move's duration: its peak speed (1.875 × the mean) within the allowed fraction. */
  double moveS(double[] a, double[] b) {
    double d = MIN_MOVE_S;
    for (int j = 0; j < a.length; j++) {
      d = Math.max(d, 1.875 * Math.abs(b[j] - a[j]) / (SPEED_FRACTION * limits.velocity(j)));
    }
    return d;
  }

  private static void at(List<Leg> legs, double t, double[] p, double[] v) {
    Leg leg = legs.get(0);
    for (Leg l : legs) {
      if (t >= l.startS()) {
        leg = l;
      }
    }
    double tau = Math.max(0, Math.min(1, (t - leg.startS()) / leg.moveS()));
    double shape = tau * tau * tau * (10 - 15 * tau + 6 * tau * tau);
    double rate = t < leg.startS() || tau >= 1 ? 0 : 30 * tau * tau * (1 - tau) * (1 - tau) / leg.moveS();
    for (int j = 0; j < p.length; j++) {
      double d = leg.to()[j] - leg.from()[j];
      p[j] = leg.from()[j] + shape * d;
      v[j] = rate * d;
    }
  }

  @Override
  public void reset() {
    // the tour keeps its clock across goals and mode changes
  }
}
