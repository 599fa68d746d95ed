package io.telos.launch.memory;

import java.io.PrintWriter;

/**
 * A progress bar over steps for the {@code telos memory} commands: redrawn in place on a terminal
 * (at most 100 times), a line per 10% otherwise; nothing when quiet.
 */
final class StepProgress {
  private final PrintWriter out;
  private final String what;
  private final boolean terminal;
  private final boolean quiet;
  private long shown = -1;

  StepProgress(PrintWriter out, String what, boolean quiet) {
    this.out = out;
    this.what = what;
    this.terminal = System.console() != null;
    this.quiet = quiet;
  }

  void update(long done, long total) {
    if (quiet) {
      return;
    }
    long step = terminal ? Math.max(1, total / 100) : Math.max(1, total / 10);
    long bucket = done / step;
    if (bucket == shown && done != total) {
      return;
    }
    shown = bucket;
    int width = 30;
    int filled = total == 0 ? width : (int) (done * width / total);
    String line = String.format("  [%s%s] %d/%d %s", "#".repeat(filled), ".".repeat(width - filled), done, total,
        what);
    if (terminal) {
      out.print("\r" + line + (done == total ? "\n" : ""));
    } else {
      out.println(line);
    }
    out.flush();
  }
}
