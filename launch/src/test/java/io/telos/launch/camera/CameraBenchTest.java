package io.telos.launch.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A short {@code telos bench-camera}: every band found and measured, the picture written. */
class CameraBenchTest {
  @Test
  void aShortBenchMeasuresEveryBandAndDrawsTheDetection(@TempDir Path dir) throws Exception {
    int rc = new CommandLine(new CameraBench()).execute("--frames", "4", "--realtime-s", "1", "--out", dir.toString());
    assertEquals(0, rc);
    String md = Files.readString(dir.resolve("camera.md"));
    Matcher row = Pattern.compile("\\| (0\\.\\d)–(\\d\\.\\d) \\| (\\d+)/4 \\| ([0-9.]+) / ([0-9.]+) \\|").matcher(md);
    int rows = 0;
    while (row.find()) {
      rows++;
      assertTrue(Integer.parseInt(row.group(3)) >= 3, "found in band " + row.group(1) + ": " + row.group(3));
      assertTrue(Double.parseDouble(row.group(4)) < 5, "median position error (mm) in band " + row.group(1));
    }
    assertEquals(5, rows, md);
    assertTrue(md.contains("latency from a picture's stamp to its poses p50"), md);
    BufferedImage img = ImageIO.read(dir.resolve("camera-detection.png").toFile());
    assertNotNull(img);
    assertEquals(640, img.getWidth());
  }
}
