package io.telos.bridge.common;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Percentiles of one-way latencies and a printed table comparing paths side by side, with the
 * ratio of a bridge's path to the native one (on a noisy machine only ratios are stable).
 */
public final class BenchStats {
  /** One path: its sorted latencies and how many messages were sent and delivered. */
  public record Row(String path, long[] sortedNs, long sent, long delivered) {
    /** The {@code p} quantile (0..1, nearest rank), ns; -1 when empty. */
    public long pct(double p) {
      if (sortedNs.length == 0) {
        return -1;
      }
      int i = (int) Math.ceil(p * sortedNs.length) - 1;
      return sortedNs[Math.max(0, Math.min(sortedNs.length - 1, i))];
    }

    /** Messages sent but not delivered, %. */
    public double lossPct() {
      return sent == 0 ? 100 : 100.0 * (sent - delivered) / sent;
    }
  }

  private final String title;
  private final List<Row> rows = new ArrayList<>();

  public BenchStats(String title) {
    this.title = title;
  }

  /** {@code samplesNs} are the measured latencies (warm-up excluded); loss counts the whole stream. */
  public Row add(String path, long[] samplesNs, int count, long sent, long delivered) {
    long[] s = Arrays.copyOf(samplesNs, count);
    Arrays.sort(s);
    Row r = new Row(path, s, sent, delivered);
    rows.add(r);
    return r;
  }

  /** The table of every row added, then the ratio of {@code bridge} to {@code nativeRow} at each percentile. */
  public String table(Row bridge, Row nativeRow) {
    StringBuilder b = new StringBuilder("\n").append(title).append('\n');
    b.append(String.format(Locale.ROOT, "| %-50s | %6s | %9s | %9s | %9s | %9s | %7s |%n", "path", "n", "p50 us",
        "p99 us", "p99.9 us", "max us", "loss %"));
    b.append("|").append("-".repeat(52)).append("|--------|-----------|-----------|-----------|-----------|---------|\n");
    for (Row r : rows) {
      b.append(String.format(Locale.ROOT, "| %-50s | %6d | %9.1f | %9.1f | %9.1f | %9.1f | %7.2f |%n", r.path(),
          r.sortedNs().length, r.pct(0.50) / 1e3, r.pct(0.99) / 1e3, r.pct(0.999) / 1e3, r.pct(1.0) / 1e3,
          r.lossPct()));
    }
    b.append(String.format(Locale.ROOT, "| %-50s | %6s | %9.2f | %9.2f | %9.2f | %9.2f | %7s |%n",
        "ratio bridge / native", "", ratio(bridge, nativeRow, 0.5), ratio(bridge, nativeRow, 0.99),
        ratio(bridge, nativeRow, 0.999), ratio(bridge, nativeRow, 1.0), ""));
    return b.toString();
  }

  private static double ratio(Row a, Row b, double p) {
    long d = b.pct(p);
    return d <= 0 ? Double.NaN : (double) a.pct(p) / d;
  }
}
