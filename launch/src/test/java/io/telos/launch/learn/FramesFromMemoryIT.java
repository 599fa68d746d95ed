package io.telos.launch.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.launch.Session;
import io.telos.memory.EpisodeStore;
import io.telos.memory.EpisodeSummary;
import io.telos.memory.MemoryConfig;
import io.telos.memory.StepCursor;
import io.telos.memory.StepRecord;
import io.telos.memory.StoredFrame;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The learning-from-memory loop end to end: a lock-step push run keeps its camera pictures with the
 * episodes ({@code memory.frames}), the store references every one of them from its episode at the
 * picture's stamp, each joins a recorded step holding the puck's pose, and {@code telos
 * train-encoder --memory} trains and measures from that store alone.
 */
class FramesFromMemoryIT {
  @TempDir
  Path dir;

  @Test
  void aRunKeepsItsPicturesWithItsEpisodesAndTheEncoderLearnsFromThem() throws Exception {
    String yaml = Files.readString(Path.of("examples/push-record-frames.yaml"))
        .replace("path: runs/frames/memory.db", "path: " + dir.resolve("memory.db"));
    int points = yaml.indexOf("  points:\n");
    yaml = yaml.substring(0, points) + "  points: [[0.50, 0.08], [0.38, 0.08], [0.40, -0.12], [0.58, -0.10]]\n";
    LaunchSpec spec = LaunchFile.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
        dir.resolve("frames.yaml"));
    RunReport report = Session.run(spec, p -> p, o -> { }, Duration.ofMinutes(4), -1);
    assertEquals(4, report.reached(), report.toString());

    MemoryConfig cfg = MemoryConfig.from(spec.memory());
    assertEquals(dir.resolve("frames"), cfg.frames().dir());
    int total = 0;
    int labelled = 0;
    try (EpisodeStore store = cfg.createReader().orElseThrow()) {
      store.open();
      List<EpisodeSummary> episodes = store.listEpisodes(100);
      assertEquals(4, episodes.size());
      for (EpisodeSummary e : episodes) {
        List<StoredFrame> frames = StoredFrame.of(store, e.id(), cfg.frames().dir());
        List<StepRecord> steps = new ArrayList<>();
        try (StepCursor c = store.readSteps(e.id())) {
          c.forEachRemaining(steps::add);
        }
        double seconds = (e.endNs() - e.meta().startNs()) / 1e9;
        // the 30 fps camera, at most one per 0.05 s: every other picture, 15 per second
        assertTrue(Math.abs(frames.size() - 15 * seconds) <= 3, frames.size() + " pictures in " + seconds + " s");
        for (int i = 0; i < frames.size(); i++) {
          StoredFrame f = frames.get(i);
          assertTrue(f.stampNs() >= e.meta().startNs() && f.stampNs() <= e.endNs(), "inside its episode");
          if (i > 0) {
            assertTrue(f.stampNs() - frames.get(i - 1).stampNs() >= 50_000_000L, "at the configured rate");
          }
          BufferedImage img = f.read();
          assertEquals(64, img.getWidth());
          assertEquals(48, img.getHeight());
          int s = f.nearestStep(steps, 100_000_000L);
          if (s >= 0 && !steps.get(s).objects().isEmpty()) {
            assertEquals("puck", steps.get(s).objects().get(0).name());
            labelled++;
          }
        }
        total += frames.size();
      }
    }
    try (var files = Files.walk(cfg.frames().dir())) {
      assertEquals(total, files.filter(p -> p.toString().endsWith(".png")).count(),
          "every kept file is referenced, and no other one written");
    }
    assertTrue(labelled >= 0.95 * total, labelled + " of " + total + " pictures join a step with the puck");

    EncoderCommand cmd = new EncoderCommand();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    cmd.o = new PrintStream(buf, true, StandardCharsets.UTF_8);
    int code = new CommandLine(cmd).execute("--memory", dir.resolve("memory.db").toString(), "--steps", "30",
        "--out", dir.resolve("encoder").toString());
    String text = buf.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, text);
    assertTrue(text.contains(total + " pictures from 4 episodes"), text);
    assertEquals(List.of("mean position (no picture)", "untrained encoder (random weights) + linear probe",
        "JEPA encoder + linear probe"), List.copyOf(cmd.errors.keySet()), "no fiducial row without full pictures");
    for (Map.Entry<String, double[]> e : cmd.errors.entrySet()) {
      assertTrue(e.getValue()[0] >= 0 && e.getValue()[0] < 0.5, e.getKey() + ": " + e.getValue()[0] + " m\n" + text);
    }
    assertTrue(Files.size(dir.resolve("encoder/encoder-loss.png")) > 1000, "the loss curve is drawn");
  }
}
