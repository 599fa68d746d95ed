package io.telos.launch;

import io.telos.api.JointCommand;
import io.telos.api.Mode;
import io.telos.api.spi.ForwardingRobotHardware;
import io.telos.api.spi.RobotHardware;
import java.util.ArrayList;
import java.util.List;

/** Test wrapper around a bridge: keeps every command the safety kernel writes, with its write time. */
final class CommandLog extends ForwardingRobotHardware {
  /** One written command: System.nanoTime() at write, the mode, positions and velocities. */
  record Entry(long nanos, Mode mode, double[] position, double[] velocity) {}

  private final List<Entry> entries = new ArrayList<>();
  /** Epoch nanoseconds minus System.nanoTime(), to compare write times with other clocks (a browser's). */
  final long epochOffsetNs;

  CommandLog(RobotHardware inner) {
    super(inner);
    java.time.Instant now = java.time.Instant.now();
    long nano = System.nanoTime();
    this.epochOffsetNs = now.getEpochSecond() * 1_000_000_000L + now.getNano() - nano;
  }

  @Override
  public void write(JointCommand c) {
    long t = System.nanoTime();
    synchronized (entries) {
      entries.add(new Entry(t, c.mode(), c.position().toArray(), c.velocity().toArray()));
    }
    super.write(c);
  }

  List<Entry> snapshot() {
    synchronized (entries) {
      return List.copyOf(entries);
    }
  }

  /** The first command written at or after {@code nanos} that satisfies {@code p}, or null. */
  Entry firstAfter(long nanos, java.util.function.Predicate<Entry> p) {
    synchronized (entries) {
      for (int i = entries.size() - 1; i >= 0; i--) {
        if (entries.get(i).nanos() < nanos) {
          for (int k = i + 1; k < entries.size(); k++) {
            if (p.test(entries.get(k))) {
              return entries.get(k);
            }
          }
          return null;
        }
      }
      for (Entry e : entries) {
        if (p.test(e)) {
          return e;
        }
      }
      return null;
    }
  }

  /**
   * Largest per-joint step between consecutive commands where the mode changes from {@code from}
   * to {@code to} (rad), or NaN if that transition is not in the log.
   */
  double jumpAt(Mode from, Mode to) {
    double worst = Double.NaN;
    synchronized (entries) {
      for (int k = 1; k < entries.size(); k++) {
        Entry a = entries.get(k - 1);
        Entry b = entries.get(k);
        if (a.mode() == from && b.mode() == to) {
          double m = 0;
          for (int j = 0; j < a.position().length; j++) {
            m = Math.max(m, Math.abs(b.position()[j] - a.position()[j]));
          }
          worst = Double.isNaN(worst) ? m : Math.max(worst, m);
        }
      }
    }
    return worst;
  }
}
