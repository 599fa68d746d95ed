package io.telos.runtime;

import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Prometheus text exposition (format 0.0.4) of a running agent's figures. */
final class Metrics {
  private final StringBuilder sb = new StringBuilder(2048);
  private final String robot;

  /** Every series carries {@code robot="<robotId>"}. */
  Metrics(String robotId) {
    this.robot = "robot=\"" + escape(robotId) + "\"";
  }

  Metrics counter(String name, String help, long value) {
    header(name, help, "counter");
    sb.append(name).append('{').append(robot).append("} ").append(value).append('\n');
    return this;
  }

  Metrics gauge(String name, String help, double value) {
    header(name, help, "gauge");
    sb.append(name).append('{').append(robot).append("} ").append(fmt(value)).append('\n');
    return this;
  }

  Metrics labelled(String name, String help, String type, String label, Map<String, ? extends Number> values) {
    header(name, help, type);
    values.forEach((k, v) -> sb.append(name).append('{').append(robot).append(',').append(label).append("=\"")
        .append(escape(k)).append("\"} ")
        .append(v).append('\n'));
    return this;
  }

  /** A summary in seconds from a histogram recorded in microseconds. */
  Metrics summaryUs(String name, String help, Histogram h) {
    header(name, help, "summary");
    for (double q : new double[] {0.5, 0.99, 0.999}) {
      double v = h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(q * 100) / 1e6;
      sb.append(name).append('{').append(robot).append(",quantile=\"").append(q).append("\"} ").append(fmt(v))
          .append('\n');
    }
    sb.append(name).append("_count{").append(robot).append("} ").append(h.getTotalCount()).append('\n');
    return this;
  }

  private void header(String name, String help, String type) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.6f", v);
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  @Override
  public String toString() {
    return sb.toString();
  }
}
