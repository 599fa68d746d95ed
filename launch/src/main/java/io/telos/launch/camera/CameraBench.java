package io.telos.launch.camera;

import io.telos.api.ObjectPose;
import io.telos.api.WallClock;
import io.telos.api.camera.CameraFrame;
import io.telos.api.camera.CameraSpec;
import io.telos.api.scene.Scene;
import io.telos.api.scene.SceneObject;
import io.telos.bridge.sim.SimCamera;
import io.telos.bridge.sim.SimConfig;
import io.telos.bridge.sim.SimulatedArm;
import io.telos.model.CollisionModel;
import io.telos.model.RobotModel;
import io.telos.perception.camera.CameraObjects;
import io.telos.perception.camera.FiducialTracker;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code telos bench-camera}: how well and how fast the camera pipeline sees a puck. The simulated
 * camera of {@code launch/examples/push-camera.yaml} (640 × 480, 60°, 1 % pixel noise) renders the
 * puck at random places and turns on the table, in bands of distance from the camera; the
 * fiducial tracker finds it. Reports, per band, the detection rate and the error against the
 * simulator's truth of the tracker's position (corners cast onto the top-face plane) beside
 * BoofCV's own perspective-n-point position alone, and of the yaw; the render and detection time
 * per frame on one core; and, with the simulated arm running in real time at 30 frames per second,
 * the latency from a picture's stamp to its poses. Writes {@code DIR/camera.md} and a picture of a
 * detection, {@code DIR/camera-detection.png}.
 */
@Command(name = "bench-camera", mixinStandardHelpOptions = true,
    description = "Fiducial pose error vs the simulator's truth by distance, render and detection time per frame, "
        + "real-time latency; writes DIR/camera.md and DIR/camera-detection.png.")
public final class CameraBench implements Callable<Integer> {
  static final SceneObject PUCK = new SceneObject("puck", 0.04, 0.06, 0.3, 0.4, 0.5, -0.1);
  static final CameraSpec CAMERA = new CameraSpec(640, 480, 320 / Math.tan(Math.toRadians(30)),
      320 / Math.tan(Math.toRadians(30)), 319.5, 239.5, new double[] {1.0, 0, 0.7}, new double[] {0.45, 0, 0}, 30,
      0.01, Map.of("puck", 0));
  /**
   * The sweep's camera: push-camera.yaml's, lowered to 0.55 m so that the puck's top can be from
   * 0.5 m to more than 1 m away.
   */
  static final CameraSpec SWEEP = new CameraSpec(640, 480, CAMERA.fx(), CAMERA.fy(), 319.5, 239.5,
      new double[] {1.0, 0, 0.55}, new double[] {0.45, 0, 0}, 30, 0.01, Map.of("puck", 0));
  static final double[][] BANDS = {{0.5, 0.6}, {0.6, 0.7}, {0.7, 0.8}, {0.8, 0.9}, {0.9, 1.0}};
  private static final int MAX_DRAWS = 1_000_000;

  @Option(names = "--frames", description = "Pictures per distance band (default 200).")
  int frames = 200;

  @Option(names = "--seed", description = "Seed of the placements (default 7).")
  long seed = 7;

  @Option(names = "--realtime-s", description = "Seconds of the real-time latency run (default 10).")
  double realtimeS = 10;

  @Option(names = "--out", description = "Output directory (default runs/camera).")
  Path out = Path.of("runs", "camera");

  /** Error figures of one band. */
  record Band(double near, double far, int pictures, int found, double[] planeMm, double[] pnpMm, double[] yawDeg) {}

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(out);
    Scene scene = new Scene(0.02, List.of(PUCK), SWEEP);
    SimCamera camera = new SimCamera("camera", SWEEP, scene, null, seed);
    FiducialTracker tracker = new FiducialTracker(SWEEP, scene, Long.MAX_VALUE);
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Band> bands = new ArrayList<>();
    List<Long> renderNs = new ArrayList<>();
    List<Long> detectNs = new ArrayList<>();
    long sequence = 0;
    for (double[] b : BANDS) {
      List<Double> plane = new ArrayList<>();
      List<Double> pnp = new ArrayList<>();
      List<Double> yaw = new ArrayList<>();
      int shots = 0;
      int draws = 0;
      while (shots < frames) {
        if (++draws > MAX_DRAWS) {
          throw new IllegalStateException("no place on the table is " + b[0] + "-" + b[1] + " m from the camera");
        }
        double[] p = placement(rnd, b[0], b[1]);
        if (p == null) {
          continue;
        }
        shots++;
        double turn = rnd.nextDouble(-Math.PI, Math.PI);
        long t0 = System.nanoTime();
        CameraFrame f = camera.render(sequence++, 0, null,
            List.of(new ObjectPose("puck", p[0], p[1], PUCK.centreHeightM(), turn, 0)));
        long t1 = System.nanoTime();
        List<FiducialTracker.Detection> d = tracker.process(f);
        long t2 = System.nanoTime();
        renderNs.add(t1 - t0);
        detectNs.add(t2 - t1);
        if (d.isEmpty()) {
          continue;
        }
        ObjectPose seen = d.get(0).pose();
        double[] q = d.get(0).pnpTopCentre();
        plane.add(1000 * seen.planarDistanceTo(p[0], p[1]));
        pnp.add(1000 * Math.sqrt(sq(q[0] - p[0]) + sq(q[1] - p[1]) + sq(q[2] - PUCK.heightM())));
        yaw.add(Math.toDegrees(Math.abs(Math.atan2(Math.sin(seen.yawRad() - turn), Math.cos(seen.yawRad() - turn)))));
      }
      bands.add(new Band(b[0], b[1], shots, plane.size(), quantiles(plane), quantiles(pnp), quantiles(yaw)));
      System.err.printf(Locale.ROOT, "band %.1f-%.1f m: %d/%d found%n", b[0], b[1], plane.size(), shots);
    }
    RealTime rt = realTime();
    Path png = out.resolve("camera-detection.png");
    picture(png);
    String md = markdown(bands, sorted(renderNs), sorted(detectNs), rt);
    Path mdFile = out.resolve("camera.md");
    Files.writeString(mdFile, md);
    System.out.println(md);
    System.out.println("wrote " + mdFile + " and " + png);
    return 0;
  }

  /**
   * A puck centre on the table whose top face is {@code near..far} from the camera and inside the
   * picture with a margin, or null for this draw.
   */
  static double[] placement(SplittableRandom rnd, double near, double far) {
    double u = rnd.nextDouble(60, SWEEP.width() - 60);
    double v = rnd.nextDouble(60, SWEEP.height() - 60);
    double[] r = SWEEP.rotation();
    double[] o = SWEEP.position();
    double a = (u - SWEEP.cx()) / SWEEP.fx();
    double b = (v - SWEEP.cy()) / SWEEP.fy();
    double dx = r[0] * a + r[1] * b + r[2];
    double dy = r[3] * a + r[4] * b + r[5];
    double dz = r[6] * a + r[7] * b + r[8];
    if (dz >= 0) {
      return null;
    }
    double t = (PUCK.heightM() - o[2]) / dz;
    double dist = t * Math.sqrt(dx * dx + dy * dy + dz * dz);
    if (dist < near || dist >= far) {
      return null;
    }
    return new double[] {o[0] + t * dx, o[1] + t * dy};
  }

  /** The simulated arm in real time at 30 frames per second, objects from the tracker's own thread. */
  record RealTime(double seconds, long rendered, long processed, long droppedRender, long droppedTracker,
      long[] latencyNs) {}

  RealTime realTime() throws Exception {
    RobotModel model = RobotModel.load("builtin:telos6");
    Scene scene = new Scene(0.02, List.of(PUCK), CAMERA);
    SimulatedArm arm = new SimulatedArm("bench", model, SimConfig.defaults(), WallClock.INSTANCE, seed, false, scene);
    FiducialTracker tracker = new FiducialTracker(CAMERA, scene, Long.MAX_VALUE);
    try (CameraObjects seen = CameraObjects.wrap(arm, tracker, WallClock.INSTANCE, false)) {
      seen.start();
      Thread.sleep((long) (realtimeS * 1000)); // a run of fixed length: nothing to synchronise with
      return new RealTime(realtimeS, arm.framesRendered(), seen.processed(), arm.framesDropped(), seen.dropped(),
          seen.latencies());
    }
  }

  /** The push scene with the arm at home, and what the tracker found drawn over it. */
  static void picture(Path png) throws Exception {
    RobotModel model = RobotModel.load("builtin:telos6");
    Scene scene = new Scene(0.02, List.of(PUCK), CAMERA);
    SimCamera camera = new SimCamera("camera", CAMERA, scene, CollisionModel.of(model, null), 1);
    ObjectPose truth = new ObjectPose("puck", 0.5, -0.1, PUCK.centreHeightM(), 0.5, 0);
    CameraFrame f = camera.render(0, 0, new double[] {0, -0.5, 1.2, -0.7, 1.57, 0}, List.of(truth));
    List<FiducialTracker.Detection> found = new FiducialTracker(CAMERA, scene, Long.MAX_VALUE).process(f);
    BufferedImage img = new BufferedImage(f.width(), f.height(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < f.height(); y++) {
      for (int x = 0; x < f.width(); x++) {
        int k = 3 * (y * f.width() + x);
        img.setRGB(x, y, (f.rgb()[k] & 0xff) << 16 | (f.rgb()[k + 1] & 0xff) << 8 | (f.rgb()[k + 2] & 0xff));
      }
    }
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    for (FiducialTracker.Detection d : found) {
      double[] c = d.cornersPx();
      Path2D.Double poly = new Path2D.Double();
      poly.moveTo(c[0], c[1]);
      for (int i = 1; i < 4; i++) {
        poly.lineTo(c[2 * i], c[2 * i + 1]);
      }
      poly.closePath();
      g.setColor(new Color(0, 200, 60));
      g.setStroke(new BasicStroke(2f));
      g.draw(poly);
      ObjectPose p = d.pose();
      String label = String.format(Locale.ROOT, "%s  x %.1f  y %.1f mm  yaw %.1f°  (truth %.1f, %.1f, %.1f°)",
          p.name(), 1000 * p.xM(), 1000 * p.yM(), Math.toDegrees(p.yawRad()), 1000 * truth.xM(), 1000 * truth.yM(),
          Math.toDegrees(truth.yawRad()));
      g.setColor(Color.BLACK);
      g.drawString(label, 11, f.height() - 13);
      g.setColor(new Color(0, 120, 40));
      g.drawString(label, 10, f.height() - 14);
    }
    g.dispose();
    ImageIO.write(img, "png", png.toFile());
  }

  static String markdown(List<Band> bands, long[] render, long[] detect, RealTime rt) {
    StringBuilder sb = new StringBuilder();
    sb.append("`telos bench-camera` — the simulated camera of push-camera.yaml (640x480, 60°, 1 % pixel noise; for the "
        + "sweep 0.55 m above the table, 1 m from the arm's base, looking at (0.45, 0, 0)), the puck (r 4 cm, AprilTag 36h11 of side 4.8 cm on its top) at random places and turns, errors against the "
        + "simulator's truth.\n\n");
    sb.append("| distance (m) | found | position, plane-cast corners: median / p95 (mm) "
        + "| position, BoofCV PnP alone: median / p95 (mm) | yaw: median / p95 (°) |\n|---|---:|---:|---:|---:|\n");
    for (Band b : bands) {
      sb.append(String.format(Locale.ROOT, "| %.1f–%.1f | %d/%d | %.2f / %.2f | %.2f / %.2f | %.2f / %.2f |%n",
          b.near(), b.far(), b.found(), b.pictures(), b.planeMm()[0], b.planeMm()[1], b.pnpMm()[0], b.pnpMm()[1],
          b.yawDeg()[0], b.yawDeg()[1]));
    }
    sb.append(String.format(Locale.ROOT, "%nPer frame on one core (%d frames): render p50 %.1f ms, p99 %.1f ms, "
        + "p99.9 %.1f ms; detect p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms: %.0f detections/s per core.%n",
        render.length, ms(render, 0.5), ms(render, 0.99), ms(render, 0.999), ms(detect, 0.5), ms(detect, 0.99),
        ms(detect, 0.999), 1e9 / Arrays.stream(detect).average().orElse(Double.NaN)));
    sb.append(String.format(Locale.ROOT, "%nReal time, %.0f s at 30 fps (the simulated arm's physics, its camera "
        + "thread and the tracker's thread on this machine): %d pictures rendered, %d tracked, %d skipped by the "
        + "camera, %d by the tracker; latency from a picture's stamp to its poses p50 %.1f ms, p99 %.1f ms, "
        + "p99.9 %.1f ms (2 frame periods: 66.7 ms).%n", rt.seconds(), rt.rendered(), rt.processed(), rt.droppedRender(),
        rt.droppedTracker(), ms(rt.latencyNs(), 0.5), ms(rt.latencyNs(), 0.99), ms(rt.latencyNs(), 0.999)));
    return sb.toString();
  }

  static double ms(long[] sorted, double q) {
    return sorted.length == 0 ? Double.NaN : sorted[index(sorted.length, q)] / 1e6;
  }

  static int index(int n, double q) {
    return Math.max(0, Math.min(n - 1, (int) Math.ceil(q * n) - 1));
  }

  static double[] quantiles(List<Double> v) {
    double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return s.length == 0 ? new double[] {Double.NaN, Double.NaN} : new double[] {s[index(s.length, 0.5)],
        s[index(s.length, 0.95)]};
  }

  static long[] sorted(List<Long> v) {
    return v.stream().mapToLong(Long::longValue).sorted().toArray();
  }

  private static double sq(double x) {
    return x * x;
  }
}
