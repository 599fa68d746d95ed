package io.telos.bridge.teleop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.config.ConfigException;
import io.telos.api.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console against a hostile page and a guesser: cross-origin sockets and posts refused,
 * non-JSON posts refused, failed logins delayed, sockets closed with their sessions, and a console
 * beyond this machine refused without TLS and chosen credentials.
 */
class ConsoleHardeningTest {
  static final String TOKEN = "console-test-token-0123";
  Vertx vertx = Vertx.vertx();
  FakeAgent agent = new FakeAgent(vertx, "arm");
  HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  int start(ConsoleConfig cfg) {
    TeleopConsole c = new TeleopConsole("arm", FakeAgent.ARM, cfg, limit -> new io.vertx.core.json.JsonArray());
    vertx.deployVerticle(c).await();
    return c.port();
  }

  HttpResponse<String> post(int port, String path, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  String login(int port, String user) throws Exception {
    HttpResponse<String> r = post(port, "/api/login", new JsonObject().put("user", user).put("token", TOKEN).encode(),
        Map.of("Content-Type", "application/json"));
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("session");
  }

  /** Records how the server closed the socket. */
  static final class Closing implements WebSocket.Listener {
    final CompletableFuture<Integer> code = new CompletableFuture<>();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      code.complete(status);
      return null;
    }
  }

  WebSocket socket(int port, String session, String origin, Closing listener) throws Exception {
    WebSocket.Builder b = http.newWebSocketBuilder().header("Cookie", "telos_session=" + session);
    if (origin != null) {
      b.header("Origin", origin);
    }
    return b.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), listener).get(5, TimeUnit.SECONDS);
  }

  @Test
  void aPageOfAnotherOriginCanNeitherOpenASocketNorPost() throws Exception {
    int port = start(ConsoleConfig.withToken("127.0.0.1", 0, TOKEN));
    String session = login(port, "ana");
    var hijack = assertThrows(ExecutionException.class, () -> socket(port, session, "http://evil.example", new Closing()));
    assertEquals(403, ((WebSocketHandshakeException) hijack.getCause()).getResponse().statusCode(),
        "cross-site WebSocket hijacking refused even with the operator's cookie");
    socket(port, session, "http://127.0.0.1:" + port, new Closing()); // the console's own page
    socket(port, session, null, new Closing()); // a program, not a page

    String creds = new JsonObject().put("user", "eve").put("token", TOKEN).encode();
    assertEquals(403, post(port, "/api/login", creds, Map.of("Content-Type", "application/json",
        "Origin", "http://evil.example")).statusCode());
    assertEquals(415, post(port, "/api/login", creds, Map.of("Content-Type", "text/plain")).statusCode(),
        "a form a cross-site page could send");
    assertEquals(415, post(port, "/api/logout", "", Map.of("Cookie", "telos_session=" + session)).statusCode());
    assertEquals(200, post(port, "/api/login", creds, Map.of("Content-Type", "application/json",
        "Origin", "http://127.0.0.1:" + port)).statusCode());
    assertTrue(agent.received.isEmpty());
  }

  @Test
  void configuredOriginsAreAllowedAndMalformedOnesRefused() throws Exception {
    ConsoleConfig cfg = ConsoleConfig.from(new Settings("console", Map.of("token", TOKEN, "port", 0,
        "origins", List.of("https://console.example.org"))), null);
    assertEquals(List.of("https://console.example.org"), cfg.origins());
    int port = start(cfg);
    socket(port, login(port, "ana"), "https://console.example.org", new Closing());
    var e = assertThrows(ConfigException.class, () -> ConsoleConfig.from(new Settings("console",
        Map.of("origins", List.of("https://x.org/path"))), null));
    assertTrue(e.getMessage().contains("is not an origin"), e.getMessage());
  }

  @Test
  void failedLoginsDelayTheNextAttemptsEvenWithTheRightToken() throws Exception {
    int port = start(ConsoleConfig.withToken("127.0.0.1", 0, TOKEN));
    Map<String, String> json = Map.of("Content-Type", "application/json");
    for (int i = 0; i < LoginThrottle.FREE; i++) {
      assertEquals(401, post(port, "/api/login", new JsonObject().put("user", "ana").put("token", "guess-" + i)
          .encode(), json).statusCode());
    }
    HttpResponse<String> slowed = post(port, "/api/login", new JsonObject().put("user", "ana").put("token", TOKEN)
        .encode(), json);
    assertEquals(429, slowed.statusCode(), "the right token is not even looked at during the wait");
    assertEquals("1", slowed.headers().firstValue("Retry-After").orElseThrow());
  }

  @Test
  void theDelayDoublesIsCappedAndASuccessClearsIt() {
    LoginThrottle t = new LoginThrottle();
    for (int i = 0; i < 3; i++) {
      assertEquals(0, t.waitMs("10.0.0.1", "ana", 1000));
      t.failed("10.0.0.1", "ana", 1000);
    }
    assertEquals(1000, t.waitMs("10.0.0.1", "ana", 1000));
    assertEquals(1000, t.waitMs("10.0.0.9", "ana", 1000), "another address, the same name: still slowed");
    assertEquals(1000, t.waitMs("10.0.0.1", "bob", 1000), "the same address, another name: still slowed");
    assertEquals(0, t.waitMs("10.0.0.9", "bob", 1000));
    t.failed("10.0.0.1", "ana", 2000);
    assertEquals(2000, t.waitMs("10.0.0.1", "ana", 2000));
    assertEquals(300_000, LoginThrottle.delayMs(40), "capped at 5 minutes");
    t.succeeded("10.0.0.1", "ana");
    assertEquals(0, t.waitMs("10.0.0.1", "ana", 2000));
  }

  @Test
  void socketsCloseWithTheirSessions() throws Exception {
    int port = start(ConsoleConfig.withToken("127.0.0.1", 0, TOKEN));
    String first = login(port, "ana");
    String second = login(port, "ana");
    String bobs = login(port, "bob");
    Closing a1 = new Closing();
    Closing a2 = new Closing();
    Closing b = new Closing();
    socket(port, first, null, a1);
    socket(port, second, null, a2);
    socket(port, bobs, null, b);
    Map<String, String> json = Map.of("Content-Type", "application/json");

    assertEquals(204, post(port, "/api/logout", "{}", Map.of("Content-Type", "application/json",
        "Cookie", "telos_session=" + first)).statusCode());
    assertEquals(4401, a1.code.get(5, TimeUnit.SECONDS), "logout closes that session's socket");
    assertTrue(!a2.code.isDone() && !b.code.isDone());

    HttpResponse<String> revoked = post(port, "/api/sessions/revoke", "{}", Map.of("Content-Type", "application/json",
        "Cookie", "telos_session=" + second));
    assertEquals(200, revoked.statusCode(), revoked.body());
    assertEquals(1, new JsonObject(revoked.body()).getInteger("revoked"));
    assertEquals(4401, a2.code.get(5, TimeUnit.SECONDS), "log out everywhere");
    assertTrue(!b.code.isDone(), "another operator's socket stays");
    assertEquals(401, post(port, "/api/sessions/revoke", "{}", Map.of("Content-Type", "application/json",
        "Cookie", "telos_session=" + second)).statusCode(), "the revoked session is gone");
    assertEquals(200, post(port, "/api/login", new JsonObject().put("user", "ana").put("token", TOKEN).encode(), json)
        .statusCode(), "and she can log in again");
  }

  @Test
  void aConsoleBeyondThisMachineNeedsTlsAndChosenCredentials() throws Exception {
    var e = assertThrows(ConfigException.class, () -> ConsoleConfig.from(new Settings("console",
        Map.of("host", "0.0.0.0", "token", TOKEN)), null));
    assertTrue(e.getMessage().contains("needs tls (cert and key)"), e.getMessage());
    Path crt = Files.writeString(dir.resolve("c.crt"), "x");
    Path key = Files.writeString(dir.resolve("c.key"), "x");
    e = assertThrows(ConfigException.class, () -> ConsoleConfig.from(new Settings("console",
        Map.of("host", "0.0.0.0", "tls", Map.of("cert", crt.toString(), "key", key.toString()))), null));
    assertTrue(e.getMessage().contains("chosen credentials (users or token)"), e.getMessage());
    assertEquals("0.0.0.0", ConsoleConfig.from(new Settings("console", Map.of("host", "0.0.0.0", "token", TOKEN,
        "tls", Map.of("cert", crt.toString(), "key", key.toString()))), null).host());
    assertTrue(ConsoleConfig.loopback("127.0.0.1") && ConsoleConfig.loopback("::1") && ConsoleConfig.loopback("localhost"));
    assertTrue(!ConsoleConfig.loopback("192.168.1.5"));
  }
}
