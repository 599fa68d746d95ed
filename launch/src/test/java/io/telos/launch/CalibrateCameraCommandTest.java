package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.camera.CameraSpec;
import io.telos.model.Transform;
import io.telos.perception.camera.HandEyeCalibration;
import io.telos.runtime.config.LaunchFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code telos calibrate-camera} end to end in the simulator: the simulated camera really stands
 * elsewhere than {@code scene.camera} says ({@code bridge.camera_pose}), the arm lags its
 * command, the tour goes through the safety kernel, BoofCV finds the marker in rendered pictures,
 * and the printed pose must land on where the camera really is, not where it was said to be.
 */
class CalibrateCameraCommandTest {
  /** Where the simulated camera really is: 2.9 cm and about 3.7° from where scene.camera says. */
  static final double[] REAL_POSITION = {1.02, -0.015, 0.715};
  static final double[] REAL_LOOK_AT = {0.47, 0.02, 0.0};

  @TempDir
  Path dir;

  private Path launch(String lookAt, String bridgeExtra) throws Exception {
    Path f = dir.resolve("calibrate.yaml");
    Files.writeString(f, """
        robot: { id: arm1, description: builtin:telos6 }
        clock: sim
        seed: 11
        bridge: { type: sim, camera_pose: { position: [%s, %s, %s], look_at: [%s, %s, %s] }%s }
        scene:
          camera: { width: 640, height: 480, fov_deg: 60, position: [1.0, 0.0, 0.7], look_at: %s, rate_hz: 30,
                    tool_marker: { id: 586, side_m: 0.05, xyz: [0, 0, 0], rpy: [1.5708, 0, 0] } }
        planner: { type: dls, rate_hz: 50 }
        safety: { rate_hz: 1000 }
        memory: { type: none }
        """.formatted(REAL_POSITION[0], REAL_POSITION[1], REAL_POSITION[2], REAL_LOOK_AT[0], REAL_LOOK_AT[1],
        REAL_LOOK_AT[2], bridgeExtra, lookAt));
    return f;
  }

  @Test
  void findsWhereTheCameraReallyIsOnALaggingArm() throws Exception {
    Path file = launch("[0.45, 0.0, 0.0]", ", lag_s: 0.1, dead_time_ms: 20");
    Path written = dir.resolve("camera.yaml");
    CalibrateCameraCommand cmd = new CalibrateCameraCommand();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    cmd.out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    int code = new CommandLine(cmd).execute(file.toString(), "--stations", "8", "--write", written.toString());
    String text = buf.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, text);
    HandEyeCalibration.Result r = cmd.result;
    assertNotNull(r, text);
    CameraSpec said = LaunchFile.load(file).scene().camera();
    Transform saidPose = Transform.of(said.rotation(), said.position());
    CameraSpec real = said.withLookAt(REAL_POSITION, REAL_LOOK_AT);
    Transform truth = Transform.of(real.rotation(), real.position());
    double offBy = truth.distanceTo(r.cameraPose());
    double turnedBy = truth.angleTo(r.cameraPose());
    assertTrue(offBy < 0.002, "camera " + offBy * 1000 + " mm from where it really is\n" + text);
    assertTrue(turnedBy < Math.toRadians(0.1), "camera turned " + Math.toDegrees(turnedBy) + "° from the truth\n"
        + text);
    assertTrue(saidPose.distanceTo(r.cameraPose()) > 0.02, "the result is not what the launch file said\n" + text);
    Transform markerTruth = Transform.fromXyzRpy(0, 0, 0, 1.5708, 0, 0);
    assertTrue(markerTruth.distanceTo(r.markerOnTool()) < 0.002, "marker on the tool\n" + text);
    assertTrue(r.rmsPx() < 0.5, "reprojection rms " + r.rmsPx());
    assertTrue(text.contains("   8  yes      yes      yes"), text);
    // what it writes is a scene.camera that puts the camera where it really is
    String yaml = Files.readString(written);
    Matcher pos = Pattern.compile("position: \\[([-0-9.]+), ([-0-9.]+), ([-0-9.]+)]").matcher(yaml);
    Matcher rpy = Pattern.compile("rpy: \\[([-0-9.]+), ([-0-9.]+), ([-0-9.]+)]").matcher(yaml);
    assertTrue(pos.find() && rpy.find(), yaml);
    CameraSpec pasted = said.withPose(numbers(pos), numbers(rpy));
    Transform pastedPose = Transform.of(pasted.rotation(), pasted.position());
    assertTrue(truth.distanceTo(pastedPose) < 0.002 && truth.angleTo(pastedPose)
        < Math.toRadians(0.1), yaml);
  }

  @Test
  void aCameraThatCannotSeeTheToolIsReportedNotToured() throws Exception {
    // looking away from the arm, at the floor behind the camera
    Path file = launch("[2.0, 0.0, 0.0]", "");
    CalibrateCameraCommand cmd = new CalibrateCameraCommand();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    cmd.out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    int code = new CommandLine(cmd).execute(file.toString());
    String text = buf.toString(StandardCharsets.UTF_8);
    assertEquals(Telos.EXIT_TASK_FAILED, code, text);
    assertTrue(text.contains("calibration: found only 0 arm poses"), text);
  }

  @Test
  void aLaunchFileWithoutAToolMarkerIsRefused() throws Exception {
    Path f = dir.resolve("plain.yaml");
    Files.writeString(f, """
        robot: { id: arm1, description: builtin:telos6 }
        clock: sim
        bridge: { type: sim }
        scene:
          camera: { position: [1.0, 0.0, 0.7], look_at: [0.45, 0.0, 0.0] }
        planner: { type: dls }
        """);
    StringWriter err = new StringWriter();
    CommandLine cl = Telos.commandLine();
    cl.setErr(new PrintWriter(err, true));
    assertEquals(Telos.EXIT_BAD_LAUNCH, cl.execute("calibrate-camera", f.toString()));
    assertTrue(err.toString().contains("scene.camera.tool_marker: calibrate-camera needs a camera with a marker on the "
        + "tool"), err.toString());
  }

  private static double[] numbers(Matcher m) {
    return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
        Double.parseDouble(m.group(3))};
  }

}
