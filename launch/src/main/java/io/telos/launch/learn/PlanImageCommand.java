package io.telos.launch.learn;

import ai.djl.ndarray.NDManager;
import io.telos.api.camera.CameraFrame;
import io.telos.api.camera.CameraSpec;
import io.telos.bridge.sim.SimCamera;
import io.telos.launch.Composer;
import io.telos.memory.FrameArchive;
import io.telos.memory.MemoryConfig;
import io.telos.model.CollisionModel;
import io.telos.model.RobotModel;
import io.telos.planner.djl.DjlEngine;
import io.telos.planner.djl.ImageJepa;
import io.telos.planner.djl.LatentDynamics;
import io.telos.runtime.config.LaunchException;
import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code telos plan-image}: planning toward a goal picture in a learned latent space, learned from
 * episodic memory alone. From the pictures a store keeps with its episodes ({@code memory.frames})
 * and the joints of the steps they join, it trains a JEPA image encoder ({@link ImageJepa}), then an
 * action-conditioned predictor over its latent ({@link LatentDynamics}: what the camera will see
 * after a joint move), and plans: for held-out pairs of pictures (where the arm is now, where it
 * should be) the cross-entropy method finds the joint target whose predicted picture is nearest the
 * goal picture in the latent. Measured by where that target puts the tool against where the tool was
 * in the goal picture (forward kinematics of the recorded joints, which the planner never sees),
 * beside staying put and beside the joints of the most similar training picture (retrieval in the
 * same latent).
 */
@Command(name = "plan-image", mixinStandardHelpOptions = true,
    description = "Learn an image encoder and an action-conditioned latent predictor from the camera pictures kept "
        + "in episodic memory, and measure planning toward held-out goal pictures.")
public final class PlanImageCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "The launch file the episodes were recorded with (memory.frames, "
      + "scene.camera and the robot are read from it), e.g. launch/examples/reach-record-frames.yaml.")
  Path launch;

  @Option(names = "--encoder-steps", description = "Encoder training steps (default ${DEFAULT-VALUE}).")
  int encoderSteps = ImageJepa.Config.defaults().steps();

  @Option(names = "--predictor-steps", description = "Predictor training steps (default ${DEFAULT-VALUE}).")
  int predictorSteps = LatentDynamics.Config.defaults().steps();

  @Option(names = "--goals", description = "Held-out goal pictures planned for (default ${DEFAULT-VALUE}).")
  int goals = 60;

  @Option(names = "--replans", description = "Pictures taken and plans made per goal in the closed loop (default "
      + "${DEFAULT-VALUE}).")
  int replans = 10;

  @Option(names = "--max-move", description = "Largest joint move per plan in the closed loop, rad (default "
      + "${DEFAULT-VALUE}).")
  double maxMove = 0.35;

  @Option(names = "--mask", description = "Largest blanked block of the encoder's training, as a fraction of the "
      + "picture's side (default ${DEFAULT-VALUE}).")
  double mask = 0.45;

  @Option(names = "--seed", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed = 7;

  @Option(names = "--out", description = "Folder for the loss plot (default ${DEFAULT-VALUE}).")
  Path out = Path.of("runs", "plan-image");

  PrintStream o = System.out;

  /** What the last run measured: tool error (median, p90, m) by method. */
  Map<String, double[]> errors;

  /** Held-out prediction error in standard units: predictor, then copying the present latent. */
  double[] prediction;

  /** Held-out tool position from a linear probe of the latent (median, p90, m). */
  double[] probe;

  /** A seen picture: its latent, joints and tool position, and its stamp on the run's timeline. */
  private record Seen(double[] z, double[] q, double[] tool, long stampNs) {}

  @Override
  public Integer call() throws Exception {
    if (encoderSteps < 0 || predictorSteps < 0 || goals < 10 || replans < 1 || !(maxMove > 0)) {
      throw new LaunchException("plan-image: needs --encoder-steps >= 0, --predictor-steps >= 0, --goals >= 10, "
          + "--replans >= 1, --max-move > 0");
    }
    LaunchSpec spec = LaunchFile.load(launch);
    MemoryConfig mc = Composer.memory(spec);
    if (mc.type() != MemoryConfig.Type.SQLITE || mc.frames() == null || spec.scene().camera() == null) {
      throw new LaunchException("plan-image: " + launch + " must record to SQLite with memory.frames and have a "
          + "scene.camera (as launch/examples/reach-record-frames.yaml)");
    }
    RobotModel arm = Composer.model(spec);
    int dof = arm.dof();
    MemoryPictures.Kept kept = MemoryPictures.read(mc.path(), mc.frames().dir(), 200, o, "plan-image");
    if (kept.width() != mc.frames().width() || kept.height() != mc.frames().height()) {
      throw new LaunchException("plan-image: the kept pictures are " + kept.width() + "x" + kept.height()
          + ", memory.frames says " + mc.frames().width() + "x" + mc.frames().height());
    }
    List<MemoryPictures.Episode> episodes = kept.episodes();
    int firstHeldOut = episodes.size() - Math.max(1, episodes.size() / 5);
    List<float[]> trainPixels = new ArrayList<>();
    List<MemoryPictures.Shot> trainShots = new ArrayList<>();
    List<MemoryPictures.Shot> testShots = new ArrayList<>();
    for (int k = 0; k < episodes.size(); k++) {
      for (MemoryPictures.Shot s : episodes.get(k).shots()) {
        if (s.step() == null || s.step().state().size() < dof) {
          continue; // no joints to learn the move from
        }
        (k < firstHeldOut ? trainShots : testShots).add(s);
        if (k < firstHeldOut) {
          trainPixels.add(s.pixels());
        }
      }
    }
    o.printf(Locale.ROOT, "telos plan-image: %d pictures from %d episodes of %s (%d held out: %d pictures)%n",
        kept.total(), episodes.size(), mc.path(), episodes.size() - firstHeldOut, testShots.size());
    ImageJepa.Config ec = new ImageJepa.Config(kept.width(), kept.height(), 32, encoderSteps, 64, 2e-3, 0.99, mask,
        seed);
    LatentDynamics.Config pc = LatentDynamics.Config.defaults().withSteps(predictorSteps);
    List<double[]> curve = new ArrayList<>();
    long t0 = System.nanoTime();
    try (NDManager m = DjlEngine.get().newBaseManager()) {
      List<ImageJepa.Progress> ep = new ArrayList<>();
      try (ImageJepa enc = ImageJepa.train(m, trainPixels, ec, ep, s -> {
        if (s % 10 == 0 || s == encoderSteps) {
          TrainCommand.bar(o, String.format(Locale.ROOT, "encoder loss %.4g", ep.get(s - 1).loss()), s, encoderSteps);
        }
      })) {
        o.println();
        List<Seen> train = seen(enc, trainShots, arm);
        List<Seen> test = seen(enc, testShots, arm);
        List<LatentDynamics.Sample> samples = samples(train, 12, new SplittableRandom(seed));
        List<Double> losses = new ArrayList<>();
        LatentDynamics dynamics = LatentDynamics.train(m, samples, pc, losses, s -> {
          if (s % 20 == 0 || s == predictorSteps) {
            TrainCommand.bar(o, String.format(Locale.ROOT, "predictor loss %.4g", losses.get(s - 1)), s,
                predictorSteps);
          }
        });
        o.println();
        double trainSecs = (System.nanoTime() - t0) / 1e9;
        for (int i = 0; i < Math.max(ep.size(), losses.size()); i++) {
          curve.add(new double[] {i < ep.size() ? ep.get(i).loss() : Double.NaN,
              i < losses.size() ? losses.get(i) : Double.NaN});
        }
        measure(spec, arm, enc, dynamics, train, test, trainSecs);
      }
    }
    if (!curve.isEmpty()) {
      Path png = out.resolve("plan-image-loss.png");
      LossPlot.write(curve, new String[] {"encoder (JEPA)", "predictor (standard units^2)"},
          "Image encoder and latent predictor: loss per step", png);
      o.println("loss curves: " + png);
    }
    return 0;
  }

  /**
   * Held-out prediction error, then goals: a held-out picture of where the arm should be, reached
   * from where another held-out picture shows it (0.5-3 s earlier, the tool at least 5 cm away).
   */
  private void measure(LaunchSpec spec, RobotModel arm, ImageJepa enc, LatentDynamics dynamics, List<Seen> train,
      List<Seen> test, double trainSecs) {
    int dof = arm.dof();
    List<LatentDynamics.Sample> held = samples(test, 4, new SplittableRandom(seed + 1));
    double[] pred = new double[held.size()];
    double[] copy = new double[held.size()];
    for (int i = 0; i < held.size(); i++) {
      LatentDynamics.Sample s = held.get(i);
      pred[i] = Math.sqrt(dynamics.distance(dynamics.predict(s.z(), s.q(), s.a()), s.next()));
      copy[i] = Math.sqrt(dynamics.distance(s.z(), s.next()));
    }
    prediction = new double[] {EncoderCommand.stats(pred)[0], EncoderCommand.stats(copy)[0]};
    // how much of the tool's position the latent holds at all: a linear probe, fitted on training pictures
    double[][] w = ImageJepa.fitProbe(train.stream().map(Seen::z).toArray(double[][]::new),
        train.stream().map(Seen::tool).toArray(double[][]::new), 1e-3 * train.size());
    double[] probeErr = new double[test.size()];
    for (int i = 0; i < probeErr.length; i++) {
      probeErr[i] = dist(ImageJepa.probe(w, test.get(i).z()), test.get(i).tool());
    }
    probe = EncoderCommand.stats(probeErr);

    double[] lower = new double[dof];
    double[] upper = new double[dof];
    for (int j = 0; j < dof; j++) {
      lower[j] = arm.limits().lower(j);
      upper[j] = arm.limits().upper(j);
    }
    CameraSpec cam = spec.scene().camera();
    SimCamera camera = new SimCamera("camera", cam, spec.scene(), CollisionModel.of(arm, null), seed);
    MemoryConfig.Frames fr = Composer.memory(spec).frames();
    SplittableRandom rnd = new SplittableRandom(seed + 2);
    List<Double> stay = new ArrayList<>();
    List<Double> nearest = new ArrayList<>();
    List<Double> oneShot = new ArrayList<>();
    List<Double> closed = new ArrayList<>();
    List<Double> millis = new ArrayList<>();
    int tries = 0;
    while (closed.size() < goals && tries++ < 1000 * goals) {
      Seen now = test.get(rnd.nextInt(test.size()));
      Seen goal = test.get(rnd.nextInt(test.size()));
      long dt = goal.stampNs() - now.stampNs();
      if (dt < 500_000_000L || dt > 3_000_000_000L || dist(now.tool(), goal.tool()) < 0.05) {
        continue;
      }
      stay.add(dist(now.tool(), goal.tool()));
      Seen nn = train.get(0);
      for (Seen s : train) {
        if (dynamics.distance(s.z(), goal.z()) < dynamics.distance(nn.z(), goal.z())) {
          nn = s;
        }
      }
      nearest.add(dist(nn.tool(), goal.tool()));
      double[] once = dynamics.inferGoal(now.z(), now.q(), goal.z(), lower, upper, Math.PI, seed + closed.size());
      oneShot.add(dist(arm.chain().forwardPosition(Arrays.copyOf(once, dof)), goal.tool()));
      // closed loop: picture, plan a short move, make it, take the next picture
      double[] q = now.q().clone();
      double[] z = now.z();
      for (int r = 0; r < replans; r++) {
        long p0 = System.nanoTime();
        double[] next = dynamics.inferGoal(z, q, goal.z(), lower, upper, maxMove, seed + 31L * closed.size() + r);
        millis.add((System.nanoTime() - p0) / 1e6);
        q = Arrays.copyOf(next, dof);
        CameraFrame picture = camera.render(r, 0, q, List.of());
        z = enc.encode(List.of(MemoryPictures.channels(FrameArchive.shrink(picture, fr.width(), fr.height()))))[0];
      }
      closed.add(dist(arm.chain().forwardPosition(q.clone()), goal.tool()));
      if (closed.size() % 5 == 0 || closed.size() == goals) {
        TrainCommand.bar(o, "goals planned", closed.size(), goals);
      }
    }
    o.println();
    if (closed.size() < 10) {
      throw new LaunchException("plan-image: the held-out episodes hold too few goal pictures 0.5-3 s ahead with the "
          + "tool 5 cm away (" + closed.size() + "); record more episodes");
    }
    errors = new LinkedHashMap<>();
    errors.put("stay where the arm is", stats(stay));
    errors.put("joints of the most similar training picture (latent retrieval)", stats(nearest));
    errors.put("one plan, open loop (CEM over the learned predictor)", stats(oneShot));
    errors.put(String.format(Locale.ROOT, "closed loop: %d pictures and plans of <= %.2f rad", replans, maxMove),
        stats(closed));
    o.printf(Locale.ROOT, "latent prediction, held out (standard units): predictor %.3f, copying the present %.3f "
        + "(median over %d moves)%n", prediction[0], prediction[1], held.size());
    o.printf(Locale.ROOT, "tool position from a linear probe of the latent, held out: median %.1f mm, p90 %.1f mm%n",
        1000 * probe[0], 1000 * probe[1]);
    o.printf(Locale.ROOT, "| goal picture reached by | tool error median (mm) | p90 (mm) |%n|---|---:|---:|%n");
    for (Map.Entry<String, double[]> e : errors.entrySet()) {
      o.printf(Locale.ROOT, "| %s | %.1f | %.1f |%n", e.getKey(), 1000 * e.getValue()[0], 1000 * e.getValue()[1]);
    }
    double[] ms = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    o.printf(Locale.ROOT, "%d goals; a plan (2,048 predictions) p50 %.1f ms, p99 %.1f ms; training %.1f s on %s%n",
        closed.size(), ms[ms.length / 2], ms[Math.max(0, (int) Math.ceil(0.99 * ms.length) - 1)], trainSecs,
        DjlEngine.get().getEngineName());
  }

  private static List<Seen> seen(ImageJepa enc, List<MemoryPictures.Shot> shots, RobotModel arm) {
    double[][] z = enc.encode(shots.stream().map(MemoryPictures.Shot::pixels).toList());
    for (double[] row : z) {
      if (!Arrays.stream(row).allMatch(Double::isFinite)) {
        throw new LaunchException("plan-image: the trained encoder gives non-finite latents; train again with "
            + "another --seed or fewer --encoder-steps");
      }
    }
    List<Seen> out = new ArrayList<>();
    for (int i = 0; i < shots.size(); i++) {
      double[] q = Arrays.copyOf(shots.get(i).step().state().toArray(), arm.dof());
      out.add(new Seen(z[i], q, arm.chain().forwardPosition(q.clone()), shots.get(i).stampNs()));
    }
    return out;
  }

  /** Moves between pictures up to 3 s apart on the run's timeline, {@code perPicture} for each. */
  private static List<LatentDynamics.Sample> samples(List<Seen> seen, int perPicture, SplittableRandom rnd) {
    List<LatentDynamics.Sample> out = new ArrayList<>();
    for (int i = 0; i < seen.size(); i++) {
      int last = i;
      while (last + 1 < seen.size() && seen.get(last + 1).stampNs() - seen.get(i).stampNs() <= 3_000_000_000L) {
        last++;
      }
      if (last == i) {
        continue;
      }
      for (int k = 0; k < perPicture; k++) {
        int j = i + 1 + rnd.nextInt(last - i);
        Seen a = seen.get(i);
        Seen b = seen.get(j);
        double[] move = new double[a.q().length];
        for (int d = 0; d < move.length; d++) {
          move[d] = b.q()[d] - a.q()[d];
        }
        out.add(new LatentDynamics.Sample(a.z(), a.q(), move, b.z()));
      }
    }
    return out;
  }

  private static double dist(double[] a, double[] b) {
    return Math.sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
  }


  private static double[] stats(List<Double> v) {
    return EncoderCommand.stats(v.stream().mapToDouble(Double::doubleValue).toArray());
  }
}
