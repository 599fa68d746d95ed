package io.telos.perception.response;

import io.telos.api.Header;
import io.telos.api.ResponseReport;
import io.telos.api.Vec;
import io.telos.api.spi.ResponseIdentifier;
import io.telos.model.ActuatorResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The runtime's online identification ({@link ResponseIdentifier}) on a {@link ResponseEstimator}:
 * the servo loop records, a worker fits about once a second and the fit is judged against the
 * response the launch file declares.
 *
 * <p>A declared response (not ideal) disagrees when a lag, a dead time or their sum lies outside
 * the estimate's agreement band, by default with the floors of a recording made through a
 * transport ({@link ResponseEstimate.Tolerance#TRANSPORT}; lock-step runs judge directly). With nothing declared the arm is assumed to
 * follow at once; it disagrees when a joint's identified {@code τ + d} exceeds
 * {@value #UNDECLARED_TOLERANCE_S} s. That is little, and still matters: over ROS 2 a
 * position-only controller whose arm trails by 23 ms took the undeclared planner 3.14 s per target
 * and the declared one 1.61 s; an arm that follows at once identifies at 0–1 ms over MQTT.
 */
public final class OnlineResponseIdentifier implements ResponseIdentifier {
  /** With nothing declared, the largest identified τ + d that is not reported, s. */
  public static final double UNDECLARED_TOLERANCE_S = 0.015;

  /** Samples kept per second online (states arriving faster are thinned to this rate). */
  public static final double RATE_HZ = 250;

  /**
   * The estimator's settings online: the last 10 s at {@value #RATE_HZ} Hz, dead times up to 120 ms
   * on a 2 ms grid — a fit costs tens of milliseconds on a core other than the servo loop's.
   */
  public static final ResponseEstimator.Config ONLINE = new ResponseEstimator.Config(10, RATE_HZ, 0.120, 0.002);

  private final List<String> joints;
  private volatile ActuatorResponse declared;
  private final ResponseEstimator estimator;

  /**
   * @param joints joint names, chain order
   * @param declared the response the launch file declares (ideal when none)
   */
  /** Judging a declaration with the floors of a recording made through a transport. */
  public OnlineResponseIdentifier(List<String> joints, ActuatorResponse declared) {
    this(joints, declared, new ResponseEstimator(joints.size(), ONLINE), ResponseEstimate.Tolerance.TRANSPORT);
  }

  /**
   * @param tolerance how a declaration is judged: {@link ResponseEstimate.Tolerance#DIRECT} when
   *     the states are recorded without a transport (lock-step simulation), else
   *     {@link ResponseEstimate.Tolerance#TRANSPORT}
   */
  public OnlineResponseIdentifier(List<String> joints, ActuatorResponse declared,
      ResponseEstimate.Tolerance tolerance) {
    this(joints, declared, new ResponseEstimator(joints.size(), ONLINE), tolerance);
  }


  private final ResponseEstimate.Tolerance tolerance;
  private static final long MIN_SPACING_NS = (long) (1e9 / RATE_HZ) - 100_000; // a little jitter is fine
  private long lastRecordedNs = Long.MIN_VALUE;

  public OnlineResponseIdentifier(List<String> joints, ActuatorResponse declared, ResponseEstimator estimator) {
    this(joints, declared, estimator, ResponseEstimate.Tolerance.TRANSPORT);
  }

  public OnlineResponseIdentifier(List<String> joints, ActuatorResponse declared, ResponseEstimator estimator,
      ResponseEstimate.Tolerance tolerance) {
    this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
    this.joints = List.copyOf(joints);
    this.declared = Objects.requireNonNull(declared, "declared");
    this.estimator = Objects.requireNonNull(estimator, "estimator");
    if (declared.size() != joints.size() || estimator.joints() != joints.size()) {
      throw new IllegalArgumentException("identifier for " + joints.size() + " joints, declared response "
          + declared.size() + ", estimator " + estimator.joints());
    }
  }

  /**
   * Judges the estimates from now on against {@code response}: the runtime calls it when it has
   * adopted what was identified ({@code robot.response.adapt}), so the adopted response is not
   * reported as a mismatch. Safe from any thread.
   */
  public void declare(ActuatorResponse response) {
    if (response.size() != joints.size()) {
      throw new IllegalArgumentException("response for " + response.size() + " joints, identifier for " + joints.size());
    }
    declared = response;
  }

  /** The response the estimates are judged against. */
  public ActuatorResponse declared() {
    return declared;
  }

  @Override
  public void record(long stampNs, double[] commandPosition, double[] measuredPosition) {
    if (lastRecordedNs != Long.MIN_VALUE && stampNs - lastRecordedNs < MIN_SPACING_NS) {
      return;
    }
    lastRecordedNs = stampNs;
    estimator.record(stampNs, commandPosition, measuredPosition);
  }

  @Override
  public ResponseReport identify(Header header) {
    ResponseEstimate e = estimator.fit();
    if (e.excitedJoints() == 0) {
      return null;
    }
    int n = joints.size();
    double[] lag = new double[n];
    double[] lagSigma = new double[n];
    double[] dead = new double[n];
    double[] deadSigma = new double[n];
    double[] vmax = new double[n];
    for (ResponseEstimate.Joint j : e.joints()) {
      int i = j.joint();
      vmax[i] = j.excited() ? j.maxVelocity() : Double.NaN;
      lag[i] = j.lagS();
      lagSigma[i] = j.lagSigmaS();
      dead[i] = j.deadTimeS();
      deadSigma[i] = j.deadTimeSigmaS();
    }
    return new ResponseReport(header, joints, Vec.of(lag), Vec.of(lagSigma), Vec.of(dead), Vec.of(deadSigma),
        e.samples(), mismatches(e), Vec.of(vmax));
  }

  /** One line per disagreeing quantity, naming the joint. */
  List<String> mismatches(ResponseEstimate e) {
    List<String> out = new ArrayList<>();
    ActuatorResponse declared = this.declared;
    if (declared.isIdeal()) {
      for (ResponseEstimate.Joint j : e.joints()) {
        if (j.excited() && j.lagS() + j.deadTimeS() > UNDECLARED_TOLERANCE_S) {
          out.add(String.format(Locale.ROOT, "%s: no response declared, identified lag %.3f s and dead time %.0f ms"
              + " (declared, the planner plans for it instead of trailing it)", joints.get(j.joint()), j.lagS(),
              j.deadTimeS() * 1e3));
        }
      }
      return out;
    }
    for (ResponseEstimate.Mismatch m : e.compare(declared, tolerance).mismatches()) {
      boolean lag = m.key().equals("lag_s");
      out.add(String.format(Locale.ROOT, "%s: %s declared %s, identified %s ± %s", joints.get(m.joint()), m.key(),
          fmt(m.declared(), lag), fmt(m.estimated(), lag), fmt(m.band(), lag)));
    }
    return out;
  }

  private static String fmt(double v, boolean seconds) {
    return seconds ? String.format(Locale.ROOT, "%.3f s", v) : String.format(Locale.ROOT, "%.1f ms", v);
  }
}
