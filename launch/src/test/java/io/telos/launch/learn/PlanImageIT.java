package io.telos.launch.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.launch.Session;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code telos plan-image} end to end on a small budget: a lock-step reach run keeps its pictures,
 * the command learns an encoder and a latent predictor from that store alone and plans toward
 * held-out goal pictures, open loop and closed loop through the simulator's renderer, measured
 * against the tool positions the planner never sees.
 */
class PlanImageIT {
  @TempDir
  Path dir;

  @Test
  void learnsFromKeptPicturesAndPlansTowardHeldOutGoalPictures() throws Exception {
    String yaml = Files.readString(Path.of("examples/reach-record-frames.yaml"))
        .replace("path: runs/reach-frames/memory.db", "path: " + dir.resolve("memory.db"))
        .replace("count: 300", "count: 14");
    Path launch = Files.writeString(dir.resolve("reach.yaml"), yaml);
    RunReport report = Session.run(LaunchFile.load(launch), p -> p, o -> { }, Duration.ofMinutes(4), -1);
    assertEquals(14, report.reached(), report.toString());

    PlanImageCommand cmd = new PlanImageCommand();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    cmd.o = new PrintStream(buf, true, StandardCharsets.UTF_8);
    int code = new CommandLine(cmd).execute(launch.toString(), "--encoder-steps", "40", "--predictor-steps", "60",
        "--goals", "10", "--replans", "2", "--out", dir.resolve("out").toString());
    String text = buf.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, text);
    assertEquals(List.of("stay where the arm is", "joints of the most similar training picture (latent retrieval)",
        "one plan, open loop (CEM over the learned predictor)", "closed loop: 2 pictures and plans of <= 0.35 rad"),
        List.copyOf(cmd.errors.keySet()), text);
    assertTrue(cmd.errors.get("stay where the arm is")[0] >= 0.05, "goals are at least 5 cm from the start\n" + text);
    for (Map.Entry<String, double[]> e : cmd.errors.entrySet()) {
      assertTrue(e.getValue()[0] < 2.5 && e.getValue()[1] >= e.getValue()[0], e.getKey() + "\n" + text);
    }
    assertTrue(cmd.prediction[0] > 0 && Double.isFinite(cmd.prediction[0]) && cmd.prediction[1] > 0, text);
    assertTrue(cmd.probe[0] > 0 && cmd.probe[0] < 2.5, text);
    assertTrue(text.contains("| closed loop: 2 pictures and plans of <= 0.35 rad |"), text);
    assertTrue(Files.size(dir.resolve("out/plan-image-loss.png")) > 1000, "the loss curves are drawn");
  }
}
