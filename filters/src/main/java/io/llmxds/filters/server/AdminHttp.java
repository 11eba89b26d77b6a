package io.llmxds.filters.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/** The service's admin HTTP: {@code GET /metrics} (Prometheus) and {@code GET /healthz} ({@link HealthReport}). */
final class AdminHttp implements AutoCloseable {
  static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer http;
  private final ExecutorService executor;
  private final PrometheusMeterRegistry meters;
  private final Supplier<String> health;

  private AdminHttp(HttpServer http, PrometheusMeterRegistry meters, Supplier<String> health) {
    this.http = http;
    this.meters = meters;
    this.health = health;
    this.executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "filters-admin-http");
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(executor);
    // One context, exact paths: the JDK matches contexts by prefix ("/metricsx" would reach /metrics).
    http.createContext("/", this::dispatch);
  }

  static AdminHttp start(String host, int port, PrometheusMeterRegistry meters, Supplier<String> health)
      throws IOException {
    AdminHttp admin = new AdminHttp(HttpServer.create(new InetSocketAddress(host, port), 0), meters, health);
    admin.http.start();
    return admin;
  }

  int port() {
    return http.getAddress().getPort();
  }

  private void dispatch(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      if (!ex.getRequestMethod().equals("GET")) {
        send(ex, 405, "application/json", "{\"error\":\"method not allowed\"}");
      } else if (path.equals("/metrics")) {
        send(ex, 200, PROMETHEUS_TYPE, meters.scrape());
      } else if (path.equals("/healthz")) {
        send(ex, 200, "application/json", health.get());
      } else {
        send(ex, 404, "application/json", "{\"error\":\"not found\"}");
      }
    }
  }

  private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** {@code stop(0)} after draining the executor: before JDK 21 {@code stop(n)} always waits n seconds. */
  @Override
  public void close() {
    executor.shutdown();
    http.stop(0);
    executor.shutdownNow();
  }
}
