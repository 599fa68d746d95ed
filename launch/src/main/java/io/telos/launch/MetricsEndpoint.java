package io.telos.launch;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.function.Supplier;

/** Serves {@code GET /metrics} in Prometheus text format on loopback. */
final class MetricsEndpoint {
  private MetricsEndpoint() {}

  /** Starts the server; port 0 picks a free one (see {@link HttpServer#actualPort()}). */
  static HttpServer start(Vertx vertx, String host, int port, Supplier<String> metrics) {
    return vertx.createHttpServer()
        .requestHandler(req -> {
          if (!req.path().equals("/metrics")) {
            req.response().setStatusCode(404).end("only /metrics is served here\n");
            return;
          }
          req.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.get());
        })
        .listen(port, host)
        .await();
  }
}
