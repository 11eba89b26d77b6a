package io.llmxds.cp.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.llmxds.cp.observe.NodeStatusBoard;
import io.llmxds.cp.observe.RouteVersions;
import io.llmxds.cp.translate.Flavor;
import io.llmxds.common.Telemetry;
import io.llmxds.cp.observe.TracedReloader;
import io.llmxds.cp.publish.XdsServer;
import io.llmxds.cp.reload.ReloadOutcome;
import io.llmxds.cp.reload.ReloadTrigger;
import io.llmxds.cp.source.PolicySource;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP API: {@code POST /reload} (bearer token), {@code GET /status} (config and every node's sync
 * state), {@code GET /config_dump?node=ID}, {@code GET /route_versions?version=V} (the config version and reload
 * that introduced a route version Envoy reported), {@code GET /metrics} (Prometheus), {@code GET /healthz} (the
 * process is up) and {@code GET /readyz} (a config is being served). Every error is a JSON {@code {"error": "…"}}.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);
  private static final String JSON_TYPE = "application/json";
  /** The Prometheus text exposition format that {@link PrometheusMeterRegistry#scrape()} writes. */
  static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer http;
  private final ExecutorService executor;
  private final TracedReloader reloader;
  private final PolicySource source;
  private final XdsServer xds;
  private final NodeStatusBoard nodes;
  private final RouteVersions routeVersions;
  private final AdminToken token;
  private final TextMapPropagator propagator;
  private final PrometheusMeterRegistry meters;
  private final Map<String, Route> routes;

  private record Reply(int code, byte[] body, String contentType) {
    static Reply json(int code, Object body) throws IOException {
      return new Reply(code, JSON.writeValueAsBytes(body), JSON_TYPE);
    }

    static Reply error(int code, String message) throws IOException {
      return json(code, Map.of("error", message));
    }
  }

  private interface Handler {
    Reply handle(HttpExchange ex) throws IOException;
  }

  private record Route(String method, Handler handler) {}

  private AdminServer(HttpServer http, TracedReloader reloader, PolicySource source, XdsServer xds,
      NodeStatusBoard nodes, RouteVersions routeVersions, AdminToken token, Telemetry telemetry) {
    this.http = http;
    this.reloader = reloader;
    this.source = source;
    this.xds = xds;
    this.nodes = nodes;
    this.routeVersions = routeVersions;
    this.token = token;
    this.propagator = telemetry.openTelemetry().getPropagators().getTextMapPropagator();
    this.meters = telemetry.meters();
    this.routes = Map.of(
        "/reload", new Route("POST", this::reload),
        "/status", new Route("GET", ex -> Reply.json(200, status())),
        "/config_dump", new Route("GET", this::configDump),
        "/route_versions", new Route("GET", this::routeVersion),
        "/metrics", new Route("GET", ex -> new Reply(200, meters.scrape().getBytes(StandardCharsets.UTF_8),
            PROMETHEUS_TYPE)),
        "/healthz", new Route("GET", ex -> Reply.json(200, Map.of("status", "ok"))),
        "/readyz", new Route("GET", ex -> ready()));
    this.executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "admin-http");
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(executor);
    // One context for every path: the JDK matches contexts by string prefix, so "/status" would also take
    // "/statusx"; exact paths are matched here instead, and anything else gets a JSON 404.
    http.createContext("/", this::dispatch);
  }

  /** @param source the reloader's source, whose own problems (etcd unreachable) {@code /status} shows */
  public static AdminServer start(String host, int port, TracedReloader reloader, PolicySource source, XdsServer xds,
      NodeStatusBoard nodes, RouteVersions routeVersions, AdminToken token, Telemetry telemetry) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
    AdminServer server = new AdminServer(http, reloader, source, xds, nodes, routeVersions, token, telemetry);
    http.start();
    return server;
  }

  public int port() {
    return http.getAddress().getPort();
  }

  private void dispatch(HttpExchange ex) throws IOException {
    try (ex) {
      send(ex, route(ex));
    } catch (RuntimeException e) {
      log.error("admin {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
      send(ex, Reply.error(500, "internal error: " + e.getClass().getSimpleName()));
    }
  }

  private Reply route(HttpExchange ex) throws IOException {
    Route route = routes.get(ex.getRequestURI().getPath());
    if (route == null) {
      return Reply.error(404, "no such endpoint: " + ex.getRequestURI().getPath());
    }
    if (!route.method().equals(ex.getRequestMethod())) {
      ex.getResponseHeaders().add("Allow", route.method());
      return Reply.error(405, "use " + route.method());
    }
    return route.handler().handle(ex);
  }

  private Reply reload(HttpExchange ex) throws IOException {
    if (!token.accepts(ex.getRequestHeaders().getFirst("Authorization"))) {
      ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"llm-xds admin\"");
      return Reply.error(401, "a valid bearer token is required");
    }
    // A CI pipeline that sends traceparent sees this reload (and its pushes) inside its own trace.
    Context parent = propagator.extract(Context.root(), ex.getRequestHeaders(), RequestHeaders.GETTER);
    String actor = ReloadTrigger.ADMIN_API.wire() + " " + ex.getRemoteAddress().getAddress().getHostAddress();
    ReloadOutcome outcome = reloader.reload(ReloadTrigger.ADMIN_API, parent, actor);
    int code = outcome.status() == ReloadOutcome.Status.FAILURE ? 422 : 200;
    return Reply.json(code, outcomeJson(outcome));
  }

  private Reply configDump(HttpExchange ex) throws IOException {
    Optional<String> node = queryParameter(ex.getRequestURI().getRawQuery(), "node");
    if (node.isEmpty()) {
      return Reply.error(400, "say which node: /config_dump?node=<node id>");
    }
    Optional<NodeStatusBoard.PushedConfig> pushed = nodes.lastPushed(node.get());
    if (pushed.isEmpty()) {
      return Reply.error(404, "no connected node " + node.get());
    }
    return Reply.json(200, ConfigDump.of(pushed.get()));
  }

  /** {@code ?version=<x-llm-route-version>}: the config version and reload trace that introduced it. */
  private Reply routeVersion(HttpExchange ex) throws IOException {
    Optional<String> version = queryParameter(ex.getRequestURI().getRawQuery(), "version");
    if (version.isEmpty()) {
      return Reply.error(400, "say which route version: /route_versions?version=<x-llm-route-version>");
    }
    Optional<Map<String, Object>> found = routeVersions.lookup(version.get());
    if (found.isEmpty()) {
      return Reply.error(404, "route version " + version.get() + " was not published by this control plane"
          + " (it remembers every served route version and the " + RouteVersions.HISTORY + " newest retired ones)");
    }
    return Reply.json(200, found.get());
  }

  private Reply ready() throws IOException {
    boolean ready = xds.current().isPresent();
    return Reply.json(ready ? 200 : 503, Map.of("ready", ready));
  }

  private Map<String, Object> status() {
    Map<String, Object> body = new LinkedHashMap<>();
    Map<String, Object> sourceJson = new LinkedHashMap<>();
    sourceJson.put("location", source.location());
    reloader.reloader().servingRevision().ifPresent(revision -> sourceJson.put("revision", revision));
    source.problem().ifPresent(problem -> sourceJson.put("error", problem));
    body.put("source", sourceJson);
    xds.currentConfig().ifPresentOrElse(c -> {
      body.put("configVersion", c.configVersion());
      body.put("typeVersions", c.edge().typeVersions());
      body.put("proxylessTypeVersions", c.proxyless().typeVersions());
      body.put("contextServiceTypeVersions", c.snapshot(Flavor.CONTEXT_SERVICE).typeVersions());
    }, () -> body.put("configVersion", ""));
    reloader.reloader().lastOutcome().ifPresent(o -> body.put("lastReload", outcomeJson(o)));
    reloader.reloader().pin().ifPresent(pin -> body.put("rollback", Map.of(
        "from", pin.sourceVersion(), "to", pin.restoredVersion(), "at", pin.at().toString(),
        "trigger", pin.trigger().wire(), "message", pin.describe())));
    body.put("nodes", nodes.nodes());
    return body;
  }

  private static Map<String, Object> outcomeJson(ReloadOutcome o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", o.status().wire());
    m.put("trigger", o.trigger().wire());
    m.put("configVersion", o.configVersion());
    m.put("previousVersion", o.previousVersion());
    o.sourceRevision().ifPresent(revision -> m.put("sourceRevision", revision));
    m.put("startedAt", o.startedAt().toString());
    m.put("durationMs", o.duration().toNanos() / 1e6);
    m.put("changes", o.changes());
    m.put("errors", o.errors());
    return m;
  }

  /** The first non-empty value of {@code name} in a raw query string. */
  static Optional<String> queryParameter(String rawQuery, String name) {
    if (rawQuery == null) {
      return Optional.empty();
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (key.equals(name) && !value.isEmpty()) {
        return Optional.of(value);
      }
    }
    return Optional.empty();
  }

  private static void send(HttpExchange ex, Reply reply) throws IOException {
    ex.getResponseHeaders().set("Content-Type", reply.contentType());
    ex.sendResponseHeaders(reply.code(), reply.body().length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(reply.body());
    }
  }

  /**
   * Lets requests in progress finish (for a second at most), then closes. Not {@code http.stop(1)}: before JDK 21
   * that always waits the whole second, even with nothing in progress.
   */
  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    http.stop(0);
    executor.shutdownNow();
  }
}
