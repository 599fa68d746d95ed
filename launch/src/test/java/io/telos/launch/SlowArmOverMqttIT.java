package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.bridge.mqtt.Mosquitto;
import io.telos.bridge.mqtt.RawClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;

/**
 * {@link SlowArmCorners} against {@code telos sim-robot --transport mqtt --lag-s … --dead-time-ms …
 * --max-velocity …} in another JVM (this test's classpath), the simulated telos6 from its home pose
 * in real time, through Debian's Mosquitto (a third process) when it is installed, else through the
 * child's embedded broker (or with {@code -Dtelos.it.embeddedBroker=true}); the agent reaches it
 * through the MQTT bridge. The child is ready once its
 * first joint state is seen on the broker.
 */
class SlowArmOverMqttIT extends SlowArmCorners {
  private static final Pattern READY = Pattern.compile("telos sim-robot: \\S+ \\(\\S+\\) on (\\S+), prefix (\\S+) ");

  private Path dir;
  private Mosquitto mosquitto;

  @Override
  void assumeAvailable() {
    // a java binary and this test's classpath are all the child needs
  }

  @Override
  String wire() {
    return mosquitto != null ? "MQTT (sim-robot JVM, Mosquitto)" : "MQTT (sim-robot JVM, embedded broker)";
  }

  @AfterAll
  void stopBroker() {
    if (mosquitto != null) {
      mosquitto.close();
    }
  }

  @Override
  Arm start(double lagS, double deadTimeMs, double vmax) throws Exception {
    if (dir == null) {
      dir = Files.createTempDirectory("telos-slow-mqtt");
      if (Mosquitto.available() && !Boolean.getBoolean("telos.it.embeddedBroker")) {
        mosquitto = new Mosquitto(dir);
      }
    }
    List<String> cmd = new ArrayList<>(List.of("sim-robot", "--transport", "mqtt", "--id", "arm1", "--robot",
        "builtin:telos6"));
    if (mosquitto != null) {
      cmd.addAll(List.of("--broker", mosquitto.uri()));
    } else {
      cmd.addAll(List.of("--broker", "embedded", "--port", Integer.toString(freePort())));
    }
    if (lagS > 0 || deadTimeMs > 0 || Double.isFinite(vmax)) {
      cmd.addAll(List.of("--lag-s", num(lagS), "--dead-time-ms", num(deadTimeMs)));
    }
    if (Double.isFinite(vmax)) {
      cmd.addAll(List.of("--max-velocity", num(vmax)));
    }
    return new Child(new ProcessBuilder(TelosProcess.command(null, cmd)).start());
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%s", v);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The robot JVM: its output kept, its broker URI read from its ready line. */
  private static final class Child implements Arm {
    private final Process process;
    private final List<String> log = new ArrayList<>();
    private final CompletableFuture<Matcher> ready = new CompletableFuture<>();
    private final String broker;

    Child(Process process) throws Exception {
      this.process = process;
      // stdout and stderr apart: the ready line is printed to stdout while the log goes to stderr
      Thread.ofPlatform().daemon(true).name("sim-robot-out").start(() -> {
        read(process.getInputStream(), true);
        ready.completeExceptionally(new IllegalStateException("sim-robot exited before it was ready"));
      });
      Thread.ofPlatform().daemon(true).name("sim-robot-err").start(() -> read(process.getErrorStream(), false));
      try {
        Matcher m = ready.get(60, TimeUnit.SECONDS);
        broker = m.group(1);
        awaitState(broker, m.group(2) + "state");
      } catch (Exception e) {
        close();
        throw new IllegalStateException("sim-robot did not come up (" + e + "):\n" + log(), e);
      }
    }

    private void read(java.io.InputStream in, boolean stdout) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          synchronized (log) {
            log.add(l);
          }
          Matcher m = READY.matcher(l);
          if (stdout && m.find()) {
            ready.complete(m);
          }
        }
      } catch (IOException e) {
        // the process ended
      }
    }

    /** Ready for the agent: the robot's joint states are on the broker. */
    private static void awaitState(String broker, String topic) throws MqttException, InterruptedException {
      try (RawClient c = RawClient.connect(broker, "slow-arm-it-probe-" + ProcessHandle.current().pid())
          .subscribe(topic, 0)) {
        assertNotNull(c.next(Duration.ofSeconds(20)), "no joint state on " + topic + " at " + broker);
      }
    }

    private String log() {
      synchronized (log) {
        return String.join("\n", log);
      }
    }

    @Override
    public Map<String, Object> bridge() {
      return Map.of("type", "mqtt", "broker", broker);
    }

    @Override
    public String afterRun() {
      assertTrue(process.isAlive(), "sim-robot exited:\n" + log());
      return "";
    }

    @Override
    public void close() {
      process.destroy(); // SIGTERM: the robot's shutdown hook stops it
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
