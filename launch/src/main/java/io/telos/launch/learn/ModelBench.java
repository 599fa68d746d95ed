package io.telos.launch.learn;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.telos.planner.djl.DjlEngine;
import io.telos.planner.djl.DjlWorldModel;
import io.telos.planner.djl.LatentModel;
import io.telos.planner.djl.Trainer;
import io.telos.planner.djl.Trajectory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code telos bench-model}: the learned world model's training throughput (samples/s) and batched
 * rollout throughput (state-steps/s, per-call p50/p99/p99.9) on DJL, and the same network, loss and
 * optimiser in PyTorch from Python (Debian {@code python3-torch}) in the same run, with ratios.
 */
@Command(name = "bench-model", mixinStandardHelpOptions = true, description = "Learned world model: DJL vs PyTorch (training and batched rollouts).")
public final class ModelBench implements Callable<Integer> {
  @Option(names = "--steps", description = "Training steps to time (default ${DEFAULT-VALUE}).")
  int steps = 200;

  @Option(names = "--calls", description = "Rollout calls to time (default ${DEFAULT-VALUE}).")
  int calls = 3000;

  @Option(names = "--batch", description = "Rollout batch, the MPPI sample count (default ${DEFAULT-VALUE}).")
  int rolloutBatch = 256;

  @Option(names = "--python", description = "Python with torch (default ${DEFAULT-VALUE}).")
  String python = "/usr/bin/python3";

  @Override
  public Integer call() throws Exception {
    int n = 6;
    Trainer.Config cfg = Trainer.Config.defaults().withSteps(steps + 20);
    double[] scale = new double[n];
    Arrays.fill(scale, 2.0);
    Random rnd = new Random(1);
    List<Trajectory> data = new ArrayList<>();
    for (int e = 0; e < 8; e++) {
      int len = 100;
      double[][] q = new double[len + 1][n];
      double[][] qd = new double[len + 1][n];
      double[][] ee = new double[len + 1][3];
      double[][] a = new double[len][n];
      for (double[][] m : List.of(q, qd, ee, a)) {
        for (double[] r : m) {
          for (int i = 0; i < r.length; i++) {
            r[i] = rnd.nextDouble();
          }
        }
      }
      data.add(new Trajectory("bench-" + e, q, qd, ee, a));
    }
    System.out.printf("world model: dof %d, latent %d, hidden %d, %d members, window %d, batch %d; DJL %s, "
        + "intra-op threads %s%n", n, cfg.latent(), cfg.hidden(), cfg.members(), cfg.window(), cfg.batch(),
        DjlEngine.get().getVersion(), System.getProperty("ai.djl.pytorch.num_threads"));
    List<Long> stepNs = new ArrayList<>();
    long[] last = {System.nanoTime()};
    NDManager m = DjlEngine.get().newBaseManager();
    LatentModel net = Trainer.train(m, data, 0.05, scale, scale, cfg, null, s -> {
      long now = System.nanoTime();
      if (s > 20) {
        stepNs.add(now - last[0]);
      }
      last[0] = now;
    });
    double trainS = stepNs.stream().mapToLong(Long::longValue).sum() / 1e9;
    double djlTrain = steps * (double) cfg.batch() / trainS;
    long[] st = stepNs.stream().mapToLong(Long::longValue).sorted().toArray();
    double[] bounds = scale.clone();
    long[] rt = new long[calls];
    double rolloutS;
    try (DjlWorldModel wm = DjlWorldModel.of(net, bounds)) {
      int l = wm.stateSize();
      double[] s = new double[rolloutBatch * l];
      double[] act = new double[rolloutBatch * n];
      double[] next = new double[rolloutBatch * l];
      for (int i = 0; i < s.length; i++) {
        s[i] = rnd.nextGaussian();
      }
      for (int i = 0; i < act.length; i++) {
        act[i] = rnd.nextGaussian();
      }
      double[] u = new double[rolloutBatch];
      for (int c = 0; c < 200; c++) {
        wm.step(s, act, rolloutBatch, next);
        wm.uncertainty(s, act, rolloutBatch, u);
      }
      long total = 0;
      for (int c = 0; c < calls; c++) {
        long t0 = System.nanoTime();
        wm.step(s, act, rolloutBatch, next);
        wm.uncertainty(s, act, rolloutBatch, u);
        rt[c] = System.nanoTime() - t0;
        total += rt[c];
      }
      rolloutS = total / 1e9;
    }
    Arrays.sort(rt);
    double djlRoll = (double) rolloutBatch * calls / rolloutS;
    System.out.printf("%-34s %14s %14s %8s%n", "", "DJL", "PyTorch(py)", "ratio");
    Map<String, Object> py = python(n, cfg);
    double pyTrain = py == null ? Double.NaN : ((Number) py.get("train_samples_per_s")).doubleValue();
    double pyRoll = py == null ? Double.NaN : ((Number) py.get("rollout_state_steps_per_s")).doubleValue();
    row("training samples/s", djlTrain, pyTrain);
    row("training step p50 ms", st[st.length / 2] / 1e6, py == null ? Double.NaN : num(py, "train_step_p50_ms"));
    row("rollout state-steps/s (batch " + rolloutBatch + ")", djlRoll, pyRoll);
    row("rollout call p50 us", rt[calls / 2] / 1e3, py == null ? Double.NaN : num(py, "rollout_call_p50_us"));
    row("rollout call p99 us", rt[(int) (calls * 0.99)] / 1e3, py == null ? Double.NaN : num(py, "rollout_call_p99_us"));
    row("rollout call p99.9 us", rt[Math.min(calls - 1, (int) (calls * 0.999))] / 1e3,
        py == null ? Double.NaN : num(py, "rollout_call_p999_us"));
    System.out.println("(ratio = DJL / PyTorch; for throughput higher is better for DJL, for latency lower)");
    return 0;
  }

  private static double num(Map<String, Object> m, String k) {
    return ((Number) m.get(k)).doubleValue();
  }

  private static void row(String name, double djl, double py) {
    System.out.printf("%-34s %14.1f %14.1f %8.2f%n", name, djl, py, djl / py);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> python(int n, Trainer.Config cfg) throws Exception {
    if (!Files.isExecutable(Path.of(python))) {
      System.out.println("PyTorch baseline skipped: " + python + " not found (Debian: python3-torch)");
      return null;
    }
    Path dir = Files.createTempDirectory("telos-bench-model");
    Path script = dir.resolve("world_model_torch.py");
    try (InputStream in = ModelBench.class.getResourceAsStream("/io/telos/launch/bench/world_model_torch.py")) {
      Files.copy(in, script);
    }
    String threads = System.getProperty("ai.djl.pytorch.num_threads", "1");
    ProcessBuilder pb = new ProcessBuilder(python, script.toString(), "" + n, "" + cfg.latent(), "" + cfg.hidden(),
        "" + cfg.members(), "" + cfg.window(), "" + cfg.batch(), "" + steps, "" + rolloutBatch, "" + calls, threads)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    // torch.set_num_threads does not bound the BLAS library's own pool: without these the baseline
    // would sometimes run its matrix products on both cores while DJL runs on one
    for (String v : new String[] {"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"}) {
      pb.environment().put(v, threads);
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    if (p.waitFor() != 0 || out.isEmpty()) {
      System.out.println("PyTorch baseline failed (exit " + p.exitValue() + ")");
      return null;
    }
    return new ObjectMapper().readValue(out.substring(out.lastIndexOf('\n') + 1), Map.class);
  }
}
