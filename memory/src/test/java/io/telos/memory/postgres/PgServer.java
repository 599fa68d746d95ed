package io.telos.memory.postgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway PostgreSQL server for the tests: {@code initdb} into a temporary directory,
 * {@code pg_ctl start} on a free loopback port (socket in the same directory), one per test JVM,
 * stopped and deleted at JVM exit. Run as root (the CI), the server commands run as the
 * {@code postgres} user through {@code runuser}, since initdb refuses root.
 *
 * <p>Binaries: {@code $TELOS_PG_BIN}, else the newest {@code /usr/lib/postgresql/<n>/bin}
 * (Debian package {@code postgresql-<n>}). Tests are skipped only when none is found.
 */
public final class PgServer {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static PgServer instance;
  private static Throwable startFailure;

  private final Path bin;
  private final Path dir;
  private final int port;
  private final boolean asPostgresUser;

  private PgServer(Path bin, Path dir, int port, boolean asPostgresUser) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  /** The binaries directory, if PostgreSQL is installed. */
  static Optional<Path> findBin() {
    String env = System.getenv("TELOS_PG_BIN");
    if (env != null && !env.isBlank()) {
      Path p = Path.of(env);
      return Files.isExecutable(p.resolve("initdb")) ? Optional.of(p) : Optional.empty();
    }
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.map(p -> p.resolve("bin"))
          .filter(p -> Files.isExecutable(p.resolve("initdb")) && Files.isExecutable(p.resolve("pg_ctl")))
          .max(Comparator.comparingInt(p -> versionOf(p.getParent().getFileName().toString())));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static int versionOf(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The shared server, started on first use; skips the calling test when PostgreSQL is absent. */
  public static synchronized PgServer get() {
    Optional<Path> bin = findBin();
    Assumptions.assumeTrue(bin.isPresent(),
        "PostgreSQL server binaries not found (install the Debian package postgresql, or set TELOS_PG_BIN)");
    if (instance != null) {
      return instance;
    }
    if (startFailure != null) {
      throw new IllegalStateException("test PostgreSQL server failed to start", startFailure);
    }
    try {
      instance = start(bin.get());
      Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "pg-test-server-stop"));
      return instance;
    } catch (Exception e) {
      startFailure = e;
      throw new IllegalStateException("test PostgreSQL server failed to start: " + e.getMessage(), e);
    }
  }

  private static PgServer start(Path bin) throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("telos-pg-");
    if (root) {
      run(List.of("chown", "postgres:postgres", dir.toString()), false, 30);
    }
    PgServer s0 = new PgServer(bin, dir, 0, root);
    s0.pg(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-A", "trust", "-U",
        "telos", "-E", "UTF8", "--no-sync", "--no-instructions"), 120);
    Exception last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      PgServer s = new PgServer(bin, dir, port, root);
      try {
        s.pgStart();
        return s;
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  private static int freePort() throws IOException {
    try (ServerSocket ss = new ServerSocket(0)) {
      return ss.getLocalPort();
    }
  }

  private void pg(List<String> cmd, int timeoutS) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(cmd);
    run(full, true, timeoutS);
  }

  private static void run(List<String> cmd, boolean inTmp, int timeoutS) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (inTmp) {
      pb.directory(Path.of("/tmp").toFile()); // a directory the postgres user may enter
    }
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", cmd));
    }
    if (p.exitValue() != 0) {
      throw new IOException("failed (" + p.exitValue() + "): " + String.join(" ", cmd) + "\n"
          + new String(out, StandardCharsets.UTF_8));
    }
  }

  private void stop() {
    try {
      pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w",
          "stop"), 30);
    } catch (Exception e) {
      System.err.println("test PostgreSQL server: stop failed: " + e.getMessage());
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // temp dir
    }
  }

  /**
   * Stops the server at once, as a crash or a power cut would ({@code -m immediate}: no checkpoint,
   * clients cut), and starts it again on the same port and data; returns when it accepts
   * connections.
   */
  public synchronized void restart() throws IOException, InterruptedException {
    pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w",
        "stop"), 30);
    pgStart();
  }

  private void pgStart() throws IOException, InterruptedException {
    pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
        dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
        "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir + " -c fsync=off -c max_connections=200",
        "start"), 90);
  }

  public int port() {
    return port;
  }

  /** URL of the server's default database. */
  public String adminUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  public String user() {
    return "telos";
  }

  public Connection admin() throws SQLException {
    return DriverManager.getConnection(adminUrl(), user(), "");
  }

  /** A new, empty schema; the URL points the store at it (so each test starts from nothing). */
  public String freshSchemaUrl() {
    String schema = "t" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
    try (Connection c = admin(); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return adminUrl() + "?currentSchema=" + schema;
  }
}
