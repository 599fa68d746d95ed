package io.telos.api;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the arm was measured to follow its commands, identified online from the command/state stream:
 * per joint a first-order lag and a dead time with their standard uncertainties, and whether the
 * response declared in the launch file ({@code robot.response}) agrees.
 *
 * @param joints joint names, chain order
 * @param lagS identified lag per joint, s; NaN for a joint that has not moved enough to tell
 * @param lagSigmaS standard uncertainty of {@code lagS}, s (NaN where unknown)
 * @param deadTimeS identified dead time per joint (command sent to state observed), s; NaN where unknown
 * @param deadTimeSigmaS standard uncertainty of {@code deadTimeS}, s (NaN where unknown)
 * @param samples command/state samples the estimate rests on
 * @param mismatches one line per joint whose declared response lies outside the estimate's
 *     confidence (e.g. {@code "shoulder: lag declared 0.4 s, identified 0.2 ± 0.01 s"}); empty when
 *     the declaration agrees, or nothing is declared
 * @param maxVelocity the speed ceiling seen per joint (a plateau of the measured speed where the
 *     lag asked for more), rad/s or m/s; +∞ where none was seen, NaN where unknown
 */
public record ResponseReport(Header header, List<String> joints, Vec lagS, Vec lagSigmaS, Vec deadTimeS,
    Vec deadTimeSigmaS, long samples, List<String> mismatches, Vec maxVelocity) implements Message {
  /** A report without speed ceilings (none seen). */
  public ResponseReport(Header header, List<String> joints, Vec lagS, Vec lagSigmaS, Vec deadTimeS,
      Vec deadTimeSigmaS, long samples, List<String> mismatches) {
    this(header, joints, lagS, lagSigmaS, deadTimeS, deadTimeSigmaS, samples, mismatches, null);
  }

  public ResponseReport {
    Objects.requireNonNull(header, "header");
    joints = List.copyOf(joints);
    int n = joints.size();
    if (maxVelocity == null) {
      double[] none = new double[n];
      Arrays.fill(none, Double.POSITIVE_INFINITY);
      maxVelocity = Vec.of(none);
    } else if (maxVelocity.size() != n) {
      throw new IllegalArgumentException("a response report has one speed ceiling per joint (" + n + "), had "
          + maxVelocity.size());
    }
    for (Vec v : List.of(lagS, lagSigmaS, deadTimeS, deadTimeSigmaS)) {
      if (v.size() != n) {
        throw new IllegalArgumentException("a response report has one value per joint (" + n + "), had " + v.size());
      }
    }
    mismatches = List.copyOf(mismatches);
  }

  /** True when the declared response disagrees with what was identified. */
  public boolean mismatch() {
    return !mismatches.isEmpty();
  }

  /** One line for logs and episodic memory: {@code lag_s=[…] dead_time_ms=[…] samples=N}. */
  public String summary() {
    StringBuilder b = new StringBuilder("lag_s=[");
    for (int i = 0; i < joints.size(); i++) {
      b.append(i == 0 ? "" : ", ").append(fmt(lagS.get(i), 1e3)).append("±").append(fmt(lagSigmaS.get(i), 1e3));
    }
    b.append("] dead_time_ms=[");
    for (int i = 0; i < joints.size(); i++) {
      b.append(i == 0 ? "" : ", ").append(fmt(deadTimeS.get(i) * 1e3, 10)).append("±")
          .append(fmt(deadTimeSigmaS.get(i) * 1e3, 10));
    }
    b.append("]");
    boolean ceiling = false;
    for (int i = 0; i < joints.size(); i++) {
      ceiling |= Double.isFinite(maxVelocity.get(i));
    }
    if (ceiling) {
      b.append(" max_velocity=[");
      for (int i = 0; i < joints.size(); i++) {
        double v = maxVelocity.get(i);
        b.append(i == 0 ? "" : ", ").append(v == Double.POSITIVE_INFINITY ? "none" : fmt(v, 1e3));
      }
      b.append("]");
    }
    b.append(" samples=").append(samples);
    if (mismatch()) {
      b.append(" mismatch: ").append(String.join("; ", mismatches));
    }
    return b.toString();
  }

  /**
   * The lag and dead time per joint, s, and the speed ceiling seen, read back from a
   * {@link #summary()} (as kept in episodic memory); NaN for a joint that had no estimate
   * ({@code ?}) and for ceilings a summary does not give, +∞ for "none". Empty when {@code summary}
   * is not one.
   *
   * @return {@code [lagS, deadTimeS, maxVelocity]}
   */
  public static Optional<double[][]> parseSummary(String summary) {
    if (summary == null) {
      return Optional.empty();
    }
    Matcher m = SUMMARY.matcher(summary);
    if (!m.lookingAt()) {
      return Optional.empty();
    }
    double[] lag = values(m.group(1), 1);
    double[] dead = values(m.group(2), 1e-3);
    if (lag == null || dead == null || lag.length != dead.length || lag.length == 0) {
      return Optional.empty();
    }
    double[] vmax = m.group(3) == null ? null : values(m.group(3), 1);
    if (vmax == null || vmax.length != lag.length) {
      vmax = new double[lag.length];
      Arrays.fill(vmax, Double.NaN);
    }
    return Optional.of(new double[][] {lag, dead, vmax});
  }

  private static final Pattern SUMMARY = Pattern.compile(
      "lag_s=\\[([^\\]]*)\\] dead_time_ms=\\[([^\\]]*)\\](?: max_velocity=\\[([^\\]]*)\\])?");

  private static double[] values(String list, double scale) {
    String[] parts = list.split(",");
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String v = parts[i].strip();
      int pm = v.indexOf('±');
      v = pm >= 0 ? v.substring(0, pm) : v;
      if (v.equals("?")) {
        out[i] = Double.NaN;
        continue;
      }
      if (v.equals("none")) {
        out[i] = Double.POSITIVE_INFINITY;
        continue;
      }
      try {
        out[i] = Double.parseDouble(v) * scale;
      } catch (NumberFormatException e) {
        return null;
      }
      if (!Double.isFinite(out[i])) {
        return null;
      }
    }
    return out;
  }

  private static String fmt(double v, double scale) {
    return Double.isFinite(v) ? Double.toString(Math.round(v * scale) / scale) : "?";
  }
}
