package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.camera.CameraFrame;
import io.telos.bridge.ros2.Ros2Config;
import io.telos.runtime.config.LaunchException;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code telos sim-robot --image-transport}: binding, refusal under the option's name, the PNG it sends. */
class SimRobotImageTransportTest {
  private static SimRobotCommand parse(String... args) {
    SimRobotCommand c = new SimRobotCommand();
    new CommandLine(c).parseArgs(args);
    return c;
  }

  @Test
  void theOptionBindsAndIsChecked() {
    assertEquals(Ros2Config.ImageTransport.RAW, parse().imageTransport());
    assertEquals(Ros2Config.ImageTransport.RAW, parse("--transport", "ros2", "--image-transport", "raw")
        .imageTransport());
    assertEquals(Ros2Config.ImageTransport.COMPRESSED, parse("--transport", "ros2", "--image-transport",
        "compressed").imageTransport());
    LaunchException e = assertThrows(LaunchException.class,
        () -> parse("--transport", "ros2", "--image-transport", "theora").imageTransport());
    assertEquals("--image-transport: must be raw or compressed, was 'theora'", e.getMessage());
    e = assertThrows(LaunchException.class, () -> parse("--image-transport", "compressed").imageTransport());
    assertTrue(e.getMessage().startsWith("--image-transport: compressed is for --transport ros2"), e.getMessage());

    StringWriter err = new StringWriter();
    CommandLine cl = Telos.commandLine();
    cl.setErr(new PrintWriter(err, true));
    assertEquals(Telos.EXIT_BAD_LAUNCH, cl.execute("sim-robot", "--transport", "ros2", "--image-transport", "jpeg"));
    assertTrue(err.toString().contains("--image-transport: must be raw or compressed, was 'jpeg'"), err.toString());
  }

  @Test
  void thePngHoldsThePictureExactly() throws Exception {
    int w = 40;
    int h = 30;
    byte[] rgb = new byte[3 * w * h];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (byte) (i * 31 + i / 7);
    }
    byte[] png = Ros2SimRobot.png(new CameraFrame("camera", 0, 0, w, h, rgb, null));
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
    assertEquals(w, img.getWidth());
    assertEquals(h, img.getHeight());
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int k = 3 * (y * w + x);
        int want = (rgb[k] & 0xff) << 16 | (rgb[k + 1] & 0xff) << 8 | (rgb[k + 2] & 0xff);
        assertEquals(want, img.getRGB(x, y) & 0xffffff, "pixel " + x + "," + y);
      }
    }
  }
}
