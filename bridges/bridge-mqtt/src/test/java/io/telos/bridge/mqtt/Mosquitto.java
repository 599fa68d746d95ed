package io.telos.bridge.mqtt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto broker on a loopback port, for integration tests (also used by the launch module
 * through this module's test jar).
 */
public final class Mosquitto implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/sbin/mosquitto");
  static final Path PUB = Path.of("/usr/bin/mosquitto_pub");
  static final Path SUB = Path.of("/usr/bin/mosquitto_sub");

  public final int port;
  private final Process process;
  private final List<String> log = new ArrayList<>();

  public static boolean available() {
    return Files.isExecutable(BINARY);
  }

  /**
   * Starts Mosquitto with {@code listener <port> 127.0.0.1}, {@code allow_anonymous true} and
   * {@code extra} config lines, and waits until it reports that it runs.
   */
  public Mosquitto(Path dir, String... extra) throws IOException, InterruptedException {
    this(dir, Await.freePort(), extra);
  }

  /** As {@link #Mosquitto(Path, String...)} on a given port (e.g. to restart a broker where it was). */
  public Mosquitto(Path dir, int port, String... extra) throws IOException, InterruptedException {
    this.port = port;
    StringBuilder conf = new StringBuilder()
        .append("listener ").append(port).append(" 127.0.0.1\n")
        .append("allow_anonymous true\n")
        .append("log_dest stderr\n")
        .append("log_type error\nlog_type warning\nlog_type notice\nlog_type information\n");
    for (String line : extra) {
      conf.append(line).append('\n');
    }
    Path file = dir.resolve("mosquitto-" + port + ".conf");
    Files.writeString(file, conf);
    process = new ProcessBuilder(BINARY.toString(), "-c", file.toString()).redirectErrorStream(true).start();
    CountDownLatch running = new CountDownLatch(1);
    Thread.ofPlatform().daemon(true).name("mosquitto-log-" + port).start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (log) {
            log.add(line);
          }
          if (line.contains(" running")) {
            running.countDown();
          }
        }
      } catch (IOException e) {
        // process ended
      }
    });
    if (!running.await(10, TimeUnit.SECONDS)) {
      close();
      throw new IllegalStateException("mosquitto did not start: " + log());
    }
  }

  public String uri() {
    return "tcp://127.0.0.1:" + port;
  }

  public String log() {
    synchronized (log) {
      return String.join("\n", log);
    }
  }

  /** Runs a mosquitto_pub / mosquitto_sub command line and returns its output; fails on a non-zero exit. */
  static String run(List<String> command, long timeoutS) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + command);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IllegalStateException("exit " + p.exitValue() + ": " + command + "\n" + out);
    }
    return out;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
