package io.telos.launch;

import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.Observation;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.api.spi.Planner;
import io.telos.model.RobotModel;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchSpec;
import io.telos.runtime.safety.Pacer;
import io.telos.runtime.task.Tasks;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code telos bench}: the safety kernel's period jitter under the full agent next to a bare loop
 * with the same pacing and nothing else to do (measured in the same run, so only the ratio
 * matters on a noisy machine), and the MPC step time of the default planner.
 */
@Command(name = "bench", description = "Servo-period jitter vs a bare baseline loop, and planner step time.")
final class Bench implements Callable<Integer> {
  @Option(names = "--seconds", description = "Duration of each loop measurement (default 10).")
  int seconds = 10;

  @Option(names = "--plans", description = "Planner calls to time (default 500).")
  int plans = 500;

  @Override
  public Integer call() throws Exception {
    LaunchSpec demo = Telos.demoSpec("wall", 42L, 1000);
    long period = demo.safety().periodNs();

    System.out.printf("telos bench: servo %d µs period, %d s per loop, JDK %s, %d cores%n", period / 1000, seconds,
        Runtime.version(), Runtime.getRuntime().availableProcessors());
    Histogram bare = bareLoop(period, demo.safety().spinUs() * 1000, seconds);

    RunReport r = Session.run(demo, o -> { }, Duration.ofSeconds(seconds));
    Histogram agent = r.servoPeriodUs();

    System.out.println();
    System.out.println("servo period (µs)          p50      p99    p99.9      max    count");
    row("bare loop (baseline)", bare);
    row("safety kernel + agent", agent);
    System.out.printf("ratio kernel/bare           %.2f     %.2f     %.2f%n",
        ratio(agent, bare, 50), ratio(agent, bare, 99), ratio(agent, bare, 99.9));
    System.out.printf("|period - %d| p99: bare %d µs, kernel %d µs%n", period / 1000,
        deviation(bare, period / 1000, 99), deviation(agent, period / 1000, 99));

    Histogram tick = r.servoTickUs();
    row("kernel tick compute", tick);

    Histogram steps = plannerSteps(demo);
    System.out.println();
    System.out.println("planner step (µs)          p50      p99    p99.9      max    count");
    row(demo.planner().string("type", "?") + " (default config)", steps);
    System.out.printf("in-agent planner steps      p50 %d  p99 %d  (%d steps, while the servo ran)%n",
        r.plannerStepUs().getValueAtPercentile(50), r.plannerStepUs().getValueAtPercentile(99),
        r.plannerStepUs().getTotalCount());
    return 0;
  }

  private static Histogram bareLoop(long periodNs, long spinNs, int seconds) {
    Histogram h = new Histogram(1, 10_000_000, 3);
    Pacer pacer = new Pacer(periodNs, spinNs);
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long last = 0;
    while (true) {
      long now = System.nanoTime();
      if (last != 0) {
        h.recordValue(Math.max(1, (now - last) / 1000));
      }
      last = now;
      if (now > end) {
        return h;
      }
      pacer.await();
    }
  }

  private Histogram plannerSteps(LaunchSpec spec) {
    RobotModel model = Composer.model(spec);
    Planner planner = Components.planner(model, spec.planner(), 7);
    List<double[]> targets = Tasks.randomReachable(model, 50, 11);
    SplittableRandom rnd = new SplittableRandom(5);
    Histogram h = new Histogram(1, 60_000_000, 3);
    int n = model.dof();
    for (int i = 0; i < plans + 50; i++) {
      double[] q = new double[n];
      for (int j = 0; j < n; j++) {
        double lo = Math.max(model.limits().lower(j), -Math.PI);
        double hi = Math.min(model.limits().upper(j), Math.PI);
        q[j] = lo + 0.2 * (hi - lo) + rnd.nextDouble() * 0.6 * (hi - lo);
      }
      double[] t = targets.get(i % targets.size());
      Observation obs = new Observation(Header.of(i, i * 20_000_000L, "bench"), Vec.of(q), Vec.zeros(n),
          model.chain().forwardPose(q), null, 0);
      Goal g = new Goal(Header.of(i, 0, "bench"), "g" + (i / 10), new Target.Position(t[0], t[1], t[2]), 0.01, 8_000_000_000L);
      long t0 = System.nanoTime();
      planner.plan(obs, g);
      long us = (System.nanoTime() - t0) / 1000;
      if (i >= 50) {
        h.recordValue(Math.max(1, us));
      }
    }
    return h;
  }

  private static void row(String name, Histogram h) {
    if (h.getTotalCount() == 0) {
      System.out.printf("%-24s %8s%n", name, "n/a");
      return;
    }
    System.out.printf("%-24s %8d %8d %8d %8d %8d%n", name, h.getValueAtPercentile(50), h.getValueAtPercentile(99),
        h.getValueAtPercentile(99.9), h.getMaxValue(), h.getTotalCount());
  }

  private static double ratio(Histogram a, Histogram b, double p) {
    return (double) a.getValueAtPercentile(p) / Math.max(1, b.getValueAtPercentile(p));
  }

  private static long deviation(Histogram h, long target, double p) {
    Histogram d = new Histogram(1, 10_000_000, 3);
    for (var v : h.recordedValues()) {
      d.recordValueWithCount(Math.max(1, Math.abs(v.getValueIteratedTo() - target)), v.getCountAtValueIteratedTo());
    }
    return d.getValueAtPercentile(p);
  }

}
