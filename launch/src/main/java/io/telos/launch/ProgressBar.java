package io.telos.launch;

import io.telos.api.GoalOutcome;
import java.io.PrintStream;
import java.util.function.Consumer;

/**
 * A terminal progress bar over goal outcomes (one plain line per goal when not on a terminal), or
 * over any other count through {@link #show(int, String)}.
 */
final class ProgressBar implements Consumer<GoalOutcome> {
  private final PrintStream out;
  private final int total;
  private final boolean terminal;
  private final boolean quiet;
  private int done;
  private int reached;

  ProgressBar(PrintStream out, int total, boolean quiet) {
    this.out = out;
    this.total = total;
    this.terminal = System.console() != null;
    this.quiet = quiet;
  }

  @Override
  public synchronized void accept(GoalOutcome o) {
    done++;
    if (o.reached()) {
      reached++;
    }
    if (quiet) {
      return;
    }
    if (terminal) {
      int width = 30;
      int filled = total == 0 ? width : done * width / total;
      out.printf("\r  [%s%s] %d/%d targets, %d reached  (%s %.2f s, %.1f mm)   ", "#".repeat(filled),
          ".".repeat(width - filled), done, total, reached, o.goalId(), o.elapsedNs() / 1e9, o.finalError() * 1000);
      if (done == total) {
        out.println();
      }
    } else {
      out.printf("  %d/%d %s %s in %.2f s (error %.1f mm)%n", done, total, o.goalId(),
          o.reached() ? "reached" : "MISSED", o.elapsedNs() / 1e9, o.finalError() * 1000);
    }
    out.flush();
  }

  /**
   * Draws {@code done} of the total {@code unit}s (e.g. seconds of an excitation); not on a terminal,
   * one line per tenth. Repeated values draw nothing.
   */
  synchronized void show(int done, String unit) {
    if (quiet || done == this.done) {
      return;
    }
    int prev = this.done;
    this.done = done;
    if (terminal) {
      int width = 30;
      int filled = total == 0 ? width : Math.min(width, done * width / total);
      out.printf("\r  [%s%s] %d/%d %s   ", "#".repeat(filled), ".".repeat(width - filled), done, total, unit);
      if (done >= total) {
        out.println();
      }
    } else {
      int tenth = Math.max(1, total / 10);
      if (done >= total || done / tenth != prev / tenth) {
        out.printf("  %d/%d %s%n", done, total, unit);
      }
    }
    out.flush();
  }
}
