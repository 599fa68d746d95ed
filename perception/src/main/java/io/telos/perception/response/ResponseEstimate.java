package io.telos.perception.response;

import io.telos.model.ActuatorResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@link ResponseEstimator#fit()} found: per joint (chain order) the lag and dead time with
 * their standard uncertainties, or no estimate for a joint that was not excited enough.
 *
 * @param joints one entry per joint, chain order
 * @param samples samples the fit used (the ring's content)
 * @param spanS time the samples cover, s
 * @param meanStepS mean time between samples, s
 */
public record ResponseEstimate(List<Joint> joints, int samples, double spanS, double meanStepS) {
  /**
   * Relative half-width of the band within which a declared value agrees with an estimate, beyond
   * its statistical uncertainty: the first-order model is itself an approximation of an arm.
   */
  public static final double MODEL_TOLERANCE = 0.2;
  /** Smallest band for a lag, s. */
  public static final double MIN_LAG_BAND_S = 0.002;
  /** Smallest band for a dead time, s. */
  public static final double MIN_DEAD_TIME_BAND_S = 0.003;
  /** Standard uncertainties a declared value may be away from the estimate. */
  public static final double SIGMAS = 3;

  public ResponseEstimate {
    joints = List.copyOf(joints);
    for (int i = 0; i < joints.size(); i++) {
      if (joints.get(i).joint() != i) {
        throw new IllegalArgumentException("joints: entry " + i + " is for joint " + joints.get(i).joint());
      }
    }
    if (samples < 0) {
      throw new IllegalArgumentException("samples: must be >= 0, was " + samples);
    }
  }

  /**
   * One joint.
   *
   * @param joint index in chain order
   * @param excited whether the joint moved enough to say anything; when false the numbers are NaN
   *     and {@code note} says why
   * @param lagS first-order lag τ, s
   * @param lagSigmaS standard uncertainty of τ, s
   * @param deadTimeS dead time d, s (≥ 0)
   * @param deadTimeSigmaS standard uncertainty of d, s
   * @param maxVelocity speed ceiling seen (rad/s or m/s), {@link Double#POSITIVE_INFINITY} when none
   * @param informativeSamples samples whose drive {@code c(t − d) − q} stood out of the noise
   * @param saturatedSamples samples left out because the joint moved at its speed ceiling
   * @param note why there is no estimate (empty when excited)
   */
  public record Joint(int joint, boolean excited, double lagS, double lagSigmaS, double deadTimeS,
      double deadTimeSigmaS, double maxVelocity, int informativeSamples, int saturatedSamples, String note) {
    public Joint {
      Objects.requireNonNull(note, "note");
      if (joint < 0) {
        throw new IllegalArgumentException("joint: must be >= 0, was " + joint);
      }
      if (excited) {
        if (!(lagS >= 0) || !(lagSigmaS >= 0) || !(deadTimeS >= 0) || !(deadTimeSigmaS >= 0)) {
          throw new IllegalArgumentException("joint " + joint + ": an estimate needs lag_s, dead time and their"
              + " uncertainties >= 0, was lag " + lagS + " ± " + lagSigmaS + ", dead time " + deadTimeS + " ± "
              + deadTimeSigmaS);
        }
        if (!(maxVelocity > 0)) {
          throw new IllegalArgumentException("joint " + joint + ": max_velocity must be > 0, was " + maxVelocity);
        }
      }
    }

    /** No estimate, for the reason given. */
    static Joint none(int joint, String why) {
      return new Joint(joint, false, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.POSITIVE_INFINITY, 0, 0,
          why);
    }

    /** Half-width of the band around the lag that a declared lag must be inside, s. */
    public double lagBandS() {
      return Math.max(SIGMAS * lagSigmaS, Math.max(MODEL_TOLERANCE * lagS, MIN_LAG_BAND_S));
    }

    /** Half-width of the band around the dead time that a declared dead time must be inside, s. */
    public double deadTimeBandS() {
      return Math.max(SIGMAS * deadTimeSigmaS, Math.max(MODEL_TOLERANCE * deadTimeS, MIN_DEAD_TIME_BAND_S));
    }
  }

  /** Joints with an estimate. */
  public int excitedJoints() {
    int k = 0;
    for (Joint j : joints) {
      if (j.excited()) {
        k++;
      }
    }
    return k;
  }

  /** Whether every joint has an estimate. */
  public boolean complete() {
    return excitedJoints() == joints.size();
  }

  /**
   * The estimate as a response.
   *
   * @throws IllegalStateException when a joint has no estimate (naming the joints); use
   *     {@link #toResponse(ActuatorResponse)} to fill those in
   */
  public ActuatorResponse toResponse() {
    List<Integer> missing = new ArrayList<>();
    for (Joint j : joints) {
      if (!j.excited()) {
        missing.add(j.joint());
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("no estimate for joints " + missing + " (not excited)");
    }
    return toResponse(ActuatorResponse.ideal(joints.size()));
  }

  /** The estimate as a response, with {@code fallback}'s values for the joints without an estimate. */
  public ActuatorResponse toResponse(ActuatorResponse fallback) {
    if (fallback.size() != joints.size()) {
      throw new IllegalArgumentException("fallback response has " + fallback.size() + " joints, estimate "
          + joints.size());
    }
    int n = joints.size();
    double[] lag = new double[n];
    double[] dead = new double[n];
    double[] vmax = new double[n];
    for (Joint j : joints) {
      int i = j.joint();
      lag[i] = j.excited() ? Math.min(j.lagS(), ActuatorResponse.MAX_LAG_S) : fallback.lagS(i);
      dead[i] = j.excited() ? Math.min(j.deadTimeS(), ActuatorResponse.MAX_DEAD_TIME_S) : fallback.deadTimeS(i);
      vmax[i] = j.excited() ? j.maxVelocity() : fallback.maxVelocity(i);
    }
    return new ActuatorResponse(lag, dead, vmax);
  }

  /**
   * One quantity of one joint where a declared response disagrees with the estimate.
   *
   * @param key {@code lag_s} or {@code dead_time_ms}
   * @param declared the declared value, in the key's unit
   * @param estimated the estimate, in the key's unit
   * @param band the half-width of the agreement band, in the key's unit
   */
  public record Mismatch(int joint, String key, double declared, double estimated, double band) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "joint %d: %s declared %.4g, estimated %.4g (agreement band ± %.2g)", joint, key,
          declared, estimated, band);
    }
  }

  /**
   * How far a declared response may be from an estimate, beyond the statistical and model bands.
   *
   * @param lagFloorS smallest band for a lag, s
   * @param deadTimeFloorS smallest band for a dead time, s
   * @param responseTimeFloorS smallest band for the response time (lag + dead time), s; infinite
   *     leaves the response time unchecked
   */
  public record Tolerance(double lagFloorS, double deadTimeFloorS, double responseTimeFloorS) {
    /**
     * A recording of the arm's own commands and states (in process, lock-step, or at the
     * controller): lag and dead time are told apart to a few milliseconds.
     */
    public static final Tolerance DIRECT = new Tolerance(MIN_LAG_BAND_S, MIN_DEAD_TIME_BAND_S,
        Double.POSITIVE_INFINITY);

    /**
     * A recording made through a transport (MQTT, DDS), as the running agent makes it: the
     * transport adds its delay and jitter to the dead time, and a short lag trades against a
     * dead time of the same size, so each is judged only to 20 ms; their sum, which sets how far
     * the arm trails a moving command, is told apart to 8 ms.
     */
    public static final Tolerance TRANSPORT = new Tolerance(0.02, 0.02, 0.008);

    public Tolerance {
      if (!(lagFloorS >= 0) || !(deadTimeFloorS >= 0) || !(responseTimeFloorS >= 0)) {
        throw new IllegalArgumentException("tolerance floors must be >= 0, were " + lagFloorS + ", " + deadTimeFloorS
            + ", " + responseTimeFloorS);
      }
    }
  }

  /**
   * How a declared response compares with the estimate.
   *
   * @param mismatches the quantities outside the estimate's band
   * @param unchecked joints without an estimate (nothing said about them)
   */
  public record Comparison(List<Mismatch> mismatches, List<Integer> unchecked) {
    public Comparison {
      mismatches = List.copyOf(mismatches);
      unchecked = List.copyOf(unchecked);
    }

    /** True when no checked quantity is outside its band. */
    public boolean agrees() {
      return mismatches.isEmpty();
    }
  }

  /**
   * Compares a declared response with this estimate: a declared lag or dead time is a mismatch when
   * it is farther from the estimate than the larger of {@value #SIGMAS} standard uncertainties and
   * {@link #MODEL_TOLERANCE} of the estimate (at least {@link #MIN_LAG_BAND_S} /
   * {@link #MIN_DEAD_TIME_BAND_S}). Joints without an estimate are not checked.
   */
  public Comparison compare(ActuatorResponse declared) {
    return compare(declared, Tolerance.DIRECT);
  }

  /**
   * Compares as {@link #compare(ActuatorResponse)} with the floors of {@code tolerance}; when it
   * checks the response time, a declared {@code lag_s + dead_time} farther from the estimate's
   * than its band is a mismatch of key {@code response_time_ms}.
   */
  public Comparison compare(ActuatorResponse declared, Tolerance tolerance) {
    if (declared.size() != joints.size()) {
      throw new IllegalArgumentException("declared response has " + declared.size() + " joints, estimate "
          + joints.size());
    }
    List<Mismatch> out = new ArrayList<>();
    List<Integer> unchecked = new ArrayList<>();
    for (Joint j : joints) {
      int i = j.joint();
      if (!j.excited()) {
        unchecked.add(i);
        continue;
      }
      double lagBand = Math.max(j.lagBandS(), tolerance.lagFloorS());
      if (Math.abs(declared.lagS(i) - j.lagS()) > lagBand) {
        out.add(new Mismatch(i, "lag_s", declared.lagS(i), j.lagS(), lagBand));
      }
      double deadBand = Math.max(j.deadTimeBandS(), tolerance.deadTimeFloorS());
      if (Math.abs(declared.deadTimeS(i) - j.deadTimeS()) > deadBand) {
        out.add(new Mismatch(i, "dead_time_ms", declared.deadTimeS(i) * 1e3, j.deadTimeS() * 1e3, deadBand * 1e3));
      }
      if (Double.isFinite(tolerance.responseTimeFloorS())) {
        double total = j.lagS() + j.deadTimeS();
        double sigma = Math.hypot(j.lagSigmaS(), j.deadTimeSigmaS());
        double band = Math.max(SIGMAS * sigma, Math.max(MODEL_TOLERANCE * total, tolerance.responseTimeFloorS()));
        double said = declared.lagS(i) + declared.deadTimeS(i);
        if (Math.abs(said - total) > band) {
          out.add(new Mismatch(i, "response_time_ms", said * 1e3, total * 1e3, band * 1e3));
        }
      }
    }
    return new Comparison(out, unchecked);
  }

  /** The {@code robot.response} launch-file section for this estimate, {@code fallback} for joints without one. */
  public String toYaml(ActuatorResponse fallback) {
    ActuatorResponse r = toResponse(fallback);
    StringBuilder lag = new StringBuilder();
    StringBuilder dead = new StringBuilder();
    for (int i = 0; i < r.size(); i++) {
      String sep = i == 0 ? "" : ", ";
      lag.append(sep).append(String.format(Locale.ROOT, "%.3f", r.lagS(i)));
      dead.append(sep).append(String.format(Locale.ROOT, "%.0f", r.deadTimeS(i) * 1e3));
    }
    StringBuilder sb = new StringBuilder();
    sb.append("robot:\n  response:\n");
    sb.append("    lag_s: [").append(lag).append("]\n");
    sb.append("    dead_time_ms: [").append(dead).append("]\n");
    for (Joint j : joints) {
      if (j.excited() && Double.isFinite(j.maxVelocity())) {
        sb.append(String.format(Locale.ROOT, "    # joint %d moved at a speed ceiling of %.3g\n", j.joint(),
            j.maxVelocity()));
      }
      if (!j.excited()) {
        sb.append(String.format(Locale.ROOT, "    # joint %d: no estimate (%s); the value above is the fallback\n",
            j.joint(), j.note()));
      }
    }
    return sb.toString();
  }
}
