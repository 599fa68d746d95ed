package io.telos.bridge.teleop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Addresses;
import io.telos.api.OperatorCommand.Kind;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's HTTP and WebSocket surface against a fake agent on the bus; TLS with an openssl certificate. */
class TeleopConsoleTest {
  static final String TOKEN = "console-test-token-0123";
  Vertx vertx = Vertx.vertx();
  FakeAgent agent = new FakeAgent(vertx, "arm");

  @TempDir
  Path dir;

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  int start(ConsoleConfig cfg) {
    TeleopConsole c = new TeleopConsole("arm", FakeAgent.ARM, cfg, limit -> new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("id", 1).put("operator", true)));
    vertx.deployVerticle(c).await();
    return c.port();
  }

  static HttpResponse<String> post(HttpClient http, String url, JsonObject body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(HttpClient http, String url, String session) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (session != null) {
      b.header("Cookie", "telos_session=" + session);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static final class Inbox implements WebSocket.Listener {
    final LinkedBlockingQueue<JsonObject> q = new LinkedBlockingQueue<>();
    final StringBuilder part = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      part.append(data);
      if (last) {
        q.add(new JsonObject(part.toString()));
        part.setLength(0);
      }
      ws.request(1);
      return null;
    }

    JsonObject next(String type) throws InterruptedException {
      while (true) {
        JsonObject m = q.poll(10, TimeUnit.SECONDS);
        if (m == null || type.equals(m.getString("type"))) {
          return m;
        }
      }
    }
  }

  @Test
  void loginGuardsTheApiAndTheSocketAndCommandsReachTheAgentUnderTheSessionName() throws Exception {
    int port = start(ConsoleConfig.withToken("127.0.0.1", 0, TOKEN));
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + port;
    assertEquals(200, get(http, base + "/", null).statusCode(), "the page itself is public");
    assertTrue(get(http, base + "/", null).headers().firstValue("Content-Security-Policy").isPresent());
    assertEquals(401, get(http, base + "/api/robot", null).statusCode());
    assertEquals(401, get(http, base + "/api/episodes", "not-a-session").statusCode());
    assertEquals(401, post(http, base + "/api/login", new JsonObject().put("user", "ana").put("token", "nope")).statusCode());
    assertEquals(400, http.send(HttpRequest.newBuilder(URI.create(base + "/api/login")).header("Content-Type",
        "application/json").POST(HttpRequest.BodyPublishers.ofString("garbage")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    HttpResponse<String> typed = post(http, base + "/api/login", new JsonObject().put("user", 7).put("token", TOKEN));
    assertEquals(400, typed.statusCode(), "a user name that is not a string is a bad request, not a server error");
    assertEquals("user: a string of 1-1024 characters", typed.body());

    HttpResponse<String> login = post(http, base + "/api/login", new JsonObject().put("user", "ana").put("token", TOKEN));
    assertEquals(200, login.statusCode());
    assertTrue(login.headers().firstValue("Set-Cookie").orElseThrow().contains("HttpOnly"));
    String session = new JsonObject(login.body()).getString("session");
    JsonObject robot = new JsonObject(get(http, base + "/api/robot", session).body());
    assertEquals(6, robot.getJsonArray("joints").size());
    assertEquals(1, new JsonObject(get(http, base + "/api/episodes", session).body()).getJsonArray("episodes").size());

    var refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () ->
        http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new Inbox())
            .get(5, TimeUnit.SECONDS));
    assertEquals(401, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
    assertTrue(agent.received.isEmpty(), "nothing reached the agent");

    Inbox in = new Inbox();
    WebSocket ws = http.newWebSocketBuilder().header("Cookie", "telos_session=" + session)
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), in).get(5, TimeUnit.SECONDS);
    assertEquals("ana", in.next("hello").getString("operator"));
    assertNotNull(in.next("state").getJsonArray("points"), "telemetry with the arm's joint positions");
    JsonObject withObjects = in.next("state");
    for (int k = 0; k < 20 && withObjects.getJsonArray("objects").isEmpty(); k++) { // the first may precede them
      withObjects = in.next("state");
    }
    assertEquals("puck", withObjects.getJsonArray("objects").getJsonObject(0).getString("name"),
        "scene objects from perception are drawn too");
    assertEquals(-0.1, withObjects.getJsonArray("objects").getJsonObject(0).getJsonArray("p").getDouble(1));
    ws.sendText("{\"type\":\"take\",\"id\":1,\"operator\":\"mallory\"}", true).join();
    JsonObject reply = in.next("reply");
    assertTrue(reply.getBoolean("accepted"));
    assertEquals(1, reply.getInteger("id"));
    assertEquals("ana", agent.received.get(0).operator(), "the session's name, not the message's");
    assertEquals(Kind.TAKE, agent.received.get(0).kind());
    ws.sendText("{\"type\":\"jog\",\"v\":[1,\"x\"],\"id\":2}", true).join();
    JsonObject error = in.next("error");
    assertTrue(error.getString("message").contains("v[1]"), error.encode());
    assertEquals(1, agent.received.size(), "a malformed jog never reaches the agent");
  }

  @Test
  void servesHttpsAndWssWithAPemCertificate() throws Exception {
    Path key = dir.resolve("console.key");
    Path crt = dir.resolve("console.crt");
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
        "-out", crt.toString(), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1").redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0, "openssl is not installed");
    int port = start(ConsoleConfig.withToken("127.0.0.1", 0, TOKEN).withTls(crt, key));
    // the client trusts exactly the console's certificate, with hostname verification on
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (var in = java.nio.file.Files.newInputStream(crt)) {
      ks.setCertificateEntry("console", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    HttpClient https = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> login = post(https, "https://127.0.0.1:" + port + "/api/login",
        new JsonObject().put("user", "ana").put("token", TOKEN));
    assertEquals(200, login.statusCode());
    assertTrue(login.headers().firstValue("Set-Cookie").orElseThrow().contains("Secure"));
    String session = new JsonObject(login.body()).getString("session");
    Inbox in = new Inbox();
    https.newWebSocketBuilder().header("Cookie", "telos_session=" + session)
        .buildAsync(URI.create("wss://127.0.0.1:" + port + "/ws"), in).get(5, TimeUnit.SECONDS);
    assertEquals("ana", in.next("hello").getString("operator"));
    var plain = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> get(HttpClient.newHttpClient(), "http://127.0.0.1:" + port + "/", null));
    assertNotNull(plain);
  }

  /** In a fleet the console lists every robot's status and forwards mode requests to any of them. */
  @Test
  void theFleetIsListedAndAnyRobotCanBeHeldFromHere() throws Exception {
    int port = start(ConsoleConfig.withToken("127.0.0.1", 0, TOKEN));
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + port;
    List<String> asked = new CopyOnWriteArrayList<>();
    vertx.eventBus().<String>consumer(Addresses.fleetMode("arm7"), m -> {
      asked.add(m.body());
      m.reply(m.body().equals("AUTONOMOUS") ? "REFUSED PROTECTIVE_STOP" : m.body());
    }).completion().await();
    assertEquals(401, get(http, base + "/api/fleet", null).statusCode());
    String session = new JsonObject(post(http, base + "/api/login", new JsonObject().put("user", "ana")
        .put("token", TOKEN)).body()).getString("session");
    assertEquals(0, new JsonObject(get(http, base + "/api/fleet", session).body()).getJsonArray("robots").size(),
        "alone: no fleet");

    vertx.eventBus().publish(Addresses.fleetStatus(), new JsonObject().put("robot", "arm7")
        .put("mode", "AUTONOMOUS").put("goals_ended", 3).put("goals_reached", 2).put("member", "10.0.0.7/pid 1")
        .encode());
    vertx.eventBus().publish(Addresses.fleetStatus(), "not json");
    JsonObject fleet = null;
    for (int i = 0; i < 100; i++) { // the status is delivered on the console's event loop
      fleet = new JsonObject(get(http, base + "/api/fleet", session).body());
      if (!fleet.getJsonArray("robots").isEmpty()) {
        break;
      }
      Thread.sleep(20);
    }
    assertEquals("arm7", fleet.getJsonArray("robots").getJsonObject(0).getString("robot"));
    assertEquals(false, fleet.getJsonArray("robots").getJsonObject(0).getBoolean("stale"));

    HttpResponse<String> hold = postAs(http, base + "/api/fleet/mode", session,
        new JsonObject().put("robot", "arm7").put("request", "HOLD"));
    assertEquals(200, hold.statusCode(), hold.body());
    assertEquals("HOLD", new JsonObject(hold.body()).getString("answer"));
    assertEquals("REFUSED PROTECTIVE_STOP", new JsonObject(postAs(http, base + "/api/fleet/mode", session,
        new JsonObject().put("robot", "arm7").put("request", "AUTONOMOUS")).body()).getString("answer"));
    assertEquals(List.of("HOLD", "AUTONOMOUS"), asked);
    assertEquals(400, postAs(http, base + "/api/fleet/mode", session,
        new JsonObject().put("robot", "arm7").put("request", "FLY")).statusCode());
    assertEquals(400, postAs(http, base + "/api/fleet/mode", session,
        new JsonObject().put("robot", "../x").put("request", "HOLD")).statusCode());
    assertEquals(504, postAs(http, base + "/api/fleet/mode", session,
        new JsonObject().put("robot", "arm9").put("request", "HOLD")).statusCode(), "no agent answers for arm9");
    assertEquals(401, post(http, base + "/api/fleet/mode", new JsonObject().put("robot", "arm7")
        .put("request", "HOLD")).statusCode(), "not without a session");
    assertEquals(2, asked.size(), "refused requests never reached the agent");
  }

  static HttpResponse<String> postAs(HttpClient http, String url, String session, JsonObject body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .header("Cookie", "telos_session=" + session).POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
