package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.launch.fleet.Fleet;
import io.telos.runtime.config.ClusterSpec;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster.tls}: members whose certificates the fleet's CA signed exchange messages over
 * mutual TLS; a member with a certificate from another CA joins the membership (Hazelcast's own
 * protocol) but no message crosses between it and the others. Certificates made with openssl.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FleetTlsIT {
  @Test
  void onlyMembersTheFleetsCaSignedExchangeMessages(@TempDir Path dir) throws Exception {
    Path ca = authority(dir, "fleet");
    Path rogueCa = authority(dir, "rogue");
    ClusterSpec.Tls a = member(dir, "a", "fleet", ca);
    ClusterSpec.Tls b = member(dir, "b", "fleet", ca);
    ClusterSpec.Tls c = member(dir, "c", "rogue", rogueCa);
    int base;
    try (ServerSocket s = new ServerSocket(0)) {
      base = s.getLocalPort() > 65000 ? 47000 : s.getLocalPort();
    }
    String members = "127.0.0.1:" + base + "-" + (base + 2);
    List<Vertx> started = new ArrayList<>();
    try {
      Vertx va = join(base, members, a, started);
      Vertx vb = join(base + 1, members, b, started);
      List<String> received = new CopyOnWriteArrayList<>();
      va.eventBus().<String>consumer("tls.echo", m -> {
        received.add(m.body());
        m.reply("echo " + m.body());
      }).completion().await();
      String answer = null;
      for (int i = 0; i < 50 && answer == null; i++) { // the registration reaches the other member
        try {
          answer = vb.eventBus().<String>request("tls.echo", "from b", new DeliveryOptions().setSendTimeout(2000))
              .await().body();
        } catch (RuntimeException e) {
          TimeUnit.MILLISECONDS.sleep(100);
        }
      }
      assertEquals("echo from b", answer, "two members of the fleet's CA talk over TLS");

      Vertx vc = join(base + 2, members, c, started);
      assertThrows(RuntimeException.class, () -> vc.eventBus().<String>request("tls.echo", "from c",
          new DeliveryOptions().setSendTimeout(3000)).await(), "a member of another CA gets no answer");
      assertTrue(received.stream().noneMatch(r -> r.contains("from c")), "nothing from it arrived: " + received);
    } finally {
      for (Vertx v : started) {
        v.close().await();
      }
    }
  }

  private static Vertx join(int port, String members, ClusterSpec.Tls tls, List<Vertx> started) {
    ClusterSpec spec = new ClusterSpec("telos-tls-it", "127.0.0.1", port, List.of(members), 4, tls);
    Vertx v = Fleet.vertx(spec, new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    started.add(v);
    return v;
  }

  /** A CA: its certificate (and key beside it, {@code <name>-ca.key}). */
  private static Path authority(Path dir, String name) throws Exception {
    Path cert = dir.resolve(name + "-ca.pem");
    openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + "-ca.key", "-out", cert.toString(),
        "-subj", "/CN=" + name + "-ca", "-days", "2");
    return cert;
  }

  /** A member's certificate signed by {@code caName}'s CA, for 127.0.0.1; the CA it trusts is {@code trusts}. */
  private static ClusterSpec.Tls member(Path dir, String name, String caName, Path trusts) throws Exception {
    Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj",
        "/CN=" + name);
    openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", caName + "-ca.pem", "-CAkey", caName + "-ca.key",
        "-CAcreateserial", "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
    return new ClusterSpec.Tls(dir.resolve(name + ".pem"), dir.resolve(name + ".key"), trusts);
  }

  private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      Assumptions.abort("openssl is not installed");
      throw e;
    }
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
  }
}
