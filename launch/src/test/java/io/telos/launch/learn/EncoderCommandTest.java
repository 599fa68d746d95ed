package io.telos.launch.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code telos train-encoder} on a small budget: without a label, the JEPA encoder's latent must
 * come to hold where the puck is, far better than an encoder with random weights (the same network
 * untrained) and than no picture at all.
 */
class EncoderCommandTest {
  @TempDir
  Path dir;

  @Test
  void theLatentLearnsWhereThePuckIsWithoutLabels() throws Exception {
    EncoderCommand cmd = new EncoderCommand();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    cmd.o = new PrintStream(buf, true, StandardCharsets.UTF_8);
    int code = new CommandLine(cmd).execute("--pictures", "400", "--held-out", "100", "--steps", "200", "--out",
        dir.toString());
    String text = buf.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, text);
    double mean = cmd.errors.get("mean position (no picture)")[0];
    double random = cmd.errors.get("untrained encoder (random weights) + linear probe")[0];
    double jepa = cmd.errors.get("JEPA encoder + linear probe")[0];
    double fiducial = cmd.errors.get("fiducial tracker, 640x480 (AprilTag on the puck)")[0];
    assertTrue(jepa < 0.6 * random, "JEPA " + jepa + " m vs untrained " + random + " m\n" + text);
    assertTrue(jepa < 0.4 * mean, "JEPA " + jepa + " m vs no picture " + mean + " m\n" + text);
    assertTrue(fiducial < 0.001, "the marker, for scale: " + fiducial + " m\n" + text);
    assertTrue(text.contains("| JEPA encoder + linear probe |"), text);
    assertTrue(Files.size(dir.resolve("encoder-loss.png")) > 1000, "the loss curve is drawn");
  }

}
