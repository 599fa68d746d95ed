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

  @Override
  public Integer call() throws Exception {
    if (pictures < 100 || heldOut < 20 || steps < 0) {
      throw new LaunchException("train-encoder: needs --pictures >= 100, --held-out >= 20 and --steps >= 0, had "
          + pictures + ", " + heldOut + ", " + steps);
    }
    ImageJepa.Config config = new ImageJepa.Config(64, 48, 32, steps, 64, 2e-3, 0.99, 0.45, seed);
    RobotModel arm = RobotModel.load("builtin:telos6");
    SceneObject puck = new SceneObject("puck", 0.04, 0.06, 0.3, 0.4, 0.5, 0);
    // the camera of push-camera.yaml, rendered at 128 x 96 and averaged down to 64 x 48
    double fx = 64 / Math.tan(Math.toRadians(30));
    CameraSpec small = new CameraSpec(128, 96, fx, fx, 63.5, 47.5, new double[] {1.0, 0, 0.7},
        new double[] {0.45, 0, 0}, 30, 0.01, Map.of("puck", 0));
    CameraSpec full = new CameraSpec(640, 480, 5 * fx, 5 * fx, 319.5, 239.5, new double[] {1.0, 0, 0.7},
        new double[] {0.45, 0, 0}, 30, 0.01, Map.of("puck", 0));
    Scene scene = new Scene(0.02, List.of(puck), small);
    SimCamera camera = new SimCamera("camera", small, scene, CollisionModel.of(arm, null), seed);
    o.printf(Locale.ROOT, "telos train-encoder: %d + %d pictures (64x48 from 128x96), %d steps of %d%n", pictures,
        heldOut, steps, config.batch());
    List<float[]> train = new ArrayList<>();
    List<double[]> trainXy = new ArrayList<>();
    List<float[]> test = new ArrayList<>();
    List<double[]> testXy = new ArrayList<>();
    List<ObjectPose> testPoses = new ArrayList<>();
    List<double[]> testArms = new ArrayList<>();
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
        train.add(img);
        trainXy.add(new double[] {pose.xM(), pose.yM()});
      } else {
        test.add(img);
        testXy.add(new double[] {pose.xM(), pose.yM()});
        testPoses.add(pose);
        testArms.add(q);
      }
      if (i % 50 == 0 || i == total - 1) {
        TrainCommand.bar(o, "pictures rendered", i + 1, total);
      }
    }
    o.println();
    errors = new LinkedHashMap<>();
    double[] mean = new double[2];
    for (double[] xy : trainXy) {
      mean[0] += xy[0] / trainXy.size();
      mean[1] += xy[1] / trainXy.size();
    }
    double[] constant = new double[testXy.size()];
    for (int i = 0; i < constant.length; i++) {
      constant[i] = Math.hypot(testXy.get(i)[0] - mean[0], testXy.get(i)[1] - mean[1]);
    }
    errors.put("mean position (no picture)", stats(constant));
    List<double[]> curve = new ArrayList<>();
    long t0 = System.nanoTime();
    try (NDManager m = DjlEngine.get().newBaseManager()) {
      try (ImageJepa random = ImageJepa.untrained(m, config)) {
        errors.put("untrained encoder (random weights) + linear probe", probeErrors(random, train, trainXy, test,
            testXy));
      }
      List<ImageJepa.Progress> progress = new ArrayList<>();
      try (ImageJepa jepa = ImageJepa.train(m, train, config, progress,
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
        errors.put("JEPA encoder + linear probe", probeErrors(jepa, train, trainXy, test, testXy));
        long e0 = System.nanoTime();
        jepa.encode(test);
        encodePerSecond = test.size() / ((System.nanoTime() - e0) / 1e9);
      }
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    errors.put("fiducial tracker, 640x480 (AprilTag on the puck)", fiducial(full, puck, arm, testPoses, testArms,
        seed));
    o.println();
    o.printf(Locale.ROOT, "| representation | held-out position error median (mm) | p90 (mm) |%n|---|---:|---:|%n");
    for (Map.Entry<String, double[]> e : errors.entrySet()) {
      double[] v = e.getValue();
      o.printf(Locale.ROOT, "| %s | %.1f | %.1f |%n", e.getKey() + (v.length > 2 ? " (" + (int) v[2] + " of "
          + heldOut + " hidden by the arm: counted as misses)" : ""), 1000 * v[0], 1000 * v[1]);
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

  private static double[] probeErrors(ImageJepa enc, List<float[]> train, List<double[]> trainXy, List<float[]> test,
      List<double[]> testXy) {
    double[][] z = enc.encode(train);
    double[][] w = ImageJepa.fitProbe(z, trainXy.toArray(new double[0][]), 1e-3 * z.length);
    double[][] zt = enc.encode(test);
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
