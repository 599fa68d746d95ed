package io.telos.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The C programs of the ROS 2 bridge's tests ({@code bridges/bridge-ros2/src/test/cyclone}, Eclipse
 * Cyclone DDS), built here with idlc and gcc into {@code target/cyclone-peers}, beside a Cyclone
 * configuration for loopback: no multicast, unicast discovery to 127.0.0.1, bound to it (see
 * DEPENDENCIES.md).
 */
final class CyclonePeers {
  static final Path SRC = Path.of("../bridges/bridge-ros2/src/test/cyclone");
  private static final Path OUT = Path.of("target/cyclone-peers");
  private static final Map<String, Path> BUILT = new HashMap<>();

  private CyclonePeers() {}

  /** Whether Debian's cyclonedds-dev, cyclonedds-tools and gcc are installed and {@code program}.c is here. */
  static boolean available(String program) {
    return onPath("idlc") && onPath("gcc") && Files.exists(Path.of("/usr/include/dds/dds.h"))
        && Files.exists(SRC.resolve(program + ".c"));
  }

  private static boolean onPath(String exe) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, exe))) {
        return true;
      }
    }
    return false;
  }

  /** Builds {@code program} once per test JVM; returns the folder holding it and {@code cyclonedds.xml}. */
  static synchronized Path build(String program) throws IOException, InterruptedException {
    Path done = BUILT.get(program);
    if (done != null) {
      return done;
    }
    Files.createDirectories(OUT);
    Path dir = OUT.toAbsolutePath();
    if (!Files.exists(dir.resolve("ros2_types.c"))) {
      Files.copy(SRC.resolve("ros2_types.idl"), dir.resolve("ros2_types.idl"), StandardCopyOption.REPLACE_EXISTING);
      run(dir, "idlc", "ros2_types.idl");
    }
    run(dir, "gcc", "-O2", "-Wall", "-o", program, SRC.toAbsolutePath().resolve(program + ".c").toString(),
        "ros2_types.c", "-I.", "-lddsc", "-lm");
    Files.writeString(dir.resolve("cyclonedds.xml"), """
        <CycloneDDS><Domain id="any">
          <General><Interfaces><NetworkInterface address="127.0.0.1"/></Interfaces>
            <AllowMulticast>false</AllowMulticast></General>
          <Discovery><ParticipantIndex>auto</ParticipantIndex><MaxAutoParticipantIndex>20</MaxAutoParticipantIndex>
            <Peers><Peer address="127.0.0.1"/></Peers><SPDPInterval>1s</SPDPInterval></Discovery>
        </Domain></CycloneDDS>
        """);
    BUILT.put(program, dir);
    return dir;
  }

  private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
    }
  }
}
