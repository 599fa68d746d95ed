package io.telos.launch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.telos.api.GoalOutcome;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.TaskSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The end-of-run summary, as text or as one JSON object. */
final class Summary {
  private Summary() {}

  static Map<String, Object> toMap(RunReport r, String clock) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("success_rate", round(r.successRate(), 4));
    m.put("targets", r.outcomes().size());
    m.put("reached", r.reached());
    m.put("limit_violations", r.limitViolations());
    double[] times = r.outcomes().stream().filter(GoalOutcome::reached).mapToDouble(o -> o.elapsedNs() / 1e9)
        .sorted().toArray();
    Map<String, Object> ttt = new LinkedHashMap<>();
    ttt.put("mean", round(Arrays.stream(times).average().orElse(Double.NaN), 3));
    ttt.put("p95", round(percentile(times, 0.95), 3));
    m.put("time_to_target_s", ttt);
    m.put("final_error_mm", round(r.outcomes().stream().mapToDouble(GoalOutcome::finalError).max().orElse(0) * 1000, 3));
    m.put("servo_period_us", percentiles(r.servoPeriodUs(), true));
    m.put("servo_tick_us", percentiles(r.servoTickUs(), true));
    m.put("planner_step_us", percentiles(r.plannerStepUs(), false));
    m.put("servo_ticks", r.servoTicks());
    m.put("faults", r.faults());
    m.put("clock", clock);
    m.put("simulated_s", round(r.simulatedSeconds(), 3));
    m.put("wall_s", round(r.wallSeconds(), 3));
    m.put("command_hash", Long.toHexString(r.commandHash()));
    return m;
  }

  static String json(RunReport r, String clock) {
    try {
      return new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toMap(r, clock));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String tolerance(TaskSpec task) {
    if (task.type().equals("reach_recalled")) {
      return String.format("%.3g rad", task.toleranceRad());
    }
    double m = task.toleranceM();
    return m >= 0.01 ? String.format("%.3g cm", m * 100) : String.format("%.3g mm", m * 1000);
  }

  /** @param task what was asked: its goals' tolerance is printed in metres, or radians for joint-space goals */
  @SuppressWarnings("unchecked")
  static String text(RunReport r, String clock, TaskSpec task) {
    Map<String, Object> m = toMap(r, clock);
    Map<String, Object> ttt = (Map<String, Object>) m.get("time_to_target_s");
    Map<String, Object> per = (Map<String, Object>) m.get("servo_period_us");
    Map<String, Object> plan = (Map<String, Object>) m.get("planner_step_us");
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%n  targets reached      %d / %d   (success rate %.2f, within %s)%n", r.reached(),
        r.outcomes().size(), r.successRate(),
        tolerance(task)));
    sb.append(String.format("  time to target       mean %s s   p95 %s s%n", fmt(ttt.get("mean")), fmt(ttt.get("p95"))));
    sb.append(String.format("  limit violations     %d%n", r.limitViolations()));
    if (r.servoPeriodUs().getTotalCount() > 0) {
      sb.append(String.format("  safety-kernel period p50 %s µs   p99 %s µs   p99.9 %s µs   (%d ticks)%n", per.get("p50"),
          per.get("p99"), per.get("p99_9"), r.servoTicks()));
    } else {
      sb.append(String.format("  safety-kernel period %d µs simulated, lock-step (%d ticks); tick compute p99 %s µs%n",
          1000, r.servoTicks(), ((Map<String, Object>) m.get("servo_tick_us")).get("p99")));
    }
    sb.append(String.format("  planner step         p50 %s µs   p99 %s µs%n", plan.get("p50"), plan.get("p99")));
    sb.append(String.format("  faults               %s%n", r.faults().isEmpty() ? "none" : r.faults()));
    sb.append(String.format("  clock                %s: %.1f s simulated in %.1f s wall%n", clock, r.simulatedSeconds(),
        r.wallSeconds()));
    return sb.toString();
  }

  private static String fmt(Object v) {
    return v instanceof Double d ? String.format("%.2f", d) : "n/a";
  }

  static Map<String, Object> percentiles(Histogram h, boolean withTail) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (h.getTotalCount() == 0) {
      m.put("p50", null);
      m.put("p99", null);
      if (withTail) {
        m.put("p99_9", null);
      }
      m.put("count", 0);
      return m;
    }
    m.put("p50", h.getValueAtPercentile(50));
    m.put("p99", h.getValueAtPercentile(99));
    if (withTail) {
      m.put("p99_9", h.getValueAtPercentile(99.9));
    }
    m.put("max", h.getMaxValue());
    m.put("count", h.getTotalCount());
    return m;
  }

  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static Double round(double v, int digits) {
    if (!Double.isFinite(v)) {
      return null;
    }
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
