package io.llmxds.examples.scenarios;

import static io.llmxds.cp.testing.AdsTestClient.CDS;
import static io.llmxds.cp.testing.AdsTestClient.EDS;
import static io.llmxds.cp.testing.AdsTestClient.LDS;
import static io.llmxds.cp.testing.AdsTestClient.RDS;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster.ClusterWeight;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.examples.mockllm.MockLlmClient;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Routes requests the way Envoy would with the config a node has ACKed ({@link AdsTestClient#acked}): listener →
 * its RDS route configuration → the first route whose match fits the request → a weighted pick among the route's
 * clusters → through an aggregate cluster to its first (highest-priority) member → the EDS endpoint → an HTTP
 * request to that real address. Only what the llm-xds translation uses is followed; anything else fails loudly.
 */
final class PushedConfigRouter {
  static final String EXT_PROC = "envoy.filters.http.ext_proc";
  static final String LOCAL_RATELIMIT = "envoy.filters.http.local_ratelimit";
  static final String CHAT_PATH = "/v1/chat/completions";

  /** Where a request went and what the upstream answered. */
  record Served(Route route, String cluster, int port, HttpResponse<String> response) {}

  private final AdsTestClient node;
  private final RandomGenerator random;

  PushedConfigRouter(AdsTestClient node, RandomGenerator random) {
    this.node = node;
    this.random = random;
  }

  /** The route Envoy picks for a request with these headers ({@code :path} included). */
  Route route(Map<String, String> headers) {
    String path = headers.getOrDefault(":path", "/");
    return virtualHost().getRoutesList().stream()
        .filter(route -> matches(route, path, headers))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no route matches " + headers));
  }

  /** The route of a chat request for {@code model}, as re-picked once ext_proc has set {@code x-llm-model}. */
  Route routeForModel(String model) {
    return route(Map.of(":path", CHAT_PATH, "x-llm-model", model));
  }

  /** The ext_proc stream's gRPC initial metadata for requests on {@code route}. */
  static Map<String, String> extProcMetadata(Route route) {
    Map<String, String> metadata = new LinkedHashMap<>();
    perFilter(route, EXT_PROC, ExtProcPerRoute.class).getOverrides().getGrpcInitialMetadataList()
        .forEach(header -> metadata.put(header.getKey(), header.getValue()));
    return metadata;
  }

  static LocalRateLimit localRateLimit(Route route) {
    return perFilter(route, LOCAL_RATELIMIT, LocalRateLimit.class);
  }

  /** The route's clusters and their weights, in order. */
  static Map<String, Integer> weights(Route route) {
    Map<String, Integer> weights = new LinkedHashMap<>();
    route.getRoute().getWeightedClusters().getClustersList()
        .forEach(c -> weights.put(c.getName(), c.getWeight().getValue()));
    return weights;
  }

  /** Sends {@code body} upstream on {@code route}: a weighted cluster pick, then its endpoint. */
  Served forward(Route route, String body) {
    ClusterWeight picked = pick(route.getRoute().getWeightedClusters().getClustersList());
    int port = endpointPort(picked.getName());
    String[] headers = picked.getRequestHeadersToAddList().stream()
        .flatMap(h -> List.of(h.getHeader().getKey(), h.getHeader().getValue()).stream())
        .toArray(String[]::new);
    return new Served(route, picked.getName(), port, MockLlmClient.post(port, CHAT_PATH, body, headers));
  }

  /** The port of the endpoint Envoy would send to in {@code clusterName} (aggregate: its first member). */
  int endpointPort(String clusterName) {
    Cluster cluster = node.acked(CDS, Cluster.class).stream()
        .filter(c -> c.getName().equals(clusterName))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no cluster " + clusterName));
    if (cluster.getClusterType().getTypedConfig().is(ClusterConfig.class)) {
      return endpointPort(unpack(cluster.getClusterType().getTypedConfig(), ClusterConfig.class).getClusters(0));
    }
    if (cluster.getType() != Cluster.DiscoveryType.EDS) {
      throw new AssertionError("cluster " + clusterName + " is " + cluster.getType() + ", not followed here");
    }
    String serviceName = cluster.getEdsClusterConfig().getServiceName().isEmpty()
        ? clusterName : cluster.getEdsClusterConfig().getServiceName();
    ClusterLoadAssignment assignment = node.acked(EDS, ClusterLoadAssignment.class).stream()
        .filter(a -> a.getClusterName().equals(serviceName))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no endpoints for " + serviceName));
    SocketAddress address = assignment.getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress()
        .getSocketAddress();
    return address.getPortValue();
  }

  /** The port of the context service, as the listener's ext_proc filter finds it (its gRPC cluster's endpoint). */
  int extProcPort() {
    HttpFilter filter = httpConnectionManager().getHttpFiltersList().stream()
        .filter(f -> f.getName().equals(EXT_PROC))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the listener has no " + EXT_PROC + " filter"));
    return endpointPort(unpack(filter.getTypedConfig(), ExternalProcessor.class).getGrpcService().getEnvoyGrpc()
        .getClusterName());
  }

  /** The port of the listener the node runs. */
  int listenerPort() {
    return listener().getAddress().getSocketAddress().getPortValue();
  }

  /** Envoy's pick: a random number below the total weight lands in one cluster's share. */
  private ClusterWeight pick(List<ClusterWeight> clusters) {
    int total = clusters.stream().mapToInt(c -> c.getWeight().getValue()).sum();
    int ticket = random.nextInt(total);
    for (ClusterWeight cluster : clusters) {
      ticket -= cluster.getWeight().getValue();
      if (ticket < 0) {
        return cluster;
      }
    }
    throw new IllegalStateException("weights changed while picking");
  }

  private Listener listener() {
    List<Listener> listeners = node.acked(LDS, Listener.class);
    if (listeners.size() != 1) {
      throw new AssertionError("expected one listener, got " + listeners.size());
    }
    return listeners.get(0);
  }

  private HttpConnectionManager httpConnectionManager() {
    return unpack(listener().getFilterChains(0).getFilters(0).getTypedConfig(), HttpConnectionManager.class);
  }

  private VirtualHost virtualHost() {
    String routeConfig = httpConnectionManager().getRds().getRouteConfigName();
    RouteConfiguration routes = node.acked(RDS, RouteConfiguration.class).stream()
        .filter(r -> r.getName().equals(routeConfig))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no route configuration " + routeConfig));
    return routes.getVirtualHostsList().stream()
        .filter(host -> host.getDomainsList().contains("*"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no virtual host for *"));
  }

  private static boolean matches(Route route, String path, Map<String, String> headers) {
    if (route.getMatch().getPathSpecifierCase() != RouteMatch.PathSpecifierCase.PREFIX) {
      throw new AssertionError("only prefix matches are followed here: " + route.getMatch());
    }
    return path.startsWith(route.getMatch().getPrefix())
        && route.getMatch().getHeadersList().stream().allMatch(h -> matches(h, headers));
  }

  private static boolean matches(HeaderMatcher matcher, Map<String, String> headers) {
    if (!matcher.hasStringMatch() || matcher.getStringMatch().getExact().isEmpty()) {
      throw new AssertionError("only exact header matches are followed here: " + matcher);
    }
    return matcher.getStringMatch().getExact().equals(headers.get(matcher.getName()));
  }

  private static <T extends Message> T perFilter(Route route, String filter, Class<T> type) {
    Any config = route.getTypedPerFilterConfigMap().get(filter);
    if (config == null) {
      throw new AssertionError("route " + route.getName() + " has no " + filter + " config");
    }
    return unpack(config, type);
  }

  private static <T extends Message> T unpack(Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("not a " + type.getSimpleName() + ": " + any.getTypeUrl(), e);
    }
  }
}
