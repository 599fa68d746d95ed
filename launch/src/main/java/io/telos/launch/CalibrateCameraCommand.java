package io.telos.launch;

import io.telos.api.Goal;
import io.telos.api.Header;
import io.telos.api.Rotations;
import io.telos.api.Target;
import io.telos.api.Vec;
import io.telos.api.camera.CameraSpec;
import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.telos.api.spi.Steppable;
import io.telos.bridge.sim.SimRobotHardwareProvider;
import io.telos.launch.camera.CalibrationStations;
import io.telos.launch.camera.StationPlanner;
import io.telos.model.CollisionModel;
import io.telos.model.RobotModel;
import io.telos.model.Transform;
import io.telos.perception.camera.HandEyeCalibration;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchException;
import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code telos calibrate-camera}: finds where the camera of a launch file really is. The arm shows
 * the marker on its tool ({@code scene.camera.tool_marker}) to the camera from several poses
 * ({@link CalibrationStations}), moved there as plans through the safety kernel
 * ({@link StationPlanner}); at each, once the arm has settled, one picture and the measured joints
 * are kept. {@link HandEyeCalibration} then solves for the camera's pose in the base frame and the
 * marker's place on the tool. Prints both, how far they are from what the launch file says, the
 * reprojection error, and the {@code scene.camera} lines to paste.
 */
@Command(name = "calibrate-camera", description = "Show the tool's marker to the camera from several arm poses and "
    + "find where the camera really is (hand-eye calibration); prints scene.camera's position and rpy.")
final class CalibrateCameraCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(CalibrateCameraCommand.class);
  /** Pictures needed for a result worth printing. */
  static final int MIN_PICTURES = 6;
  /** Reprojection error above which the result is reported as failed, pixels. */
  static final double MAX_RMS_PX = 1.0;

  @Parameters(index = "0", paramLabel = "LAUNCH_FILE", description = "YAML launch file with scene.camera.tool_marker")
  Path file;

  @Option(names = "--stations", description = "Arm poses to take pictures from (default ${DEFAULT-VALUE}).")
  int stations = 12;

  @Option(names = "--settle-s", paramLabel = "S",
      description = "How long the arm holds a pose before its picture (default ${DEFAULT-VALUE}).")
  double settleS = 0.8;

  @Option(names = "--seed", description = "Override the launch file's seed (varies the poses).")
  Long seed;

  @Option(names = "--write", paramLabel = "FILE", description = "Also write the scene.camera pose lines to FILE.")
  Path write;

  PrintStream out = System.out;

  /** The last calibration (for tests), null before one succeeded. */
  HandEyeCalibration.Result result;

  @Override
  public Integer call() throws Exception {
    LaunchSpec spec = LaunchFile.load(file);
    if (seed != null) {
      spec = spec.withSeed(seed);
    }
    spec = spec.withMemory(new Settings("memory", Map.of("type", "none"))); // calibration is not an episode
    CameraSpec camera = spec.scene().camera();
    if (camera == null || camera.toolMarker() == null) {
      throw new LaunchException(file + ": scene.camera" + (camera == null ? "" : ".tool_marker")
          + ": calibrate-camera needs a camera with a marker on the tool, e.g. tool_marker: { id: 586, side_m: 0.05 }");
    }
    if (stations < 3 || stations > 100) {
      throw new LaunchException("--stations: must be in [3, 100], was " + stations);
    }
    if (!(settleS >= 0 && settleS <= 30)) {
      throw new LaunchException("--settle-s: must be in [0, 30], was " + settleS);
    }
    RobotModel model;
    try {
      model = Composer.model(spec);
    } catch (ConfigException e) {
      throw new LaunchException(file + ": " + e.getMessage(), e);
    }
    CalibrationStations chooser = new CalibrationStations(model, CollisionModel.of(model, null), camera, spec.scene());
    long stationSeed = spec.seed();
    StationPlanner planner = new StationPlanner(model.limits(), q -> chooser.choose(q, stations, stationSeed), settleS);
    out.printf(Locale.ROOT, "telos calibrate-camera: robot %s (%s), camera %dx%d, marker %d (%.0f mm) on the tool, "
        + "%d poses%n", spec.robot().id(), spec.robot().description(), camera.width(), camera.height(),
        camera.toolMarker().id(), camera.toolMarker().sideM() * 1000, stations);
    // the goal only bounds the run: the planner ends the session once the arm is back
    double boundS = planner.boundS(stations, CalibrationStations.REACH) + 5;
    Goal goal = new Goal(Header.of(0, 0, "calibrate"), "calibrate",
        new Target.Joints(Vec.of(filled(model.dof(), 1e6))), 1e-6, (long) (boundS * 1e9));
    LaunchSpec s = spec;
    RunReport report = Session.run(spec, p -> {
      if (s.simulatedTime() && !(p.hardware() instanceof Steppable)) {
        throw new LaunchException("clock: sim needs a bridge that can be stepped (bridge.type: sim)");
      }
      p.hardware().onFrame(planner::frame);
      return p.withPlanner(planner).withGoals(List.of(goal));
    }, o -> { }, Duration.ofSeconds((long) (boundS * 4 + 60)), -1, started -> planner.onDone(started.stop()));
    LOG.info("component=calibrate event=toured poses={} faults={}", planner.captures().size(), report.faults());
    if (planner.failure() != null) {
      out.println("telos calibrate-camera: " + planner.failure());
      return Telos.EXIT_TASK_FAILED;
    }
    return solve(spec, model, camera, planner.captures(), report);
  }

  private int solve(LaunchSpec spec, RobotModel model, CameraSpec camera, List<StationPlanner.Capture> captures,
      RunReport report) {
    HandEyeCalibration cal = new HandEyeCalibration(camera);
    List<HandEyeCalibration.Sample> samples = new ArrayList<>();
    List<Integer> used = new ArrayList<>();
    out.println("pose  picture  settled  marker seen");
    for (StationPlanner.Capture c : captures) {
      double[] q = mean(c.positions());
      boolean settled = q != null && spread(c.positions()) < 2e-3 && CalibrationStations.maxDelta(q, c.target()) < 0.02;
      HandEyeCalibration.Sample sample = c.frame() != null && settled
          ? cal.observe(model.chain().tipTransform(q), c.frame()) : null;
      out.printf(Locale.ROOT, "%4d  %-7s  %-7s  %s%n", c.station() + 1, c.frame() != null ? "yes" : "no",
          settled ? "yes" : "no", sample != null ? "yes" : "no");
      if (sample != null) {
        samples.add(sample);
        used.add(c.station());
      }
    }
    if (!report.faults().isEmpty()) {
      out.println("telos calibrate-camera: faults during the tour: " + report.faults());
    }
    if (samples.size() < MIN_PICTURES) {
      out.println("telos calibrate-camera: the marker was seen in " + samples.size() + " pictures; at least "
          + MIN_PICTURES + " are needed. Check tool_marker (id, side_m) and that the camera sees the tool.");
      return Telos.EXIT_TASK_FAILED;
    }
    HandEyeCalibration.Result r;
    try {
      r = HandEyeCalibration.solve(samples, camera);
    } catch (IllegalArgumentException e) {
      out.println("telos calibrate-camera: " + e.getMessage());
      return Telos.EXIT_TASK_FAILED;
    }
    result = r;
    Transform configured = Transform.of(camera.rotation(), camera.position());
    double[] pos = r.cameraPose().translation();
    double[] rpy = Rotations.rpyOf(r.cameraPose().rotationMatrix());
    out.printf(Locale.ROOT, "reprojection: rms %.3f px over %d pictures (worst picture %.3f px); rotation spread %.2f%n",
        r.rmsPx(), samples.size(), max(r.sampleRmsPx()), r.rotationSpread());
    out.printf(Locale.ROOT, "camera: position [%.4f, %.4f, %.4f] m, rpy [%.5f, %.5f, %.5f] rad%n", pos[0], pos[1],
        pos[2], rpy[0], rpy[1], rpy[2]);
    out.printf(Locale.ROOT, "        %.1f mm and %.2f° from scene.camera%n", 1000 * configured.distanceTo(r.cameraPose()),
        Math.toDegrees(configured.angleTo(r.cameraPose())));
    Object placed = spec.bridge().asMap().get(SimRobotHardwareProvider.CAMERA_POSE);
    if (SimRobotHardwareProvider.TYPE.equals(spec.bridge().string("type", "")) && placed != null) {
      // a rehearsal: the simulator knows where its camera really is
      CameraSpec real = SimRobotHardwareProvider.mounted(spec.scene(), placed).camera();
      Transform truth = Transform.of(real.rotation(), real.position());
      out.printf(Locale.ROOT, "        %.2f mm and %.3f° from the simulated camera (bridge.camera_pose)%n",
          1000 * truth.distanceTo(r.cameraPose()), Math.toDegrees(truth.angleTo(r.cameraPose())));
    }
    CameraSpec.ToolMarker m = camera.toolMarker();
    double[] mx = m.xyz();
    double[] mr = m.rpy();
    Transform declared = Transform.fromXyzRpy(mx[0], mx[1], mx[2], mr[0], mr[1], mr[2]);
    double[] my = r.markerOnTool().translation();
    double[] myr = Rotations.rpyOf(r.markerOnTool().rotationMatrix());
    out.printf(Locale.ROOT, "marker on the tool: xyz [%.4f, %.4f, %.4f] m, rpy [%.4f, %.4f, %.4f] rad "
        + "(%.1f mm and %.2f° from tool_marker)%n", my[0], my[1], my[2], myr[0], myr[1], myr[2],
        1000 * declared.distanceTo(r.markerOnTool()), Math.toDegrees(declared.angleTo(r.markerOnTool())));
    String yaml = String.format(Locale.ROOT, "scene:%n  camera:%n    position: [%.5f, %.5f, %.5f]%n"
        + "    rpy: [%.6f, %.6f, %.6f]   # replaces look_at; telos calibrate-camera, rms %.3f px, %d pictures%n",
        pos[0], pos[1], pos[2], rpy[0], rpy[1], rpy[2], r.rmsPx(), samples.size());
    IdentifyCommand.printYaml(out, yaml, write);
    LOG.info("component=calibrate event=solved pictures={} rmsPx={} robot={}", samples.size(),
        String.format(Locale.ROOT, "%.3f", r.rmsPx()), spec.robot().id());
    return r.rmsPx() <= MAX_RMS_PX ? 0 : Telos.EXIT_TASK_FAILED;
  }

  private static double[] mean(List<double[]> qs) {
    if (qs.isEmpty()) {
      return null;
    }
    double[] m = new double[qs.get(0).length];
    for (double[] q : qs) {
      for (int j = 0; j < m.length; j++) {
        m[j] += q[j] / qs.size();
      }
    }
    return m;
  }

  /** Largest range of a joint over the observations, rad. */
  private static double spread(List<double[]> qs) {
    double worst = 0;
    for (int j = 0; j < qs.get(0).length; j++) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (double[] q : qs) {
        lo = Math.min(lo, q[j]);
        hi = Math.max(hi, q[j]);
      }
      worst = Math.max(worst, hi - lo);
    }
    return worst;
  }

  private static double max(double[] v) {
    double m = 0;
    for (double x : v) {
      m = Math.max(m, x);
    }
    return m;
  }

  private static double[] filled(int n, double v) {
    double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }
}
