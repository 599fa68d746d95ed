package io.telos.launch.learn;

import ai.djl.ndarray.NDManager;
import io.telos.api.ObjectPose;
import io.telos.api.camera.CameraFrame;
import io.telos.api.camera.CameraSpec;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import io.telos.bridge.sim.SimCamera;
import io.telos.bridge.sim.SimulatedArm;
import io.telos.model.CollisionModel;
import io.telos.model.RobotModel;
import io.telos.perception.camera.FiducialTracker;
import io.telos.planner.djl.DjlEngine;
import io.telos.planner.djl.ImageJepa;
import io.telos.runtime.config.LaunchException;
import io.telos.memory.StepRecord;
import java.io.IOException;
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

/**
 * {@code telos train-encoder}: learns to see without labels. Renders pictures of the push cell (the
 * camera of push-camera.yaml, the puck anywhere on the table turned any way, the arm in varied
 * poses in front of it), trains a JEPA image encoder on them ({@link ImageJepa}), then asks what
 * the encoder learned: a linear probe from its latent to the puck's position, fitted on the
 * training pictures and measured on held-out ones, beside the same probe on an untrained encoder
 * (random weights), the mean position (no picture at all) and the fiducial tracker on the same
 * scenes at full resolution. Prints the table and writes the loss curve.
 */
@Command(name = "train-encoder", mixinStandardHelpOptions = true,
    description = "Train a self-supervised (JEPA) image encoder on simulated camera pictures and measure what it "
        + "learned with a linear probe of the puck's position.")
public final class EncoderCommand implements Callable<Integer> {
  static final double[] X_RANGE = {0.30, 0.65};
  static final double[] Y_RANGE = {-0.20, 0.20};

  @Option(names = "--pictures", description = "Training pictures (default ${DEFAULT-VALUE}).")
  int pictures = 2000;

  @Option(names = "--held-out", description = "Held-out pictures (default ${DEFAULT-VALUE}).")
  int heldOut = 400;

  @Option(names = "--steps", description = "Training steps (default ${DEFAULT-VALUE}).")
  int steps = ImageJepa.Config.defaults().steps();

  @Option(names = "--seed", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed = 7;

  @Option(names = "--out", description = "Folder for the loss plot (default ${DEFAULT-VALUE}).")
  Path out = Path.of("runs", "encoder");

  PrintStream o = System.out;

  /** What the last run measured, for tests: probe errors (median, p90, m) by representation. */
  Map<String, double[]> errors;

  /** Held-out pictures encoded per second by the trained encoder. */
  double encodePerSecond;

  @Option(names = "--memory", description = "Train on the camera pictures kept in this SQLite store "
      + "(memory.frames) instead of rendering new ones; the probe's labels are the object poses recorded with the "
      + "steps.")
  Path memory;

  @Option(names = "--frames", description = "Folder of the kept pictures (default: 'frames' beside the store).")
  Path frames;

  /** Pictures to learn from and to measure on, with the puck's position where it is known. */
  record Pictures(List<float[]> train, List<double[]> trainXy, List<float[]> test, List<double[]> testXy,
      int width, int height) {}

  @Override
  public Integer call() throws Exception {
    if (memory == null && (pictures < 100 || heldOut < 20 || steps < 0)) {
      throw new LaunchException("train-encoder: needs --pictures >= 100, --held-out >= 20 and --steps >= 0, had "
          + pictures + ", " + heldOut + ", " + steps);
    }
    if (memory != null && steps < 0) {
      throw new LaunchException("train-encoder: needs --steps >= 0, had " + steps);
    }
    RobotModel arm = RobotModel.load("builtin:telos6");
    SceneObject puck = new SceneObject("puck", 0.04, 0.06, 0.3, 0.4, 0.5, 0);
    double fx = 64 / Math.tan(Math.toRadians(30));
    CameraSpec full = new CameraSpec(640, 480, 5 * fx, 5 * fx, 319.5, 239.5, new double[] {1.0, 0, 0.7},
        new double[] {0.45, 0, 0}, 30, 0.01, Map.of("puck", 0));
    List<ObjectPose> testPoses = new ArrayList<>();
    List<double[]> testArms = new ArrayList<>();
    Pictures data = memory != null ? fromMemory(memory, frames == null ? MemoryPictures.defaultDir(memory) : frames, o)
        : rendered(arm, puck, fx, testPoses, testArms);
    ImageJepa.Config config = new ImageJepa.Config(data.width(), data.height(), 32, steps, 64, 2e-3, 0.99, 0.45, seed);
    errors = new LinkedHashMap<>();
    List<double[]> trainXy = data.trainXy().stream().filter(xy -> xy != null).toList();
    double[] mean = new double[2];
    for (double[] xy : trainXy) {
      mean[0] += xy[0] / trainXy.size();
      mean[1] += xy[1] / trainXy.size();
    }
    List<double[]> testXy = data.testXy();
    double[] constant = new double[testXy.size()];
    for (int i = 0; i < constant.length; i++) {
      constant[i] = Math.hypot(testXy.get(i)[0] - mean[0], testXy.get(i)[1] - mean[1]);
    }
    errors.put("mean position (no picture)", stats(constant));
    List<double[]> curve = new ArrayList<>();
    long t0 = System.nanoTime();
    try (NDManager m = DjlEngine.get().newBaseManager()) {
      try (ImageJepa random = ImageJepa.untrained(m, config)) {
        errors.put("untrained encoder (random weights) + linear probe", probeErrors(random, data));
      }
      List<ImageJepa.Progress> progress = new ArrayList<>();
      try (ImageJepa jepa = ImageJepa.train(m, data.train(), config, progress,
          s -> {
            if (s % 10 == 0 || s == steps) {
              TrainCommand.bar(o, String.format(Locale.ROOT, "train loss %.4g", progress.get(s - 1).loss()), s,
                  steps);
            }
          })) {
        o.println();
        for (ImageJepa.Progress p : progress) {
          curve.add(new double[] {p.loss(), p.prediction(), p.variance()});
        }
        errors.put("JEPA encoder + linear probe", probeErrors(jepa, data));
        long e0 = System.nanoTime();
        jepa.encode(data.test());
        encodePerSecond = data.test().size() / ((System.nanoTime() - e0) / 1e9);
      }
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    if (memory == null) {
      errors.put("fiducial tracker, 640x480 (AprilTag on the puck)", fiducial(full, puck, arm, testPoses, testArms,
          seed));
    }
    o.println();
    o.printf(Locale.ROOT, "| representation | held-out position error median (mm) | p90 (mm) |%n|---|---:|---:|%n");
    for (Map.Entry<String, double[]> e : errors.entrySet()) {
      double[] v = e.getValue();
      o.printf(Locale.ROOT, "| %s | %.1f | %.1f |%n", e.getKey() + (v.length > 2 ? " (" + (int) v[2] + " of "
          + testXy.size() + " hidden by the arm: counted as misses)" : ""), 1000 * v[0], 1000 * v[1]);
    }
    o.printf(Locale.ROOT, "training %.1f s (%.0f pictures/s on %s); encoding %.0f pictures/s (one intra-op thread)%n",
        secs, (double) steps * config.batch() / Math.max(1e-9, secs), DjlEngine.get().getEngineName(),
        encodePerSecond);
    if (!curve.isEmpty()) {
      Path png = out.resolve("encoder-loss.png");
      LossPlot.write(curve, new String[] {"total", "prediction (JEPA)", "VICReg variance"},
          "JEPA image encoder: loss per step", png);
      o.println("loss curve: " + png);
    }
    return 0;
  }

  /**
   * The push cell rendered: the camera of push-camera.yaml at 128 x 96 averaged to 64 x 48, the puck
   * anywhere on the table turned any way, the arm in varied poses in front of it.
   */
  private Pictures rendered(RobotModel arm, SceneObject puck, double fx, List<ObjectPose> testPoses,
      List<double[]> testArms) {
    CameraSpec small = new CameraSpec(128, 96, fx, fx, 63.5, 47.5, new double[] {1.0, 0, 0.7},
        new double[] {0.45, 0, 0}, 30, 0.01, Map.of("puck", 0));
    Scene scene = new Scene(0.02, List.of(puck), small);
    SimCamera camera = new SimCamera("camera", small, scene, CollisionModel.of(arm, null), seed);
    o.printf(Locale.ROOT, "telos train-encoder: %d + %d pictures (64x48 from 128x96), %d steps of %d%n", pictures,
        heldOut, steps, 64);
    Pictures d = new Pictures(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), 64, 48);
    SplittableRandom rnd = new SplittableRandom(seed);
    int total = pictures + heldOut;
    for (int i = 0; i < total; i++) {
      double[] q = SimulatedArm.defaultInitialPosition(arm);
      for (int j = 0; j < q.length; j++) {
        q[j] += rnd.nextDouble(-0.4, 0.4);
      }
      ObjectPose pose = new ObjectPose("puck", rnd.nextDouble(X_RANGE[0], X_RANGE[1]),
          rnd.nextDouble(Y_RANGE[0], Y_RANGE[1]), puck.centreHeightM(), rnd.nextDouble(-Math.PI, Math.PI), 0);
      float[] img = downsample(camera.render(i, 0, q, List.of(pose)));
      if (i < pictures) {
        d.train().add(img);
        d.trainXy().add(new double[] {pose.xM(), pose.yM()});
      } else {
        d.test().add(img);
        d.testXy().add(new double[] {pose.xM(), pose.yM()});
        testPoses.add(pose);
        testArms.add(q);
      }
      if (i % 50 == 0 || i == total - 1) {
        TrainCommand.bar(o, "pictures rendered", i + 1, total);
      }
    }
    o.println();
    return d;
  }

  /**
   * The pictures kept in a store: the last fifth of the episodes (at least one) held out; a
   * picture's label is the first tracked object of its step, and held-out pictures without one are
   * not measured.
   */
  static Pictures fromMemory(Path db, Path dir, PrintStream o) throws IOException {
    MemoryPictures.Kept kept = MemoryPictures.read(db, dir, 40, o, "train-encoder");
    List<MemoryPictures.Episode> episodes = kept.episodes();
    int firstHeldOut = episodes.size() - Math.max(1, episodes.size() / 5);
    o.printf(Locale.ROOT, "telos train-encoder: %d pictures from %d episodes of %s (%d held out)%n", kept.total(),
        episodes.size(), db, episodes.size() - firstHeldOut);
    Pictures d = new Pictures(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
        kept.width(), kept.height());
    for (int k = 0; k < episodes.size(); k++) {
      for (MemoryPictures.Shot shot : episodes.get(k).shots()) {
        StepRecord step = shot.step();
        double[] xy = step == null || step.objects().isEmpty() ? null
            : new double[] {step.objects().get(0).xM(), step.objects().get(0).yM()};
        if (k < firstHeldOut) {
          d.train().add(shot.pixels());
          d.trainXy().add(xy);
        } else if (xy != null) {
          d.test().add(shot.pixels());
          d.testXy().add(xy);
        }
      }
    }
    if (d.test().size() < 10 || d.trainXy().stream().filter(xy -> xy != null).count() < 20) {
      throw new LaunchException("train-encoder: too few pictures with a tracked object to measure a probe ("
          + d.trainXy().stream().filter(xy -> xy != null).count() + " to fit, " + d.test().size()
          + " held out; needs 20 and 10)");
    }
    return d;
  }

  private static double[] probeErrors(ImageJepa enc, Pictures d) {
    List<float[]> train = new ArrayList<>();
    List<double[]> trainXy = new ArrayList<>();
    for (int i = 0; i < d.train().size(); i++) {
      if (d.trainXy().get(i) != null) {
        train.add(d.train().get(i));
        trainXy.add(d.trainXy().get(i));
      }
    }
    List<double[]> testXy = d.testXy();
    double[][] z = enc.encode(train);
    double[][] w = ImageJepa.fitProbe(z, trainXy.toArray(new double[0][]), 1e-3 * z.length);
    double[][] zt = enc.encode(d.test());
    double[] err = new double[zt.length];
    for (int i = 0; i < zt.length; i++) {
      double[] p = ImageJepa.probe(w, zt[i]);
      err[i] = Math.hypot(p[0] - testXy.get(i)[0], p[1] - testXy.get(i)[1]);
    }
    return stats(err);
  }

  /** The tracker on the same scenes at full resolution; a picture without a detection counts as the mean's error. */
  private static double[] fiducial(CameraSpec full, SceneObject puck, RobotModel arm, List<ObjectPose> poses,
      List<double[]> arms, long seed) {
    Scene scene = new Scene(0.02, List.of(puck), full);
    SimCamera camera = new SimCamera("camera", full, scene, CollisionModel.of(arm, null), seed);
    double[] err = new double[poses.size()];
    int missed = 0;
    for (int i = 0; i < poses.size(); i++) {
      FiducialTracker t = new FiducialTracker(full, scene, Long.MAX_VALUE);
      ObjectPose truth = poses.get(i);
      List<FiducialTracker.Detection> d = t.process(camera.render(i, 0, arms.get(i), List.of(truth)));
      if (d.isEmpty()) {
        err[i] = Double.POSITIVE_INFINITY; // not seen (the arm in front): counted as a miss
        missed++;
      } else {
        err[i] = Math.hypot(d.get(0).pose().xM() - truth.xM(), d.get(0).pose().yM() - truth.yM());
      }
    }
    double[] s = stats(err);
    return new double[] {s[0], s[1], missed};
  }

  /** Median and 90th percentile. */
  static double[] stats(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return new double[] {s[s.length / 2], s[(int) Math.min(s.length - 1, Math.floor(0.9 * s.length))]};
  }

  /** 128 x 96 RGB8 averaged 2 x 2 down to 64 x 48, channel-major floats in [0, 1]. */
  static float[] downsample(CameraFrame f) {
    int w = f.width() / 2;
    int h = f.height() / 2;
    float[] out = new float[3 * w * h];
    byte[] rgb = f.rgb();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          int s = 0;
          for (int dy = 0; dy < 2; dy++) {
            for (int dx = 0; dx < 2; dx++) {
              s += rgb[3 * ((2 * y + dy) * f.width() + 2 * x + dx) + c] & 0xff;
            }
          }
          out[c * w * h + y * w + x] = s / (4 * 255f);
        }
      }
    }
    return out;
  }
}
