package io.telos.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code cluster:} is read once, with defaults, and every bad value is refused with its key. */
class ClusterSpecTest {
  private static ClusterSpec of(Map<String, ?> m) {
    return ClusterSpec.from(new Settings("cluster", m));
  }

  @Test
  void noSectionMeansAlone() {
    assertNull(of(Map.of()));
  }

  @Test
  void defaultsAndAFullSection() {
    ClusterSpec d = of(Map.of("members", List.of("127.0.0.1:5701-5703")));
    assertEquals(new ClusterSpec("telos", "127.0.0.1", 5701, List.of("127.0.0.1:5701-5703"), 10), d);
    ClusterSpec f = of(Map.of("name", "cell-2", "host", "10.0.0.5", "port", 6000, "members",
        List.of("10.0.0.5:6000", "robot-b.local:6000"), "heartbeat_timeout_s", 4));
    assertEquals(List.of("10.0.0.5:6000", "robot-b.local:6000"), f.members());
    assertEquals(4, f.heartbeatTimeoutS());
    assertEquals(List.of("127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703"), d.addresses());
  }

  @Test
  void modelsAreFollowedOnlyWhenAsked() {
    assertNull(of(Map.of("members", List.of("h:1"))).models());
    assertEquals(new ClusterSpec.Models(0, 5, 0.2), of(Map.of("members", List.of("h:1"), "models", Map.of())).models());
    assertEquals(new ClusterSpec.Models(3, 10, 0.1), of(Map.of("members", List.of("h:1"), "models",
        Map.of("pin", 3, "canary_goals", 10, "max_drop", 0.1))).models());
    Map<Object, String> bad = Map.of(Map.of("pin", -1), "cluster.models.pin", Map.of("max_drop", 2),
        "cluster.models.max_drop", Map.of("canary", 3), "cluster.models.canary", true, "cluster.models");
    bad.forEach((m, key) -> {
      ConfigException e = assertThrows(ConfigException.class, () -> of(Map.of("members", List.of("h:1"), "models", m)));
      assertTrue(e.getMessage().contains(key), e.getMessage());
    });
  }

  @Test
  void badValuesNameTheirKey() {
    Map<Map<String, ?>, String> bad = Map.of(
        Map.of("members", List.of()), "cluster.members",
        Map.of("members", "127.0.0.1:5701"), "cluster.members",
        Map.of("members", List.of("127.0.0.1")), "cluster.members",
        Map.of("members", List.of("127.0.0.1:5703-5701")), "cluster.members",
        Map.of("members", List.of("127.0.0.1:70000")), "cluster.members",
        Map.of("members", List.of("127.0.0.1:1000-2000")), "cluster.members",
        Map.of("members", List.of("h:1"), "name", "a b"), "cluster.name",
        Map.of("members", List.of("h:1"), "port", 80), "cluster.port",
        Map.of("members", List.of("h:1"), "heartbeat_timeout_s", 1), "cluster.heartbeat_timeout_s",
        Map.of("members", List.of("h:1"), "multicast", true), "multicast");
    bad.forEach((m, key) -> {
      ConfigException e = assertThrows(ConfigException.class, () -> of(m), m.toString());
      assertTrue(e.getMessage().contains(key), e.getMessage());
    });
  }

  @Test
  void aLaunchFileCarriesItToTheSpec() {
    String yaml = """
        robot: { id: arm1, description: "builtin:telos6" }
        bridge: { type: sim }
        planner: { type: mppi }
        cluster: { name: cell, members: ["127.0.0.1:5701"] }
        """;
    LaunchSpec spec = LaunchFile.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
        Path.of("t.yaml"));
    assertEquals("cell", spec.cluster().name());
    assertEquals("cell", spec.withSeed(7).withClock("sim").cluster().name(), "kept by every with-method");
  }

  @Test
  void tlsFilesResolveAgainstTheLaunchFileAndMustBeReadable(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    for (String f : List.of("m.pem", "m.key", "ca.pem")) {
      java.nio.file.Files.writeString(dir.resolve(f), "-----BEGIN-----\n");
    }
    ClusterSpec t = ClusterSpec.from(new Settings("cluster", Map.of("members", List.of("h:1"), "tls",
        Map.of("cert", "m.pem", "key", "m.key", "ca", "ca.pem"))), dir);
    assertEquals(dir.resolve("m.pem"), t.tls().cert());
    ConfigException missing = assertThrows(ConfigException.class, () -> ClusterSpec.from(new Settings("cluster",
        Map.of("members", List.of("h:1"), "tls", Map.of("cert", "nope.pem", "key", "m.key", "ca", "ca.pem"))), dir));
    assertTrue(missing.getMessage().contains("cluster.tls.cert"), missing.getMessage());
    ConfigException extra = assertThrows(ConfigException.class, () -> ClusterSpec.from(new Settings("cluster",
        Map.of("members", List.of("h:1"), "tls", Map.of("cert", "m.pem", "key", "m.key", "ca", "ca.pem",
            "verify", false))), dir));
    assertTrue(extra.getMessage().contains("verify"), extra.getMessage());
    assertEquals(null, of(Map.of("members", List.of("h:1"))).tls());
  }
}
