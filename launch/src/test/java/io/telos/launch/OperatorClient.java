package io.telos.launch;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A programmatic operator station for tests: logs in over HTTP, speaks the protocol over a WebSocket. */
final class OperatorClient implements AutoCloseable {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final LinkedBlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
  final List<JsonObject> all = new ArrayList<>();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private volatile WebSocket ws;
  private int nextId = 1;

  private OperatorClient() {}

  /** POSTs a login; returns the status code and the session (null when refused). */
  static String[] login(int port, String user, String token) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/login"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("user", user).put("token", token).encode()))
        .build();
    HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    String session = r.statusCode() == 200 ? new JsonObject(r.body()).getString("session") : null;
    return new String[] {String.valueOf(r.statusCode()), session};
  }

  /** Connects a socket with the given session cookie (null: none). */
  static OperatorClient connect(int port, String session) throws Exception {
    OperatorClient[] holder = {new OperatorClient()};
    WebSocket.Builder b = HTTP.newWebSocketBuilder();
    if (session != null) {
      b.header("Cookie", "telos_session=" + session);
    }
    StringBuilder partial = new StringBuilder();
    WebSocket ws = b.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          JsonObject m = new JsonObject(partial.toString());
          partial.setLength(0);
          OperatorClient c = holder[0];
          if (c != null) {
            synchronized (c.all) {
              c.all.add(m);
            }
            c.inbox.add(m);
          }
        }
        w.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
        if (holder[0] != null) {
          holder[0].closed.complete(code);
        }
        return null;
      }
    }).get(5, TimeUnit.SECONDS);
    holder[0].ws = ws;
    return holder[0];
  }

  synchronized int send(JsonObject m) {
    int id = nextId++;
    if (!m.containsKey("id") && !"heartbeat".equals(m.getString("type")) && !"jog".equals(m.getString("type"))) {
      m.put("id", id);
    }
    ws.sendText(m.encode(), true).join();
    return id;
  }

  /** Sends a command with an id and waits for its reply. */
  JsonObject call(String type) throws InterruptedException {
    return call(new JsonObject().put("type", type), 10);
  }

  /** Sends {@code m} with an id and waits up to {@code seconds} for its reply or error; null if none came. */
  JsonObject call(JsonObject m, long seconds) throws InterruptedException {
    int from = mark();
    int id;
    synchronized (this) {
      id = nextId++;
    }
    send(m.put("id", id));
    return await(from, r -> ("reply".equals(r.getString("type")) || "error".equals(r.getString("type")))
        && Integer.valueOf(id).equals(r.getInteger("id")), seconds);
  }

  /** How many messages have arrived so far: pass it to {@link #await(int, Predicate, long)}. */
  int mark() {
    synchronized (all) {
      return all.size();
    }
  }

  /** The first message from index {@code from} on that matches, waiting up to the timeout; null if none. */
  JsonObject await(int from, Predicate<JsonObject> p, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    int i = from;
    while (true) {
      synchronized (all) {
        for (; i < all.size(); i++) {
          if (p.test(all.get(i))) {
            return all.get(i);
          }
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      inbox.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)), TimeUnit.NANOSECONDS);
    }
  }

  /** The first message since the socket opened that matches. */
  JsonObject await(Predicate<JsonObject> p, long seconds) throws InterruptedException {
    return await(0, p, seconds);
  }

  @Override
  public void close() {
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
  }
}
