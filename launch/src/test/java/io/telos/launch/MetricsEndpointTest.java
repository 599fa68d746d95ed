package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
  @Test
  void servesPrometheusTextOnMetricsOnly() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer server = MetricsEndpoint.start(vertx, "127.0.0.1", 0, () -> "telos_servo_ticks_total{robot=\"a\"} 5\n");
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> ok = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.actualPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ok.statusCode());
      assertTrue(ok.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
      assertEquals("telos_servo_ticks_total{robot=\"a\"} 5\n", ok.body());
      HttpResponse<String> other = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.actualPort() + "/admin")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(404, other.statusCode());
    } finally {
      vertx.close().await();
    }
  }
}
