package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.telos.api.WallClock;
import io.telos.api.config.Settings;
import io.telos.bridge.mqtt.MqttConfig;
import io.telos.bridge.mqtt.MqttRobotHardware;
import io.telos.bridge.mqtt.Mosquitto;
import io.telos.perception.camera.CameraObjects;
import io.telos.perception.camera.FiducialTracker;
import io.telos.runtime.RunReport;
import io.telos.runtime.config.LaunchFile;
import io.telos.runtime.config.LaunchSpec;
import java.io.ByteArrayInputStream;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Camera pictures over MQTT through Debian's Mosquitto: the standalone simulated arm publishes its
 * camera on {@code <prefix>camera}; {@code mosquitto_sub} reads one as any user would (header
 * line, then a PNG); malformed pictures from {@code mosquitto_pub} are refused while the good ones
 * keep being tracked; and the agent pushes the puck seeing it only through those pictures.
 */
class CameraOverMqttIT {
  static Path example(String name) {
    Path p = Path.of("examples", name);
    return p.toFile().exists() ? p : Path.of("launch", "examples", name);
  }

  static byte[] run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "finished: " + command);
    assertEquals(0, p.exitValue(), "exit of " + command);
    return out;
  }

  @Test
  void picturesCrossTheBrokerAndTheAgentPushesFromThem(@TempDir Path dir) throws Exception {
    assumeTrue(Mosquitto.available(), "Debian mosquitto is installed by .ci/run");
    LaunchSpec file = LaunchFile.load(example("push-camera-mqtt.yaml"));
    try (Mosquitto broker = new Mosquitto(dir);
        SimRobotCommand.Standalone robot = SimRobotCommand.Standalone.start("arm1", "builtin:telos6", broker.uri(), 0,
            42, file.scene())) {
      assertTrue(robot.mqtt().awaitConnected(10, TimeUnit.SECONDS), "sim robot connected to Mosquitto");

      // 1. an independent subscriber: one message, split at the first newline
      byte[] msg = run(List.of("/usr/bin/mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(broker.port), "-t",
          "telos/arm1/camera", "-C", "1", "-N", "-W", "20"));
      int nl = 0;
      while (msg[nl] != '\n') {
        nl++;
      }
      JsonNode header = new ObjectMapper().readTree(new String(msg, 0, nl, StandardCharsets.UTF_8));
      assertEquals(640, header.get("width").asInt());
      assertEquals("png", header.get("encoding").asText());
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(msg, nl + 1, msg.length - nl - 1));
      assertNotNull(img, "the rest is a PNG");
      assertEquals(480, img.getHeight());

      // 2. malformed pictures from another client are refused; the tracker keeps taking the good ones
      MqttConfig config = MqttConfig.parse("arm1", Map.of("broker", broker.uri()), "camera-check");
      MqttRobotHardware bridge = new MqttRobotHardware("arm1", robot.arm().jointNames(), config, WallClock.INSTANCE);
      LinkedBlockingQueue<String> refused = new LinkedBlockingQueue<>();
      FiducialTracker tracker = new FiducialTracker(file.scene().camera(), file.scene(), Long.MAX_VALUE);
      try (CameraObjects seen = CameraObjects.wrap(bridge, tracker, WallClock.INSTANCE, false)) {
        seen.onRejected(refused::add);
        seen.start();
        assertTrue(bridge.awaitConnected(10, TimeUnit.SECONDS));
        // the robot's own pictures keep coming: a bad one waiting to be decoded can be replaced by a
        // newer good one (newest wins), so it is sent until one is refused
        String why = null;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (why == null && System.nanoTime() < until) {
          run(List.of("/usr/bin/mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(broker.port), "-t",
              "telos/arm1/camera", "-m", "{\"camera\":\"x\",\"width\":640,\"height\":480,\"encoding\":\"png\"}\ngarbage"));
          why = refused.poll(500, TimeUnit.MILLISECONDS);
        }
        assertNotNull(why, "a refusal was reported");
        assertTrue(why.contains("does not decode"), why);
        long before = seen.processed();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (seen.processed() < before + 5 && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        assertTrue(seen.processed() >= before + 5, "pictures after the bad one were tracked: " + seen.processed());
        assertEquals(1, seen.objects().size(), "the puck, seen");
        assertTrue(seen.objects().get(0).planarDistanceTo(0.5, -0.1) < 0.003, seen.objects().toString());
      }

      // 3. the agent pushes the puck from the pictures alone
      LaunchSpec spec = file.withBridge(new Settings("bridge", Map.of("type", "mqtt", "broker", broker.uri())));
      RunReport r = Session.run(spec, o -> { }, Duration.ofMinutes(2));
      assertEquals(2, r.outcomes().size(), r.outcomes().toString());
      assertEquals(2, r.reached(), "pushed: " + r.outcomes() + " faults " + r.faults());
      assertEquals(0, r.commandViolations(), "commands outside limits");
      assertTrue(robot.mqtt().framesPublished() > 30, "pictures sent: " + robot.mqtt().framesPublished());
    }
  }
}
