package io.telos.bridge.ros2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Percentiles of one-way latencies from a sorted {@code long[]} and a printed comparison table. */
final class BenchStats {
  record Row(String path, long[] sortedNs, long sent, long delivered) {
    long pct(double p) {
      if (sortedNs.length == 0) {
        return -1;
      }
      int i = (int) Math.ceil(p * sortedNs.length) - 1;
      return sortedNs[Math.max(0, Math.min(sortedNs.length - 1, i))];
    }

    double lossPct() {
      return sent == 0 ? 100 : 100.0 * (sent - delivered) / sent;
    }
  }

  private final String title;
  private final List<Row> rows = new ArrayList<>();

  BenchStats(String title) {
    this.title = title;
  }

  /** {@code samplesNs} are the measured latencies (warm-up excluded); loss counts the whole stream. */
  Row add(String path, long[] samplesNs, int count, long sent, long delivered) {
    long[] s = Arrays.copyOf(samplesNs, count);
    Arrays.sort(s);
    Row r = new Row(path, s, sent, delivered);
    rows.add(r);
    return r;
  }

  String table(Row bridge, Row nativeRow) {
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
