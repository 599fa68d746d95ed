package io.telos.launch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.Observation;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.api.spi.Planner;
import io.telos.model.JointLimits;
import io.telos.model.KinematicChain;
import io.telos.model.RobotModel;
import io.telos.model.Transform;
import io.telos.planner.MppiConfig;
import io.telos.planner.MppiPlanner;
import io.telos.planner.spi.WorldModel;
import io.telos.runtime.config.LaunchException;
import io.telos.runtime.config.LaunchSpec;
import io.telos.runtime.task.Tasks;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code telos bench-mppi}: the default planner's step time next to the same MPPI problem solved
 * by a PyTorch loop (Debian {@code python3-torch}), in the same run, on the same inputs: the arm's
 * kinematics, limits and the planner's configuration are handed to the Python side, which checks
 * its forward kinematics against Java's before timing anything.
 */
@Command(name = "bench-mppi", mixinStandardHelpOptions = true,
    description = "Planner step time of the default MPPI vs an equivalent PyTorch MPPI loop, same inputs.")
final class MppiBench implements Callable<Integer> {
  private static final int WARMUP = 50;

  @Option(names = "--plans", description = "Planning calls to time after %d warm-up (default ${DEFAULT-VALUE}).")
  int plans = 500;

  @Option(names = "--python", description = "Python with torch (default ${DEFAULT-VALUE}).")
  String python = "/usr/bin/python3";

  @Override
  public Integer call() throws Exception {
    if (plans < 10) {
      throw new LaunchException("--plans: must be >= 10, was " + plans);
    }
    LaunchSpec demo = Telos.demoSpec("wall", 42L, 1);
    RobotModel model = Composer.model(demo);
    Planner planner = Components.planner(model, demo.planner(), 7);
    if (!(planner instanceof MppiPlanner mppi)) {
      throw new LaunchException("bench-mppi: the demo planner is not MPPI");
    }
    List<double[][]> cases = cases(model, plans + WARMUP);
    System.out.printf("telos bench-mppi: %s, K=%d samples x H=%d steps x I=%d iterations, dt %.3f s, %d calls after %d"
            + " warm-up, JDK %s, %d cores%n", model.name(), mppi.config().samples(), mppi.config().horizon(),
        mppi.config().iterations(), mppi.config().dtS(), plans, WARMUP, Runtime.version(),
        Runtime.getRuntime().availableProcessors());

    Histogram java = new Histogram(1, 60_000_000, 3);
    for (int i = 0; i < cases.size(); i++) {
      double[][] c = cases.get(i);
      Observation obs = new Observation(Header.of(i, i * 20_000_000L, "bench"), Vec.of(c[0]), Vec.zeros(model.dof()),
          model.chain().forwardPose(c[0]), null, 0);
      Goal g = new Goal(Header.of(i, 0, "bench"), "g" + (i / 10), new Target.Position(c[1][0], c[1][1], c[1][2]),
          0.01, 8_000_000_000L);
      long t0 = System.nanoTime();
      planner.plan(obs, g);
      if (i >= WARMUP) {
        java.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
      }
    }

    System.out.println();
    System.out.println("planner step (µs)                          p50      p99    p99.9      max    count");
    row("Telos MPPI, Java (1 thread)", java);
    List<Histogram> torch = new ArrayList<>();
    for (int threads : new int[] {1, 2}) {
      Histogram h = torch(model, mppi, cases, threads);
      if (h == null) {
        return 0;
      }
      row("PyTorch MPPI loop (" + threads + " thread" + (threads > 1 ? "s)" : ")"), h);
      torch.add(h);
    }
    for (int k = 0; k < torch.size(); k++) {
      Histogram h = torch.get(k);
      System.out.printf("ratio Java / PyTorch (%d thr)             %6.2f   %6.2f   %6.2f%n", k + 1,
          ratio(java, h, 50), ratio(java, h, 99), ratio(java, h, 99.9));
    }
    System.out.printf("replanning rate at p99: Java %.0f Hz (the default asks for 50 Hz)%n",
        1e6 / Math.max(1, java.getValueAtPercentile(99)));
    return 0;
  }

  /** Random configurations inside the limits and reachable targets; the goal changes every 10 calls. */
  static List<double[][]> cases(RobotModel model, int count) {
    List<double[]> targets = Tasks.randomReachable(model, 50, 11);
    SplittableRandom rnd = new SplittableRandom(5);
    int n = model.dof();
    List<double[][]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      double[] q = new double[n];
      for (int j = 0; j < n; j++) {
        double lo = Math.max(model.limits().lower(j), -Math.PI);
        double hi = Math.min(model.limits().upper(j), Math.PI);
        q[j] = lo + 0.2 * (hi - lo) + rnd.nextDouble() * 0.6 * (hi - lo);
      }
      out.add(new double[][] {q, targets.get((i / 10) % targets.size())});
    }
    return out;
  }

  /** Runs the PyTorch loop; null (with the reason printed) when Python or torch is missing. */
  private Histogram torch(RobotModel model, MppiPlanner mppi, List<double[][]> cases, int threads)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(Path.of(python))) {
      System.out.println("PyTorch baseline skipped: " + python + " not found (Debian: python3-torch)");
      return null;
    }
    Path dir = Files.createTempDirectory("telos-bench-mppi");
    try {
      Path script = dir.resolve("mppi_torch.py");
      try (InputStream in = MppiBench.class.getResourceAsStream("/io/telos/launch/bench/mppi_torch.py")) {
        Files.copy(in, script);
      }
      Path problem = dir.resolve("problem.json");
      Files.writeString(problem, problem(model, mppi, cases, threads).toString());
      Process p = new ProcessBuilder(python, script.toString(), problem.toString())
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        System.out.println("PyTorch baseline failed (exit " + p.exitValue() + "); is python3-torch installed?");
        return null;
      }
      Histogram h = new Histogram(1, 600_000_000, 3);
      var steps = new ObjectMapper().readTree(out).get("step_us");
      for (int i = WARMUP; i < steps.size(); i++) {
        h.recordValue(Math.max(1, steps.get(i).asLong()));
      }
      return h;
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  /** The planning problem for the Python side: kinematics, limits, configuration and the inputs. */
  static ObjectNode problem(RobotModel model, MppiPlanner mppi, List<double[][]> cases, int threads) {
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = m.createObjectNode();
    KinematicChain chain = model.chain();
    int n = model.dof();
    double[] zero = new double[n];
    Transform[] links = chain.linkTransforms(zero);
    ArrayNode joints = root.putArray("joints");
    for (int i = 0; i < n; i++) {
      Transform pre = links[i].inverse().compose(links[i + 1]); // at q = 0 the joint motion is the identity
      ObjectNode j = joints.addObject();
      array(j.putArray("R"), pre.rotationMatrix());
      array(j.putArray("t"), pre.translation());
      array(j.putArray("axis"), chain.joints().get(i).axis());
    }
    Transform tip = links[n].inverse().compose(chain.tipTransform(zero));
    array(root.putObject("tip").putArray("t"), tip.translation());
    MppiConfig c = mppi.config();
    WorldModel wm = mppi.worldModel();
    JointLimits lim = model.limits();
    double[] bound = new double[n];
    double[] amax = new double[n];
    for (int i = 0; i < n; i++) {
      bound[i] = wm.actionBound(i);
      amax[i] = lim.acceleration(i);
    }
    array(root.putArray("lower"), lim.lower());
    array(root.putArray("upper"), lim.upper());
    array(root.putArray("bound"), bound);
    array(root.putArray("vlimit"), lim.velocity());
    array(root.putArray("amax"), amax);
    array(root.putArray("workspace_min"), c.guardrails().workspaceMin());
    array(root.putArray("workspace_max"), c.guardrails().workspaceMax());
    root.put("samples", c.samples()).put("horizon", c.horizon()).put("iterations", c.iterations())
        .put("dt", c.dtS()).put("noise", c.noise()).put("noise_min", c.noiseMin()).put("anneal", c.annealDistance())
        .put("noise_smoothing", c.noiseSmoothing()).put("temperature", c.temperature())
        .put("limit_margin", c.guardrails().jointLimitMarginRad()).put("velocity_margin", c.guardrails().velocityMargin())
        .put("threads", threads).put("seed", 7);
    ObjectNode w = root.putObject("weights");
    w.put("reach", c.costs().reachWeight()).put("terminal", c.costs().terminalWeight())
        .put("smoothness", c.costs().smoothnessWeight()).put("posture", c.costs().postureWeight())
        .put("joint_limit", c.guardrails().jointLimitWeight()).put("velocity", c.guardrails().velocityWeight());
    ArrayNode check = root.putArray("check");
    for (int i = 0; i < Math.min(5, cases.size()); i++) {
      ObjectNode k = check.addObject();
      array(k.putArray("q"), cases.get(i)[0]);
      array(k.putArray("ee"), chain.forwardPosition(cases.get(i)[0]));
    }
    ArrayNode cs = root.putArray("cases");
    for (int i = 0; i < cases.size(); i++) {
      ObjectNode k = cs.addObject();
      array(k.putArray("q"), cases.get(i)[0]);
      array(k.putArray("target"), cases.get(i)[1]);
      k.put("new_goal", i % 10 == 0);
    }
    return root;
  }

  private static void array(ArrayNode a, double[] v) {
    for (double x : v) {
      a.add(x);
    }
  }

  private static void row(String name, Histogram h) {
    System.out.printf("%-40s %8d %8d %8d %8d %8d%n", name, h.getValueAtPercentile(50), h.getValueAtPercentile(99),
        h.getValueAtPercentile(99.9), h.getMaxValue(), h.getTotalCount());
  }

  private static double ratio(Histogram a, Histogram b, double p) {
    return (double) a.getValueAtPercentile(p) / Math.max(1, b.getValueAtPercentile(p));
  }
}
