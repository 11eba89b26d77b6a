package io.llmxds.cp.observe;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.llmxds.cp.translate.EnvoyResources;
import io.llmxds.cp.translate.RequestTraceTags;
import io.opentelemetry.api.trace.SpanContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * From a request to the change that shaped it. Envoy's request spans and responses carry the version of the route
 * that served them (a hash of that route alone, so unchanged routes stay byte-identical in RDS); this remembers, for
 * each route version, the first config version published with it and that reload's trace. Every route version of
 * the served config is kept, and the {@link #HISTORY} newest ones no longer served.
 */
public final class RouteVersions {
  public static final int HISTORY = 4096;

  /**
   * @param configVersion the first config version published with this route version (since this process started)
   * @param reloadTraceId the trace of that config version's {@code policy.reload}
   */
  public record Introduced(String routeVersion, String route, String configVersion, String reloadTraceId,
      Instant publishedAt) {}

  /** Served now, and no longer served (newest first). */
  private Map<String, Introduced> current = Map.of();
  private final LinkedHashMap<String, Introduced> retired = new LinkedHashMap<>();

  /** Call when {@code edge} is published as {@code configVersion} by the reload in {@code reload}. */
  public synchronized void record(String configVersion, EnvoyResources edge, SpanContext reload, Instant at) {
    Map<String, Introduced> next = new LinkedHashMap<>();
    for (Route route : routes(edge)) {
      String version = RequestTraceTags.versionOf(route);
      if (version.isEmpty()) {
        continue;
      }
      Introduced known = Optional.ofNullable(current.get(version)).orElseGet(() -> retired.remove(version));
      next.put(version, known != null ? known
          : new Introduced(version, route.getName(), configVersion, reload.getTraceId(), at));
    }
    Set<String> stillServed = new HashSet<>(next.keySet());
    List<Introduced> dropped = new ArrayList<>();
    current.forEach((version, introduced) -> {
      if (!stillServed.contains(version)) {
        dropped.add(introduced);
      }
    });
    dropped.forEach(d -> retired.put(d.routeVersion(), d));
    while (retired.size() > HISTORY) {
      retired.remove(retired.keySet().iterator().next());
    }
    current = next;
  }

  /** Where {@code routeVersion} came from, and whether it is served now. */
  public synchronized Optional<Map<String, Object>> lookup(String routeVersion) {
    Introduced found = current.get(routeVersion);
    boolean served = found != null;
    if (found == null) {
      found = retired.get(routeVersion);
    }
    if (found == null) {
      return Optional.empty();
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("routeVersion", found.routeVersion());
    json.put("route", found.route());
    json.put("configVersion", found.configVersion());
    json.put("reloadTraceId", found.reloadTraceId());
    json.put("publishedAt", found.publishedAt().toString());
    json.put("servedNow", served);
    return Optional.of(json);
  }

  private static List<Route> routes(EnvoyResources edge) {
    List<Route> routes = new ArrayList<>();
    for (RouteConfiguration config : edge.routes()) {
      for (VirtualHost host : config.getVirtualHostsList()) {
        routes.addAll(host.getRoutesList());
      }
    }
    return routes;
  }
}
