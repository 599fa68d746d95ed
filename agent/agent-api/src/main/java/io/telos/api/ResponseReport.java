package io.telos.api;

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
 */
public record ResponseReport(Header header, List<String> joints, Vec lagS, Vec lagSigmaS, Vec deadTimeS,
    Vec deadTimeSigmaS, long samples, List<String> mismatches) implements Message {
  public ResponseReport {
    Objects.requireNonNull(header, "header");
    joints = List.copyOf(joints);
    int n = joints.size();
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
    b.append("] samples=").append(samples);
    if (mismatch()) {
      b.append(" mismatch: ").append(String.join("; ", mismatches));
    }
    return b.toString();
  }

  /**
   * The lag and dead time per joint, s, read back from a {@link #summary()} (as kept in episodic
   * memory); NaN for a joint that had no estimate ({@code ?}). Empty when {@code summary} is not one.
   *
   * @return {@code [lagS, deadTimeS]}
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
    return Optional.of(new double[][] {lag, dead});
  }

  private static final Pattern SUMMARY = Pattern.compile("lag_s=\\[([^\\]]*)\\] dead_time_ms=\\[([^\\]]*)\\]");

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
