package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.launch.identify.Excitation;
import io.telos.model.RobotModel;
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
 * {@code telos identify} end to end on the built-in simulated arm in lock-step: the excitation goes
 * through the safety kernel, the fit comes back with a table and the robot.response section.
 */
class IdentifyCommandTest {
  @TempDir
  Path dir;

  private Path launch() throws Exception {
    return launch("");
  }

  /** A lock-step launch file with {@code slow} added to the sim bridge (e.g. its lag keys). */
  private Path launch(String slow) throws Exception {
    Path f = dir.resolve("arm.yaml");
    Files.writeString(f, """
        robot: { id: arm1, description: builtin:telos6 }
        clock: sim
        seed: 7
        bridge: { type: sim%s }
        planner: { type: mppi, rate_hz: 50 }
        safety: { rate_hz: 1000 }
        task: { type: reach_random, count: 1, tolerance_m: 0.01, timeout_s: 8, settle_s: 0.1 }
        """.formatted(slow));
    return f;
  }

  @Test
  void identifiesTheSimulatedArmThroughTheKernel() throws Exception {
    Path out = dir.resolve("response.yaml");
    IdentifyCommand cmd = new IdentifyCommand();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    cmd.out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    CommandLine cl = new CommandLine(cmd);
    int code = cl.execute(launch().toString(), "--joints", "shoulder_lift_joint,2", "--amplitude-rad", "0.08",
        "--write", out.toString());
    String text = buf.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, text);
    // today's sim adds the kernel's velocity feed-forward to its kp position loop: it follows the
    // command with no lag or dead time the sampling can resolve
    for (String joint : new String[] {"shoulder_lift_joint", "elbow_joint"}) {
      Matcher m = Pattern.compile(joint + "\\s+([0-9.]+) ± ([0-9.]+)\\s+([0-9.]+) ± ([0-9.]+)\\s+(\\d+)").matcher(text);
      assertTrue(m.find(), joint + " row missing:\n" + text);
      assertTrue(Double.parseDouble(m.group(1)) <= 0.005, joint + " lag:\n" + text);
      assertTrue(Double.parseDouble(m.group(3)) <= 2.0, joint + " dead time:\n" + text);
      assertTrue(Integer.parseInt(m.group(5)) > 500, joint + " informative samples:\n" + text);
    }
    assertTrue(text.contains("robot:\n  response:\n    lag_s: ["), text);
    String written = Files.readString(out);
    assertTrue(written.startsWith("robot:\n  response:\n    lag_s: ["), written);
    assertTrue(written.contains("dead_time_ms: ["), written);
    // the joints left still have no estimate and say so
    assertTrue(written.contains("# joint 0: no estimate"), written);
  }

  /** On an arm simulated slow, the fit recovers the simulator's lag within 10 % and dead time within 5 ms. */
  @Test
  void recoversTheLagAndDeadTimeOfASlowArm() throws Exception {
    IdentifyCommand cmd = new IdentifyCommand();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    cmd.out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    int code = new CommandLine(cmd).execute(launch(", lag_s: 0.15, dead_time_ms: 30").toString(), "--joints",
        "shoulder_pan_joint,wrist_1_joint");
    String text = buf.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, text);
    for (String joint : new String[] {"shoulder_pan_joint", "wrist_1_joint"}) {
      Matcher m = Pattern.compile(joint + "\\s+([0-9.]+) ± ([0-9.]+)\\s+([0-9.]+) ± ([0-9.]+)\\s+(\\d+)").matcher(text);
      assertTrue(m.find(), joint + " row missing:\n" + text);
      assertEquals(0.15, Double.parseDouble(m.group(1)), 0.015, joint + " lag:\n" + text);
      assertEquals(30, Double.parseDouble(m.group(3)), 5, joint + " dead time:\n" + text);
    }
  }

  @Test
  void badOptionsNameTheOption() throws Exception {
    StringWriter err = new StringWriter();
    CommandLine cl = Telos.commandLine();
    cl.setErr(new PrintWriter(err, true));
    assertEquals(Telos.EXIT_BAD_LAUNCH, cl.execute("identify", launch().toString(), "--joints", "nose"));
    assertTrue(err.toString().contains("--joints: 'nose'"), err.toString());
    err.getBuffer().setLength(0);
    assertEquals(Telos.EXIT_BAD_LAUNCH, cl.execute("identify", launch().toString(), "--amplitude-rad", "2"));
    assertTrue(err.toString().contains("--amplitude-rad: must be in (0, 0.5]"), err.toString());
  }

  @Test
  void theExcitationStaysInsideTheLimits() {
    RobotModel model = RobotModel.load("builtin:telos6");
    var lim = model.limits();
    double[] base = lim.upper(); // at the upper limits: excursions only go down
    Excitation ex = new Excitation(lim, new int[] {0, 1, 2, 3, 4, 5}, 0.3, 1);
    double[] p = new double[6];
    double lowest = 0;
    for (double t = 0; t < ex.durationS(); t += 0.001) {
      ex.position(t, base, p);
      for (int i = 0; i < 6; i++) {
        assertTrue(p[i] <= base[i] + 1e-12, "joint " + i + " above its start at the upper limit, t=" + t);
        assertTrue(p[i] >= lim.lower(i) + Excitation.LIMIT_MARGIN - 1e-12, "joint " + i + " below its limit");
        lowest = Math.min(lowest, p[i] - base[i]);
      }
    }
    assertEquals(-0.3, lowest, 1e-9, "the excursion goes down the whole amplitude");
  }
}
