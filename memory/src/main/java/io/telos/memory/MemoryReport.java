package io.telos.memory;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** Plain-text reports for the CLI ({@code telos memory stats|list}). Blocking: they read the store. */
public final class MemoryReport {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private MemoryReport() {}

  /** Totals, one {@code key: value} per line. */
  public static String stats(EpisodeStore store) {
    StoreStats s = store.stats();
    return "episodes: " + s.episodes() + " (" + s.openEpisodes() + " open)\n"
        + "steps:    " + s.steps() + "\n"
        + "gaps:     " + s.gaps() + (s.gaps() == 0 ? "" : " (steps lost: queue full or failed writes)") + "\n"
        + "size:     " + size(s.bytes()) + "\n";
  }

  /**
   * The newest {@code limit} episodes as a table, newest first. Column {@code kind} is {@code demo}
   * for a demonstration (an operator drove the arm, {@link EpisodeMeta#operator()}), else
   * {@code auto}.
   */
  public static String list(EpisodeStore store, int limit) {
    List<EpisodeSummary> eps = store.listEpisodes(limit);
    if (eps.isEmpty()) {
      return "no episodes\n";
    }
    StringBuilder b = new StringBuilder();
    String fmt = "%6s  %-20s  %-10s  %-5s  %8s  %6s  %9s  %-14s  %-8s  %s%n";
    b.append(String.format(Locale.ROOT, fmt, "id", "recorded (UTC)", "outcome", "kind", "steps", "gaps", "seconds",
        "policy", "robot", "goal"));
    for (EpisodeSummary e : eps) {
      b.append(String.format(Locale.ROOT, fmt, e.id(), e.recordedAt() == null ? "-" : WHEN.format(e.recordedAt()),
          e.isOpen() ? "open" : e.outcome().label(), e.meta().operator() ? "demo" : "auto", e.steps(), e.gaps(),
          e.isOpen() ? "-" : String.format(Locale.ROOT, "%.3f", e.durationS()),
          driver(e.meta()),
          e.meta().robotId(), e.meta().goalId()));
    }
    return b.toString();
  }

  private static String driver(EpisodeMeta m) {
    String p = m.policy().isEmpty() ? "" : m.policy();
    if (m.operator()) {
      return p.isEmpty() ? "operator" : p + "+operator";
    }
    return p.isEmpty() ? "-" : p;
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
