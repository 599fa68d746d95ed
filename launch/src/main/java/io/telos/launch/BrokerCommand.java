package io.telos.launch;

import io.telos.api.config.ConfigException;
import io.telos.bridge.mqtt.BrokerUsers;
import io.telos.bridge.mqtt.EmbeddedBroker;
import io.telos.runtime.config.LaunchException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code telos broker}: the embedded MQTT broker (HiveMQ CE) on its own, for robots and agents in
 * other processes, and {@code telos broker hash-password} to fill its users file.
 */
@Command(name = "broker", description = {
    "Run the embedded MQTT broker (HiveMQ Community Edition) on 127.0.0.1 until Ctrl-C.",
    "With --users every client must log in and is held to its role's topics: a robot publishes only its own state,"
        + " only an agent commands a robot."},
    subcommands = BrokerCommand.HashPassword.class)
final class BrokerCommand implements Callable<Integer> {
  @Option(names = "--port", description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
  int port = 1883;

  @Option(names = "--users", paramLabel = "FILE", description = "Users file (YAML: users: {name: {role, robots,"
      + " password_hash}}); without it the broker is open to any local client.")
  Path users;

  @Override
  public Integer call() throws Exception {
    BrokerUsers u;
    try {
      u = users == null ? null : BrokerUsers.read("--users", users);
    } catch (ConfigException e) {
      throw new LaunchException(e.getMessage(), e);
    }
    try (EmbeddedBroker broker = new EmbeddedBroker(port, u)) {
      try {
        broker.start();
      } catch (IOException e) {
        throw new LaunchException("--port: " + e.getMessage(), e);
      }
      System.out.printf("telos broker: %s, %s — Ctrl-C to stop%n", broker.uri(),
          u == null ? "open to any local client" : u.users().size() + " users, each held to its role's topics");
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
    return 0;
  }

  /** Prints a salted PBKDF2 hash of a password read from the terminal (or one line of standard input). */
  @Command(name = "hash-password", description = "Print a password_hash for the users file; the password is read"
      + " from the terminal (twice), or with --stdin from the first line of standard input.")
  static final class HashPassword implements Callable<Integer> {
    @Parameters(index = "0", description = "The user the hash is for (shown in the prompt).")
    String user;

    @Option(names = "--iterations", description = "PBKDF2 iterations (default ${DEFAULT-VALUE}, at least "
        + BrokerUsers.MIN_ITERATIONS + ").")
    int iterations = BrokerUsers.DEFAULT_ITERATIONS;

    @Option(names = "--stdin", description = "Read the password from the first line of standard input.")
    boolean stdin;

    @Override
    public Integer call() throws IOException {
      if (iterations < BrokerUsers.MIN_ITERATIONS) {
        throw new LaunchException("--iterations: at least " + BrokerUsers.MIN_ITERATIONS + ", was " + iterations);
      }
      char[] pw;
      Console console = System.console();
      if (!stdin) {
        if (console == null) {
          throw new LaunchException("no terminal to read the password from: pipe it in with --stdin");
        }
        pw = console.readPassword("password for %s: ", user);
        char[] again = console.readPassword("again: ");
        if (pw == null || !Arrays.equals(pw, again)) {
          throw new LaunchException("the two passwords differ");
        }
      } else {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        pw = line == null ? null : line.toCharArray();
      }
      if (pw == null || pw.length < 8) {
        throw new LaunchException("a password of at least 8 characters is needed");
      }
      System.out.println(BrokerUsers.hash(pw, iterations));
      Arrays.fill(pw, '\0');
      return 0;
    }
  }
}
