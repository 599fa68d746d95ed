package io.telos.bridge.teleop;

import io.telos.api.Addresses;
import io.telos.api.OperatorCommand.Kind;
import io.telos.api.OperatorCommand;
import io.telos.api.OperatorReply;
import io.telos.model.RobotModel;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator console: a web page served by Vert.x Web and a WebSocket that carries the
 * {@link OperatorProtocol} both ways. Login first ({@code POST /api/login}); every other API call
 * and the WebSocket need the session (cookie {@code telos_session}, or {@code ?session=} for
 * programmatic clients). Nothing reaches the agent from a client that is not logged in: its
 * WebSocket upgrade is refused with HTTP 401, so no socket is ever opened.
 */
public final class TeleopConsole extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(TeleopConsole.class);
  static final String COOKIE = "telos_session";
  private static final long FRAME_MS = 50;

  private final String robotId;
  private final RobotModel model;
  private final ConsoleConfig config;
  private final EpisodeSource episodes;
  private final Authenticator auth;
  private final Telemetry telemetry;
  private final Map<ServerWebSocket, String> sockets = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private HttpServer server;
  private long timer = -1;
  private volatile int port;

  public TeleopConsole(String robotId, RobotModel model, ConsoleConfig config, EpisodeSource episodes) {
    this.robotId = robotId;
    this.model = model;
    this.config = config;
    this.episodes = episodes;
    this.auth = new Authenticator(config);
    this.telemetry = new Telemetry(robotId, model);
  }

  @Override
  public void start(Promise<Void> started) {
    telemetry.start(vertx, this::broadcast);
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      ctx.response().putHeader("X-Frame-Options", "DENY").putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:");
      ctx.next();
    });
    router.route("/api/*").handler(BodyHandler.create().setBodyLimit(16 * 1024));
    router.post("/api/login").handler(this::login);
    router.post("/api/logout").handler(ctx -> {
      auth.close(sessionOf(ctx));
      ctx.response().putHeader("Set-Cookie", COOKIE + "=; Max-Age=0; Path=/").setStatusCode(204).end();
    });
    router.get("/api/robot").handler(ctx -> withSession(ctx).ifPresent(op -> json(ctx, telemetry.robot()
        .put("operator", op))));
    router.get("/api/episodes").handler(ctx -> withSession(ctx).ifPresent(op -> vertx.executeBlocking(() ->
        episodes.recent(50)).onComplete(r -> {
          if (r.succeeded()) {
            json(ctx, new JsonObject().put("episodes", r.result()));
          } else {
            ctx.response().setStatusCode(503).end("episodes unavailable: " + r.cause().getMessage());
          }
        })));
    router.route("/*").handler(StaticHandler.create("io/telos/bridge/teleop/web").setCachingEnabled(false));

    HttpServerOptions opts = new HttpServerOptions().setHost(config.host()).setPort(config.port())
        .setMaxWebSocketFrameSize(4096).setMaxWebSocketMessageSize(4096);
    if (config.tls()) {
      opts.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(config.tlsCert().toString())
          .setKeyPath(config.tlsKey().toString()));
    }
    vertx.createHttpServer(opts).requestHandler(router).webSocketHandshakeHandler(this::handshake)
        .webSocketHandler(this::socket).listen()
        .onSuccess(s -> {
          server = s;
          port = s.actualPort();
          timer = vertx.setPeriodic(FRAME_MS, id -> frame());
          LOG.info("component=console/{} event=listening url={}://{}:{}/ auth={}", robotId, config.tls() ? "https" : "http",
              config.host(), port, config.users().isEmpty() ? "token" : "users " + config.users().keySet());
          if (config.generatedToken()) {
            LOG.warn("component=console/{} event=generated_token token={} (set teleop.console.token or users to choose)",
                robotId, config.token());
          }
          started.complete();
        })
        .onFailure(e -> started.fail(new IllegalStateException("console: cannot listen on " + config.host() + ":"
            + config.port() + ": " + e.getMessage(), e)));
  }

  @Override
  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    telemetry.stop();
    sockets.keySet().forEach(ws -> ws.close((short) 1001, "console stopping"));
    if (server != null) {
      server.close();
    }
  }

  /** The port actually listened on (after start). */
  public int port() {
    return port;
  }

  public Telemetry telemetry() {
    return telemetry;
  }

  private void login(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    if (body == null) {
      ctx.response().setStatusCode(400).end("expected a JSON object: {user, password} or {user, token}");
      return;
    }
    Optional<String> op = auth.check(body.getString("user"), body.getString("password"), body.getString("token"));
    if (op.isEmpty()) {
      LOG.warn("component=console/{} event=login_refused user=\"{}\" from={}", robotId, body.getString("user"),
          ctx.request().remoteAddress());
      ctx.response().setStatusCode(401).end("wrong name, password or token");
      return;
    }
    String session = auth.open(op.get(), System.currentTimeMillis());
    LOG.info("component=console/{} event=login operator={} from={}", robotId, op.get(), ctx.request().remoteAddress());
    ctx.response().putHeader("Set-Cookie", COOKIE + "=" + session + "; Path=/; HttpOnly; SameSite=Strict"
        + (config.tls() ? "; Secure" : ""));
    json(ctx, new JsonObject().put("operator", op.get()).put("session", session));
  }

  private Optional<String> withSession(RoutingContext ctx) {
    Optional<String> op = auth.session(sessionOf(ctx), System.currentTimeMillis());
    if (op.isEmpty()) {
      ctx.response().setStatusCode(401).end("login required");
    }
    return op;
  }

  private static String sessionOf(RoutingContext ctx) {
    var c = ctx.request().getCookie(COOKIE);
    return c != null ? c.getValue() : ctx.request().getParam("session");
  }

  private static void json(RoutingContext ctx, JsonObject o) {
    ctx.response().putHeader("Content-Type", "application/json").end(o.encode());
  }

  /** Refuses the upgrade (HTTP 401) unless the request carries a live session: no socket is ever opened. */
  private void handshake(ServerWebSocketHandshake h) {
    if (!"/ws".equals(h.path())) {
      h.reject(404);
      return;
    }
    if (operatorOf(h.headers().get("Cookie"), h.query()).isEmpty()) {
      LOG.warn("component=console/{} event=socket_refused from={} reason=\"login required\"", robotId, h.remoteAddress());
      h.reject(401);
      return;
    }
    h.accept();
  }

  private Optional<String> operatorOf(String cookieHeader, String query) {
    String session = cookie(cookieHeader);
    if (session == null) {
      session = queryParam(query, "session");
    }
    return auth.session(session, System.currentTimeMillis());
  }

  private void socket(ServerWebSocket ws) {
    Optional<String> op = operatorOf(ws.headers().get("Cookie"), ws.query());
    if (op.isEmpty()) { // the session expired between handshake and now
      ws.close((short) 1008, "login required");
      return;
    }
    String operator = op.get();
    sockets.put(ws, operator);
    ws.closeHandler(v -> sockets.remove(ws));
    ws.exceptionHandler(e -> sockets.remove(ws));
    ws.textMessageHandler(text -> command(ws, operator, text));
    ws.writeTextMessage(new JsonObject().put("type", "hello").put("operator", operator)
        .put("robot", telemetry.robot()).encode());
    JsonObject snap = telemetry.snapshot();
    if (snap != null) {
      ws.writeTextMessage(snap.encode());
    }
  }

  private void command(ServerWebSocket ws, String operator, String text) {
    JsonObject m;
    try {
      m = OperatorProtocol.object(text);
    } catch (OperatorProtocol.ProtocolException e) {
      ws.writeTextMessage(OperatorProtocol.error(null, e.getMessage()).encode());
      return;
    }
    Object id = m.getValue("id");
    OperatorCommand cmd;
    try {
      cmd = OperatorProtocol.parse(m, operator, sequence.getAndIncrement(), 0);
    } catch (OperatorProtocol.ProtocolException e) {
      ws.writeTextMessage(OperatorProtocol.error(id, e.getMessage()).encode());
      return;
    }
    send(cmd).onComplete(r -> {
      if (r.failed()) {
        ws.writeTextMessage(OperatorProtocol.error(id, "the agent did not answer: " + r.cause().getMessage()).encode());
        return;
      }
      OperatorReply reply = r.result();
      boolean quiet = reply.accepted() && (cmd.kind() == Kind.HEARTBEAT || cmd.kind() == Kind.JOG) && id == null;
      if (!quiet) {
        ws.writeTextMessage(OperatorProtocol.reply(id, reply).encode());
      }
    });
  }

  /** Sends an operator command to the agent and returns its reply. */
  Future<OperatorReply> send(OperatorCommand cmd) {
    return vertx.eventBus().<OperatorReply>request(Addresses.teleop(robotId), cmd).map(m -> m.body());
  }

  private void frame() {
    if (sockets.isEmpty()) {
      return;
    }
    JsonObject snap = telemetry.snapshot();
    if (snap == null) {
      return;
    }
    String text = snap.encode();
    for (ServerWebSocket ws : sockets.keySet()) {
      if (!ws.writeQueueFull()) {
        ws.writeTextMessage(text);
      }
    }
  }

  private void broadcast(JsonObject event) {
    String text = event.encode();
    sockets.keySet().forEach(ws -> ws.writeTextMessage(text));
  }

  static String cookie(String header) {
    if (header == null) {
      return null;
    }
    for (String part : header.split(";")) {
      String p = part.trim();
      if (p.startsWith(COOKIE + "=")) {
        return p.substring(COOKIE.length() + 1);
      }
    }
    return null;
  }

  static String queryParam(String query, String name) {
    if (query == null) {
      return null;
    }
    for (String kv : query.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0 && kv.substring(0, eq).equals(name)) {
        return kv.substring(eq + 1);
      }
    }
    return null;
  }

  /** Sockets logged in now. */
  public Set<String> operators() {
    return Set.copyOf(sockets.values());
  }
}
