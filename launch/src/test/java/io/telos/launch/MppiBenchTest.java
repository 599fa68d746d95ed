package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.telos.model.RobotModel;
import io.telos.model.Transform;
import io.telos.planner.MppiPlanner;
import io.telos.planner.Planners;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MppiBenchTest {
  private static final RobotModel TELOS6 = RobotModel.load("builtin:telos6");

  private static MppiPlanner planner() {
    return (MppiPlanner) Planners.create(TELOS6, Map.of("type", "mppi"), 7);
  }

  /** The exported chain (per-joint fixed transform, axis, tip) reproduces Java's forward kinematics. */
  @Test
  void exportedKinematicsReproduceForwardKinematics() {
    List<double[][]> cases = MppiBench.cases(TELOS6, 20);
    ObjectNode p = MppiBench.problem(TELOS6, planner(), cases, 1);
    for (double[][] c : cases) {
      double[] q = c[0];
      Transform acc = Transform.IDENTITY;
      JsonNode joints = p.get("joints");
      for (int i = 0; i < joints.size(); i++) {
        JsonNode j = joints.get(i);
        acc = acc.compose(Transform.of(doubles(j.get("R")), doubles(j.get("t"))))
            .compose(Transform.rotation(doubles(j.get("axis")), q[i]));
      }
      double[] t = doubles(p.get("tip").get("t"));
      double[] ee = acc.apply(t[0], t[1], t[2]);
      double[] expected = TELOS6.chain().forwardPosition(q);
      for (int k = 0; k < 3; k++) {
        assertEquals(expected[k], ee[k], 1e-12);
      }
    }
    assertEquals(20, p.get("cases").size());
    assertTrue(p.get("cases").get(0).get("new_goal").asBoolean());
  }

  /** With Debian's python3-torch present: the PyTorch loop accepts the problem and times every call. */
  @Test
  void pytorchLoopSolvesTheExportedProblem(@TempDir Path dir) throws Exception {
    Path python = Path.of("/usr/bin/python3");
    assumeTrue(Files.isExecutable(python), "no python3");
    Process probe = new ProcessBuilder(python.toString(), "-c", "import torch").start();
    assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0, "python3-torch is not installed");
    List<double[][]> cases = MppiBench.cases(TELOS6, 3);
    ObjectNode p = MppiBench.problem(TELOS6, planner(), cases, 1);
    p.put("samples", 16);
    Path problem = dir.resolve("p.json");
    Files.writeString(problem, p.toString());
    Path script = dir.resolve("mppi_torch.py");
    try (InputStream in = MppiBench.class.getResourceAsStream("/io/telos/launch/bench/mppi_torch.py")) {
      Files.copy(in, script);
    }
    Process run = new ProcessBuilder(python.toString(), script.toString(), problem.toString())
        .redirectErrorStream(true).start();
    String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(run.waitFor(120, TimeUnit.SECONDS), "python finished");
    assertEquals(0, run.exitValue(), out);
    JsonNode r = new ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElseThrow());
    assertEquals(3, r.get("step_us").size(), out);
    assertTrue(r.get("step_us").get(2).asLong() > 0);
  }

  private static double[] doubles(JsonNode a) {
    double[] v = new double[a.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = a.get(i).asDouble();
    }
    return v;
  }
}
