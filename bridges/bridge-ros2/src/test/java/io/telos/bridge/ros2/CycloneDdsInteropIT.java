package io.telos.bridge.ros2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.JointState;
import io.telos.api.Mode;
import io.telos.api.Vec;
import io.telos.api.WallClock;
import io.telos.api.spi.RobotHardware.Health;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bridge (IHMC / Fast DDS) against a C program on Eclipse Cyclone DDS playing a ros2_control
 * driver in another process: ROS 2 topic and type name mangling, CDR compatibility, QoS matching
 * and unicast discovery on 127.0.0.1. Built by the test with idlc and gcc; skipped when Debian's
 * cyclonedds-dev / cyclonedds-tools or gcc are not installed.
 */
@Timeout(120)
class CycloneDdsInteropIT {
  private static final List<String> JOINTS = List.of("shoulder", "elbow", "wrist");
  static final Path SRC = Path.of("src/test/cyclone");
  private static final Path OUT = Path.of("target/cyclone");

  static boolean onPath(String exe) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, exe))) {
        return true;
      }
    }
    return false;
  }

  static void run(Path dir, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), () -> String.join(" ", cmd) + " failed:\n" + out);
  }

  static Path build() throws IOException, InterruptedException {
    Files.createDirectories(OUT);
    Path dir = OUT.toAbsolutePath();
    Files.copy(SRC.resolve("ros2_types.idl"), dir.resolve("ros2_types.idl"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    run(dir, "idlc", "ros2_types.idl");
    run(dir, "gcc", "-O2", "-o", "fake_driver", SRC.toAbsolutePath().resolve("fake_driver.c").toString(),
        "ros2_types.c", "-I.", "-lddsc");
    // Loopback has no multicast: unicast discovery to 127.0.0.1, bound to it.
    Files.writeString(dir.resolve("cyclonedds.xml"), """
        <CycloneDDS><Domain id="any">
          <General><Interfaces><NetworkInterface address="127.0.0.1"/></Interfaces>
            <AllowMulticast>false</AllowMulticast></General>
          <Discovery><ParticipantIndex>auto</ParticipantIndex><MaxAutoParticipantIndex>20</MaxAutoParticipantIndex>
            <Peers><Peer address="127.0.0.1"/></Peers><SPDPInterval>1s</SPDPInterval></Discovery>
        </Domain></CycloneDDS>
        """);
    return dir;
  }

  @Test
  void roundTripThroughACycloneDdsDriver() throws Exception {
    assumeTrue(onPath("idlc") && onPath("gcc") && Files.exists(Path.of("/usr/include/dds/dds.h")),
        "needs Debian packages cyclonedds-dev cyclonedds-tools libcycloneddsidl0 and gcc");
    Path dir = build();
    int domain = Domains.next();
    ProcessBuilder pb = new ProcessBuilder(dir.resolve("fake_driver").toString(), Integer.toString(domain), "100")
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("CYCLONEDDS_URI", "file://" + dir.resolve("cyclonedds.xml"));
    Process driver = pb.start();
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    AtomicInteger commandsSeen = new AtomicInteger();
    Thread.ofPlatform().daemon(true).start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          if (l.startsWith("cmd ")) {
            commandsSeen.set(Integer.parseInt(l.substring(4).trim()));
          } else {
            lines.add(l);
          }
        }
      } catch (IOException e) {
        // process ended
      }
    });
    Ros2RobotHardware hw = new Ros2RobotHardware("arm1", JOINTS,
        Ros2Config.parse(Map.of("domain_id", domain, "loopback_only", true)), WallClock.INSTANCE);
    try {
      assertEquals("ready", lines.poll(10, TimeUnit.SECONDS));
      hw.start();
      assertTrue(Await.until(() -> hw.read() != null, 30_000), "no joint_states from the Cyclone driver");
      JointState s = hw.read();
      assertEquals(Vec.of(0.1, 0.2, 0.3), s.position(), "joints mapped by name from (elbow, shoulder, wrist)");
      assertEquals(Health.OK, hw.health());

      int n = 300;
      long[] rtt = new long[n];
      int got = 0;
      for (int i = 0; i < n; i++) {
        double x = 1.0 + i * 1e-3;
        long t0 = System.nanoTime();
        hw.write(new JointCommand(Header.of(i, t0, "safety/arm1"), JOINTS, Vec.of(x, -x, 2 * x), Vec.zeros(3),
            Mode.AUTONOMOUS));
        boolean ok = Await.spinUntil(() -> hw.read().position().get(0) == x, 2_000);
        rtt[i] = ok ? System.nanoTime() - t0 : Long.MAX_VALUE;
        got += ok ? 1 : 0;
        Thread.sleep(2);
      }
      assertEquals(n, got, "every command came back as a joint state");
      assertEquals(Vec.of(1.299, -1.299, 2.598), hw.read().position());
      Arrays.sort(rtt);
      System.out.printf("ros2 bridge <-> Cyclone DDS driver round trip (write -> command -> joint_states -> read),"
          + " separate process, loopback: n=%d p50=%d us p99=%d us max=%d us%n", n, rtt[n / 2] / 1000,
          rtt[n * 99 / 100] / 1000, rtt[n - 1] / 1000);
      assertTrue(commandsSeen.get() >= n, "driver saw " + commandsSeen.get());
      assertEquals(0, hw.rejectedStates());
    } finally {
      hw.close();
      driver.getOutputStream().close();
      if (!driver.waitFor(10, TimeUnit.SECONDS)) {
        driver.destroyForcibly();
      }
    }
  }
}
