package io.llmxds.cp.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.llmxds.cp.observe.Telemetry;
import io.llmxds.cp.observe.TracedReloader;
import io.llmxds.cp.publish.XdsServer;
import io.llmxds.cp.reload.ReloadOutcome;
import io.llmxds.cp.reload.ReloadTrigger;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP API: {@code POST /reload} (bearer token), {@code GET /status}, {@code GET /healthz} (the process is
 * up) and {@code GET /ready} (a config is being served).
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final HttpServer http;
  private final ExecutorService executor;
  private final TracedReloader reloader;
  private final XdsServer xds;
  private final AdminToken token;
  private final TextMapPropagator propagator;

  private AdminServer(HttpServer http, TracedReloader reloader, XdsServer xds, AdminToken token,
      Telemetry telemetry) {
    this.http = http;
    this.reloader = reloader;
    this.xds = xds;
    this.token = token;
    this.propagator = telemetry.openTelemetry().getPropagators().getTextMapPropagator();
    this.executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "admin-http");
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(executor);
    http.createContext("/reload", this::reload);
    http.createContext("/status", ex -> handle(ex, "GET", () -> new Reply(200, status())));
    http.createContext("/healthz", ex -> handle(ex, "GET", () -> new Reply(200, Map.of("status", "ok"))));
    http.createContext("/ready", ex -> handle(ex, "GET", this::ready));
  }

  public static AdminServer start(String host, int port, TracedReloader reloader, XdsServer xds, AdminToken token,
      Telemetry telemetry) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
    AdminServer server = new AdminServer(http, reloader, xds, token, telemetry);
    http.start();
    return server;
  }

  public int port() {
    return http.getAddress().getPort();
  }

  private void reload(HttpExchange ex) throws IOException {
    if (!token.accepts(ex.getRequestHeaders().getFirst("Authorization"))) {
      ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"llm-xds admin\"");
      send(ex, new Reply(401, Map.of("error", "a valid bearer token is required")));
      return;
    }
    handle(ex, "POST", () -> {
      // A CI pipeline that sends traceparent sees this reload (and its pushes) inside its own trace.
      Context parent = propagator.extract(Context.root(), ex.getRequestHeaders(), RequestHeaders.GETTER);
      String actor = ReloadTrigger.ADMIN_API.wire() + " " + ex.getRemoteAddress().getAddress().getHostAddress();
      ReloadOutcome outcome = reloader.reload(ReloadTrigger.ADMIN_API, parent, actor);
      int code = outcome.status() == ReloadOutcome.Status.FAILURE ? 422 : 200;
      return new Reply(code, outcomeJson(outcome));
    });
  }

  private Reply ready() {
    boolean ready = xds.current().isPresent();
    return new Reply(ready ? 200 : 503, Map.of("ready", ready));
  }

  private Map<String, Object> status() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("policyDirectory", reloader.reloader().directory().toString());
    xds.current().ifPresentOrElse(s -> {
      body.put("configVersion", s.configVersion());
      body.put("typeVersions", s.typeVersions());
    }, () -> body.put("configVersion", ""));
    reloader.reloader().lastOutcome().ifPresent(o -> body.put("lastReload", outcomeJson(o)));
    return body;
  }

  private static Map<String, Object> outcomeJson(ReloadOutcome o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", o.status().wire());
    m.put("trigger", o.trigger().wire());
    m.put("configVersion", o.configVersion());
    m.put("previousVersion", o.previousVersion());
    m.put("startedAt", o.startedAt().toString());
    m.put("durationMs", o.duration().toNanos() / 1e6);
    m.put("changes", o.changes());
    m.put("errors", o.errors());
    return m;
  }

  private record Reply(int code, Object body) {}

  private interface ReplySupplier {
    Reply get() throws IOException;
  }

  private void handle(HttpExchange ex, String method, ReplySupplier supplier) throws IOException {
    try (ex) {
      if (!method.equals(ex.getRequestMethod())) {
        ex.getResponseHeaders().add("Allow", method);
        send(ex, new Reply(405, Map.of("error", "use " + method)));
        return;
      }
      send(ex, supplier.get());
    } catch (RuntimeException e) {
      log.error("admin {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
      send(ex, new Reply(500, Map.of("error", e.getClass().getSimpleName())));
    }
  }

  private static void send(HttpExchange ex, Reply reply) throws IOException {
    byte[] bytes = JSON.writeValueAsString(reply.body()).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(reply.code(), bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    http.stop(1);
    executor.shutdownNow();
  }
}
