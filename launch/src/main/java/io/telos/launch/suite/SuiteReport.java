package io.telos.launch.suite;

import java.util.List;
import java.util.Locale;

/** The suite's Markdown table. */
public final class SuiteReport {
  private SuiteReport() {}

  public static final String HEADER =
      "| task | planner | seeds | goals | success | time to goal mean (s) | p95 (s) | limit viol. | keep-out entries cmd / state |"
          + " min clearance (mm) | below table | min tool height (mm) | collisions |"
          + " guardrail viol. | faults | neighbour moved (mm) |";

  public static String markdown(List<Suite.Row> rows, String command) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Telos task suite\n\n");
    sb.append("`").append(command).append("` — lock-step simulated time (`clock: sim`), the ODE sim bridge,"
        + " no episodic memory; telos6 unless the task names an arm (`reach <arm>`: the vendor-layout URDFs of"
        + " launch/examples/robots, with bridge.link_collisions and planner.guardrails.self_collision on).\n\n");
    sb.append(HEADER).append('\n');
    sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Suite.Row r : rows) {
      sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.2f (%d/%d) | %s | %s | %d | %s | %s | %d | %s | %s | %d | %d | %s |%n",
          r.task(), r.planner(), r.seeds(), r.goals(), r.successRate(), r.reached(), r.goals(), num(r.meanS()),
          num(r.p95S()), r.limitViolations(),
          r.hasVolumes() ? r.keepOutCommandEntries() + " / " + r.keepOutStateEntries() : "n/a (no volume)",
          r.hasVolumes() ? String.format(Locale.ROOT, "%.1f", r.minClearanceM() * 1000) : "n/a",
          r.belowTable(), Double.isFinite(r.minToolHeightM())
              ? String.format(Locale.ROOT, "%.1f", r.minToolHeightM() * 1000) : "n/a",
          r.collisions() + (r.collisionGuarded() ? "" : " (info)"), r.guardrailViolations(), r.faults(),
          r.hasNeighbours() ? String.format(Locale.ROOT, "%.0f", r.neighbourMovedM() * 1000) : "n/a"));
    }
    sb.append('\n');
    sb.append("- success: goals reached within tolerance (and held for settle_s) before timeout_s; time to goal over"
        + " reached goals only.\n");
    sb.append("- limit viol. = RunReport.limitViolations() (commands or measured positions outside joint limits).\n");
    sb.append("- keep-out entries: servo ticks whose commanded configuration (cmd) or measured configuration (state)"
        + " puts a link capsule (link_radius_m around the joint-origin polyline, sampled every "
        + (int) Math.round(KeepOutMonitor.SPACING_M * 1000) + " mm) into a keep_out volume; checked independently of"
        + " the planner on every 1 kHz servo tick via a wrapper around the bridge (not only the commands the servo"
        + " publishes on the bus every planning period). Min clearance = smallest capsule-to-volume distance seen.\n");
    sb.append("- collisions: servo ticks whose commanded or measured configuration puts two link capsules that may"
        + " not touch into each other, or a link capsule below the table (z = 0 of the base), measured independently"
        + " (centre lines sampled every " + (int) Math.round(CollisionMonitor.SPACING_M * 1000) + " mm; capsules and"
        + " allowed pairs from the arm's description, see robot-model's README). Part of guardrail viol. only for"
        + " runs with planner.guardrails.self_collision: true; otherwise marked (info) and left out.\n");
    sb.append("- below table: servo ticks whose commanded or measured configuration puts the tool (its scene contact"
        + " sphere, or the end-effector point without a scene) below the base plane, from the monitor's own forward"
        + " kinematics; min tool height = the lowest it came.\n");
    sb.append("- neighbour moved: the farthest any scene object the task does not push got from where it stood"
        + " (the simulator's truth, largest over the seeds); n/a without such objects. A push task asks the"
        + " planner to keep them where they are.\n");
    sb.append("- guardrail viol. = limit viol. + keep-out entries (cmd + state) + below table.\n");
    sb.append("- planners: mppi = IK subgoal layer + MPPI (two-level); mppi-flat = same with costs.subgoal_weight: 0;"
        + " dls = damped-least-squares IK baseline (avoids no volume; its plans are verified and held instead);"
        + " mppi-contact = mppi over the learned contact model (`telos learn-contact`) instead of the analytic"
        + " quasi-static one; mppi-learned = mppi over the learned world model of the arm (`telos train`).\n");
    long unfinished = rows.stream().mapToLong(Suite.Row::unfinished).sum();
    if (unfinished > 0) {
      sb.append("- ").append(unfinished).append(" run(s) hit the wall-time cap before every goal had an outcome;"
          + " their missing goals count as failures.\n");
    }
    return sb.toString();
  }

  private static String num(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "n/a";
  }
}
