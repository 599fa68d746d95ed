package io.telos.bridge.teleop;

import io.telos.api.Addresses;
import io.telos.api.Header;
import io.telos.api.OperatorAction;
import io.telos.api.OperatorCommand.Kind;
import io.telos.api.OperatorCommand;
import io.telos.api.OperatorReply;
import io.telos.model.RobotModel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator console: a web page served by Vert.x Web and a WebSocket that carries the
 * {@link OperatorProtocol} both ways. Login first ({@code POST /api/login}); every other API call
 * and the WebSocket need the session (cookie {@code telos_session}, or {@code ?session=} for
 * programmatic clients). Nothing reaches the agent from a client that is not logged in: its
 * WebSocket upgrade is refused with HTTP 401, so no socket is ever opened.
 *
 * <p>Against a hostile page in the operator's own browser: a WebSocket upgrade or a POST whose
 * {@code Origin} is neither the console's own nor one of {@code teleop.console.origins} is refused
 * (403: no cross-site WebSocket hijacking), and every POST must be {@code application/json} (which a
 * cross-site form cannot send) on top of the {@code SameSite=Strict} cookie. Against guessing:
 * failed logins from one address or for one name delay further attempts, doubling from 1 s after
 * the third ({@link LoginThrottle}; HTTP 429 with {@code Retry-After}). A socket lives only as long
 * as its session: logout, {@code POST /api/sessions/revoke} (every session of the caller) or
 * expiry closes it (code 4401).
 */
public final class TeleopConsole extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TeleopConsole.class);
  static final String COOKIE = "telos_session";
  private static final long FRAME_MS = 50;

  private final String robotId;
  private final RobotModel model;
  private final ConsoleConfig config;
  private final EpisodeSource episodes;
  private final Authenticator auth;
  private final Telemetry telemetry;
  /** An open socket's operator and the session it was opened with. */
  private record Holder(String operator, String session) {}

  private final Map<ServerWebSocket, Holder> sockets = new ConcurrentHashMap<>();
  private final LoginThrottle throttle = new LoginThrottle();
  private long frames;
  private final AtomicLong sequence = new AtomicLong();
  /** The fleet's robots as their agents last reported them (empty when this agent is not in a fleet). */
  private final Map<String, JsonObject> fleet = new ConcurrentHashMap<>();
  /** A fleet status older than this is shown as stale: its member may have left. */
  static final long FLEET_STALE_MS = 3000;
  private HttpServer server;
  private long timer = -1;
  private volatile int port;
  /** This console's node in the fleet's cluster, or null when its agent is not in a fleet. */
  private String member;

  public TeleopConsole(String robotId, RobotModel model, ConsoleConfig config, EpisodeSource episodes) {
    this.robotId = robotId;
    this.model = model;
    this.config = config;
    this.episodes = episodes;
    this.auth = new Authenticator(config);
    this.telemetry = new Telemetry(robotId, model);
  }

  @Override
  public Future<?> start() {
    var cluster = ((VertxInternal) vertx).clusterManager();
    member = cluster == null ? null : cluster.getNodeId();
    Promise<Void> started = Promise.promise();
    telemetry.start(vertx, this::broadcast);
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      ctx.response().putHeader("X-Frame-Options", "DENY").putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:");
      ctx.next();
    });
    router.route("/api/*").handler(BodyHandler.create().setBodyLimit(16 * 1024));
    router.post("/api/*").handler(this::guardPost);
    router.post("/api/login").handler(this::login);
    router.post("/api/logout").handler(ctx -> {
      String session = sessionOf(ctx);
      auth.session(session, System.currentTimeMillis()).ifPresent(op -> audit(op, "logout", true, from(ctx)));
      auth.close(session);
      closeSockets(h -> h.session().equals(session), "logged out");
      ctx.response().putHeader("Set-Cookie", COOKIE + "=; Max-Age=0; Path=/").setStatusCode(204).end();
    });
    router.post("/api/sessions/revoke").handler(ctx -> withSession(ctx).ifPresent(op -> {
      int n = auth.revoke(op);
      int closed = closeSockets(h -> h.operator().equals(op), "sessions revoked by '" + op + "'");
      LOG.info("component=console/{} event=sessions_revoked operator={} sessions={} sockets={}", robotId, op, n, closed);
      audit(op, "sessions_revoked", true, n + " sessions, " + closed + " sockets, " + from(ctx));
      json(ctx, new JsonObject().put("revoked", n).put("sockets_closed", closed));
    }));
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
    router.get("/api/fleet").handler(ctx -> withSession(ctx).ifPresent(op -> json(ctx, fleetView())));
    router.post("/api/fleet/mode").handler(ctx -> withSession(ctx).ifPresent(op -> fleetRequest(ctx, op)));
    // in a fleet (a clustered bus): every agent's status, and mode requests to any robot
    vertx.eventBus().<String>consumer(Addresses.fleetStatus(), m -> {
      try {
        JsonObject o = new JsonObject(m.body());
        String robot = o.getString("robot");
        if (robot != null) {
          fleet.put(robot, o.put("seen_ms", System.currentTimeMillis()));
        }
      } catch (RuntimeException e) {
        LOG.debug("component=console/{} event=fleet_status_unreadable reason=\"{}\"", robotId, e.toString());
      }
    });
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
    return started.future();
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    telemetry.stop();
    sockets.keySet().forEach(ws -> ws.close((short) 1001, "console stopping"));
    if (server != null) {
      server.close();
    }
    return Future.succeededFuture();
  }

  /** The port actually listened on (after start). */
  public int port() {
    return port;
  }

  public Telemetry telemetry() {
    return telemetry;
  }

  private void login(RoutingContext ctx) {
    LoginRequest body;
    try {
      String text = ctx.body().asString();
      body = LoginRequest.parse(text == null ? "" : text);
    } catch (IllegalArgumentException e) {
      ctx.response().setStatusCode(400).end(e.getMessage());
      return;
    }
    String address = ctx.request().remoteAddress() == null ? "" : ctx.request().remoteAddress().hostAddress();
    String user = body.user();
    long now = System.currentTimeMillis();
    long wait = throttle.waitMs(address, user, now);
    if (wait > 0) {
      LOG.warn("component=console/{} event=login_throttled user=\"{}\" from={} wait_ms={}", robotId, user, address,
          wait);
      audit(String.valueOf(user), "login_throttled", false, "wait " + wait + " ms, " + from(ctx));
      ctx.response().putHeader("Retry-After", String.valueOf((wait + 999) / 1000)).setStatusCode(429)
          .end("too many failed logins: try again in " + (wait + 999) / 1000 + " s");
      return;
    }
    Optional<String> op = auth.check(user, body.password(), body.token());
    if (op.isEmpty()) {
      throttle.failed(address, user, now);
      LOG.warn("component=console/{} event=login_refused user=\"{}\" from={}", robotId, user, address);
      audit(String.valueOf(user), "login_refused", false, "wrong name, password or token, " + from(ctx));
      ctx.response().setStatusCode(401).end("wrong name, password or token");
      return;
    }
    throttle.succeeded(address, user);
    audit(op.get(), "login", true, from(ctx));
    String session = auth.open(op.get(), System.currentTimeMillis());
    LOG.info("component=console/{} event=login operator={} from={}", robotId, op.get(), ctx.request().remoteAddress());
    ctx.response().putHeader("Set-Cookie", COOKIE + "=" + session + "; Path=/; HttpOnly; SameSite=Strict"
        + (config.tls() ? "; Secure" : ""));
    json(ctx, new JsonObject().put("operator", op.get()).put("session", session));
  }

  /** An entry of the operators' audit trail, kept in episodic memory by the recorder. */
  private void audit(String operator, String action, boolean accepted, String detail) {
    vertx.eventBus().publish(Addresses.operatorAction(robotId), new OperatorAction(
        new Header(sequence.getAndIncrement(), System.nanoTime(), "console/" + robotId, ""), operator, action,
        accepted, detail));
  }

  private static String from(RoutingContext ctx) {
    return "console from " + (ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().hostAddress());
  }

  /** Every POST: from the console's own origin (or a configured one), and JSON. */
  private void guardPost(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (!originAllowed(origin, authority(ctx.request().authority()))) {
      LOG.warn("component=console/{} event=request_refused path={} origin=\"{}\" reason=\"cross-origin\"", robotId,
          ctx.request().path(), origin);
      ctx.response().setStatusCode(403).end("cross-origin request refused");
      return;
    }
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      ctx.response().setStatusCode(415).end("POST needs Content-Type: application/json");
      return;
    }
    ctx.next();
  }

  /**
   * True for no {@code Origin} (not a browser page), the console's own origin (the scheme it serves
   * and the authority the request was sent to), or one of {@code teleop.console.origins}.
   */
  boolean originAllowed(String origin, String host) {
    if (origin == null) {
      return true;
    }
    return (host != null && origin.equals((config.tls() ? "https://" : "http://") + host))
        || config.origins().contains(origin);
  }

  /** {@code host[:port]} as the client addressed the console (the Host header, or HTTP/2's :authority). */
  private static String authority(HostAndPort a) {
    return a == null ? null : a.port() >= 0 ? a.host() + ":" + a.port() : a.host();
  }

  private int closeSockets(Predicate<Holder> which, String reason) {
    int n = 0;
    for (Map.Entry<ServerWebSocket, Holder> e : sockets.entrySet()) {
      if (which.test(e.getValue())) {
        sockets.remove(e.getKey());
        e.getKey().close((short) 4401, reason);
        n++;
      }
    }
    return n;
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

  /** The fleet as this console sees it, robots sorted by id, each with {@code stale} when not heard from lately. */
  JsonObject fleetView() {
    long now = System.currentTimeMillis();
    JsonArray robots = new JsonArray();
    new TreeMap<>(fleet).values().forEach(o -> robots.add(o.copy()
        .put("stale", now - o.getLong("seen_ms", 0L) > FLEET_STALE_MS).put("this", robotId.equals(o.getString("robot")))));
    return new JsonObject().put("robots", robots);
  }

  /**
   * {@code POST /api/fleet/mode {robot, request}}: a mode request to any robot of the fleet, through
   * its agent's fleet address (the same arbiter and checks as its own console); audited here.
   */
  private void fleetRequest(RoutingContext ctx, String op) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    String robot = body == null ? null : body.getValue("robot") instanceof String r ? r : null;
    String request = body == null ? null : body.getValue("request") instanceof String q ? q : null;
    if (robot == null || request == null || !robot.matches("[a-z][a-z0-9_]{0,31}")
        || !FLEET_REQUESTS.contains(request)) {
      ctx.response().setStatusCode(400).end("robot: a robot id, request: one of " + String.join(", ",
          FLEET_REQUESTS.stream().sorted().toList()));
      return;
    }
    vertx.eventBus().<String>request(Addresses.fleetMode(robot), request,
        new DeliveryOptions().setSendTimeout(5000)).onComplete(r -> {
          boolean ok = r.succeeded() && !r.result().body().startsWith("REFUSED");
          String answer = r.succeeded() ? r.result().body() : "no answer: " + r.cause().getMessage();
          audit(op, "fleet_" + request + "_" + robot, ok, answer + ", " + from(ctx));
          LOG.info("component=console/{} event=fleet_request operator={} robot={} request={} answer=\"{}\"", robotId,
              op, robot, request, answer);
          if (r.succeeded()) {
            json(ctx, new JsonObject().put("robot", robot).put("answer", answer));
          } else {
            ctx.response().setStatusCode(504).end(answer);
          }
        });
  }

  /** What an operator may ask of any robot in the fleet from this console. */
  static final Set<String> FLEET_REQUESTS = Addresses.FLEET_REQUESTS;

  private static void json(RoutingContext ctx, JsonObject o) {
    ctx.response().putHeader("Content-Type", "application/json").end(o.encode());
  }

  /** Refuses the upgrade (HTTP 401) unless the request carries a live session: no socket is ever opened. */
  private void handshake(ServerWebSocketHandshake h) {
    if (!"/ws".equals(h.path())) {
      h.reject(404);
      return;
    }
    String origin = h.headers().get("Origin");
    if (!originAllowed(origin, authority(h.authority()))) {
      LOG.warn("component=console/{} event=socket_refused from={} origin=\"{}\" reason=\"cross-origin\"", robotId,
          h.remoteAddress(), origin);
      h.reject(403);
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
    return auth.session(sessionOf(cookieHeader, query), System.currentTimeMillis());
  }

  private static String sessionOf(String cookieHeader, String query) {
    String session = cookie(cookieHeader);
    return session != null ? session : queryParam(query, "session");
  }

  private void socket(ServerWebSocket ws) {
    Optional<String> op = operatorOf(ws.headers().get("Cookie"), ws.query());
    if (op.isEmpty()) { // the session expired between handshake and now
      ws.close((short) 1008, "login required");
      return;
    }
    String operator = op.get();
    Holder holder = new Holder(operator, sessionOf(ws.headers().get("Cookie"), ws.query()));
    sockets.put(ws, holder);
    ws.closeHandler(v -> sockets.remove(ws));
    ws.exceptionHandler(e -> sockets.remove(ws));
    ws.textMessageHandler(text -> {
      if (auth.session(holder.session(), System.currentTimeMillis()).isEmpty()) { // ended since the last check
        sockets.remove(ws);
        ws.close((short) 4401, "session ended");
        return;
      }
      command(ws, operator, text);
    });
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
    Object target = m.getValue("robot");
    if (target != null && !robotId.equals(target)) {
      fleetCommand(ws, operator, m, id, target);
      return;
    }
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

  /**
   * A message for another robot of the fleet ({@code "robot": "arm2"}): checked here as the
   * protocol says, then sent with the operator's authenticated name and this console's cluster node
   * to that robot's agent ({@link Addresses#fleetOperator}), whose own lease, arbiter and checks
   * decide; its reply comes back tagged with the robot. The lease is held as
   * {@code operator@node}, so it cannot outlive this member in the cluster.
   */
  private void fleetCommand(ServerWebSocket ws, String operator, JsonObject m, Object id, Object target) {
    if (!(target instanceof String robot) || !robot.matches("[a-z][a-z0-9_]{0,31}")) {
      ws.writeTextMessage(OperatorProtocol.error(id, "\"robot\" must be a robot id").encode());
      return;
    }
    if (member == null) {
      ws.writeTextMessage(OperatorProtocol.error(id, "robot '" + robot + "': this agent is not in a fleet").encode());
      return;
    }
    OperatorCommand cmd;
    try {
      cmd = OperatorProtocol.parse(m, operator, 0, 0); // checked here; the agent parses it again as its own input
    } catch (OperatorProtocol.ProtocolException e) {
      ws.writeTextMessage(OperatorProtocol.error(id, e.getMessage()).encode());
      return;
    }
    JsonObject out = m.copy().put("operator", operator).put("member", member);
    vertx.eventBus().<String>request(Addresses.fleetOperator(robot), out.encode(),
        new DeliveryOptions().setSendTimeout(FLEET_TIMEOUT_MS)).onComplete(r -> {
          JsonObject reply;
          try {
            reply = r.succeeded() ? new JsonObject(r.result().body())
                : OperatorProtocol.error(id, "robot '" + robot + "' did not answer: " + r.cause().getMessage());
          } catch (RuntimeException e) {
            reply = OperatorProtocol.error(id, "robot '" + robot + "' answered something unreadable");
          }
          boolean quiet = reply.getBoolean("accepted", false) && id == null
              && (cmd.kind() == Kind.HEARTBEAT || cmd.kind() == Kind.JOG);
          if (cmd.kind() != Kind.HEARTBEAT && cmd.kind() != Kind.JOG) {
            LOG.info("component=console/{} event=fleet_operator operator={} robot={} command={} accepted={}", robotId,
                operator, robot, cmd.kind().name().toLowerCase(Locale.ROOT), reply.getBoolean("accepted", false));
          }
          if (!quiet) {
            ws.writeTextMessage(reply.put("robot", robot).encode());
          }
        });
  }

  /** How long a console waits for another member's agent to answer an operator command, ms. */
  static final long FLEET_TIMEOUT_MS = 2000;

  /** Sends an operator command to the agent and returns its reply. */
  Future<OperatorReply> send(OperatorCommand cmd) {
    return vertx.eventBus().<OperatorReply>request(Addresses.teleop(robotId), cmd).map(m -> m.body());
  }

  private void frame() {
    if (sockets.isEmpty()) {
      return;
    }
    if (++frames % 20 == 0) { // once a second: sockets whose session expired close
      long now = System.currentTimeMillis();
      closeSockets(h -> auth.session(h.session(), now).isEmpty(), "session ended");
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
    return sockets.values().stream().map(Holder::operator).collect(Collectors.toSet());
  }
}
