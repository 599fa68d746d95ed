package io.telos.perception.response;

import io.telos.model.ActuatorResponse;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Identifies how each joint of a position-controlled arm follows its command — the first-order lag
 * {@code τ} and the dead time {@code d} of {@link io.telos.model.ActuatorResponse} — from the stream
 * of commands sent and positions measured.
 *
 * <p><b>Recording.</b> {@link #record(long, double[], double[])} is called once per servo tick with
 * the command sent at that tick and the position measured just before it. It copies the pair into a
 * bounded ring (the last {@link Config#windowS()} at {@link Config#rateHz()}, older samples are
 * overwritten), allocates nothing and never blocks. A sample with a stamp not after the previous
 * one, or with a non-finite value, is dropped and counted ({@link #dropped()}).
 *
 * <p><b>Threads.</b> One writer, any number of readers: {@link #record} must be called by one thread
 * at a time (the servo thread); {@link #fit()}, {@link #recorded()} and {@link #dropped()} may be
 * called from any thread, concurrently with it. {@code fit} copies the ring without a lock, then
 * keeps only the rows the writer cannot have overwritten during the copy (a per-row sequence check:
 * the writer announces the row it is about to write before writing it, the reader re-reads that
 * announcement after copying, with fences on both sides). The writer never waits for a reader; a
 * reader never sees a torn row. {@code fit} allocates and takes tens to hundreds of milliseconds:
 * call it off the servo thread (e.g. once a second).
 *
 * <p><b>Model.</b> A command is held from the tick it is sent until the next one (zero-order hold).
 * Between two samples {@code k → k+1}, {@code h = t[k+1] − t[k]} apart, the measured position moves
 * as
 *
 * <pre>
 *   q[k+1] − q[k] = (1 − e^(−h/τ)) · (c̄_k(d) − q[k])
 * </pre>
 *
 * where {@code c̄_k(d)} is the mean of the held command over {@code [t[k] − d, t[k+1] − d]} (the
 * exact delayed input for a dead time that is not a whole number of ticks). For each dead time on a
 * grid ({@link Config#deadTimeStepS()} apart, from a few steps below zero to
 * {@link Config#maxDeadTimeS()}) the lag is fitted by least squares (Gauss–Newton in {@code 1/τ},
 * exact for jittery sampling); the dead time of least residual is refined by a parabola through its
 * neighbours and clamped at zero. Steps during which a joint moves at its speed ceiling are left
 * out: the one-step model conditions on the measured position, so leaving out the clamped steps
 * leaves the others exact. A ceiling is recognised as a plateau of the (smoothed) measured speed
 * where the fitted model asks for more; without one the fit is redone with every step.
 *
 * <p>Uncertainties are the standard errors of {@code (1/τ, d)} from the Jacobian at the optimum,
 * with a heteroscedasticity- and autocorrelation-consistent (Newey–West) middle term so that
 * correlated residuals (noise differenced into {@code Δq}, unmodelled dynamics) are accounted for;
 * {@code σ_τ = σ_(1/τ) · τ²}.
 */
public final class ResponseEstimator {
  private static final Logger LOG = LoggerFactory.getLogger(ResponseEstimator.class);

  /**
   * Settings.
   *
   * @param windowS how much history the ring keeps, s, in (0, 600]
   * @param rateHz the highest rate {@link #record} will be called at, Hz, in [1, 100000]; with
   *     {@code windowS} it sizes the ring
   * @param maxDeadTimeS largest dead time searched, s, in (0, {@value io.telos.model.ActuatorResponse#MAX_DEAD_TIME_S}]
   * @param deadTimeStepS spacing of the dead-time grid, s, in (0, maxDeadTimeS]
   */
  public record Config(double windowS, double rateHz, double maxDeadTimeS, double deadTimeStepS) {
    public Config {
      if (!(windowS > 0 && windowS <= 600)) {
        throw new IllegalArgumentException("window_s: must be in (0, 600], was " + windowS);
      }
      if (!(rateHz >= 1 && rateHz <= 100_000)) {
        throw new IllegalArgumentException("rate_hz: must be in [1, 100000], was " + rateHz);
      }
      if (!(maxDeadTimeS > 0 && maxDeadTimeS <= ActuatorResponse.MAX_DEAD_TIME_S)) {
        throw new IllegalArgumentException("max_dead_time_s: must be in (0, "
            + ActuatorResponse.MAX_DEAD_TIME_S + "], was " + maxDeadTimeS);
      }
      if (!(deadTimeStepS > 0 && deadTimeStepS <= maxDeadTimeS)) {
        throw new IllegalArgumentException("dead_time_step_s: must be in (0, max_dead_time_s = " + maxDeadTimeS
            + "], was " + deadTimeStepS);
      }
      if ((long) Math.ceil(windowS * rateHz) > 20_000_000L) {
        throw new IllegalArgumentException("window_s × rate_hz: at most 20000000 samples, was "
            + (long) Math.ceil(windowS * rateHz));
      }
    }

    /** The last 20 s at 1 kHz; dead times 0 to 120 ms by 1 ms. */
    public static Config defaults() {
      return new Config(20, 1000, 0.120, 0.001);
    }

    /** Samples the ring holds. */
    int capacity() {
      return (int) Math.max(16, Math.ceil(windowS * rateHz));
    }
  }

  private final int n;
  private final Config config;
  private final int cap;
  private final long[] stamps;
  private final double[] commands; // row-major: slot * n + joint
  private final double[] measured;
  /** Rows announced by the writer (the row being written is {@code claimed − 1}). */
  private volatile long claimed;
  /** Rows completely written. */
  private volatile long written;
  private volatile long dropped;
  private long lastStampNs = Long.MIN_VALUE; // writer only

  /** An estimator for {@code joints} joints with {@link Config#defaults()}. */
  public ResponseEstimator(int joints) {
    this(joints, Config.defaults());
  }

  public ResponseEstimator(int joints, Config config) {
    if (joints < 1) {
      throw new IllegalArgumentException("joints: must be >= 1, was " + joints);
    }
    this.n = joints;
    this.config = Objects.requireNonNull(config, "config");
    this.cap = config.capacity();
    this.stamps = new long[cap];
    this.commands = new double[cap * joints];
    this.measured = new double[cap * joints];
  }

  public int joints() {
    return n;
  }

  public Config config() {
    return config;
  }

  /**
   * Records one tick: the position command sent at {@code stampNs} and the position measured just
   * before it (both chain order, {@link #joints()} entries). Allocation-free and wait-free; one
   * writer thread at a time.
   *
   * @throws IllegalArgumentException when an array has the wrong length (a programming error)
   */
  public void record(long stampNs, double[] commandPosition, double[] measuredPosition) {
    if (commandPosition.length != n || measuredPosition.length != n) {
      throw new IllegalArgumentException("record: expected " + n + " joints, command has " + commandPosition.length
          + ", measured " + measuredPosition.length);
    }
    if (stampNs <= lastStampNs || !finite(commandPosition) || !finite(measuredPosition)) {
      dropped = dropped + 1; // single writer
      return;
    }
    lastStampNs = stampNs;
    long row = written;
    claimed = row + 1;
    VarHandle.storeStoreFence(); // the announcement is visible before any write to the row
    int slot = (int) (row % cap);
    stamps[slot] = stampNs;
    System.arraycopy(commandPosition, 0, commands, slot * n, n);
    System.arraycopy(measuredPosition, 0, measured, slot * n, n);
    written = row + 1; // volatile: publishes the row
  }

  /** Samples recorded so far (including those the ring has since dropped as too old). */
  public long recorded() {
    return written;
  }

  /** Samples refused: stamp not after the previous one, or a non-finite value. */
  public long dropped() {
    return dropped;
  }

  /** A consistent copy of the rows in the ring, oldest first. */
  Snapshot snapshot() {
    long end = written; // rows < end are complete and visible
    long start = Math.max(0, end - cap);
    int m = (int) (end - start);
    long[] s = new long[m];
    double[] c = new double[m * n];
    double[] q = new double[m * n];
    for (int i = 0; i < m; i++) {
      int slot = (int) ((start + i) % cap);
      s[i] = stamps[slot];
      System.arraycopy(commands, slot * n, c, i * n, n);
      System.arraycopy(measured, slot * n, q, i * n, n);
    }
    VarHandle.loadLoadFence(); // the copy is done before the writer's progress is re-read
    long reused = claimed - cap; // rows below this may have been overwritten during the copy
    int skip = (int) Math.max(0, Math.min(m, reused - start));
    return new Snapshot(n, s, c, q, skip);
  }

  /** Rows {@code skip..} of the copied arrays are valid. */
  record Snapshot(int n, long[] stamps, double[] commands, double[] measured, int skip) {
    int size() {
      return stamps.length - skip;
    }

    double[] times() {
      double[] t = new double[size()];
      for (int i = 0; i < t.length; i++) {
        t[i] = (stamps[skip + i] - stamps[skip]) / 1e9;
      }
      return t;
    }

    double[] column(double[] rows, int joint) {
      double[] out = new double[size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = rows[(skip + i) * n + joint];
      }
      return out;
    }
  }

  /**
   * Fits every joint on the samples in the ring. Safe from any thread, concurrently with
   * {@link #record}; allocates and takes a while (see the class comment).
   */
  public ResponseEstimate fit() {
    Snapshot snap = snapshot();
    int m = snap.size();
    double[] t = snap.times();
    List<ResponseEstimate.Joint> joints = new ArrayList<>(n);
    for (int j = 0; j < n; j++) {
      joints.add(JointFit.fit(j, t, snap.column(snap.commands(), j), snap.column(snap.measured(), j), config));
    }
    double span = m < 2 ? 0 : t[m - 1];
    ResponseEstimate est = new ResponseEstimate(joints, m, span, m < 2 ? 0 : span / (m - 1));
    if (LOG.isDebugEnabled()) {
      LOG.debug("component=response event=fit samples={} spanS={} excited={}", m, String.format("%.2f", span),
          est.excitedJoints());
    }
    return est;
  }

  private static boolean finite(double[] v) {
    for (double x : v) {
      if (!Double.isFinite(x)) {
        return false;
      }
    }
    return true;
  }
}
