package io.llmxds.cp.verify.load;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.llmxds.cp.translate.EnvoyResources;
import io.llmxds.cp.translate.Names;
import io.llmxds.cp.verify.UnpackedAnys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The snapshot the load-time rules look at, as the items they judge, each found once (on first use) with the
 * resource it is in and its path: clusters, upstream TLS contexts, HTTP connection managers, filters of every chain,
 * filter configs, routes, retry policies, per-route filter configs. Not thread-safe; one per check.
 */
final class LoadedConfig {

  /**
   * One filter of a chain (network, HTTP or upstream HTTP), at {@code index} of {@code count}.
   *
   * @param discovered its config comes from ECDS ({@code config_discovery}): not judged
   */
  record ChainFilter(FilterFactories.Chain chain, int index, int count, String name, Any typedConfig,
      boolean disabled, boolean optional, boolean discovered) {

    boolean last() {
      return index == count - 1;
    }

    String type() {
      return typeName(typedConfig);
    }
  }

  /**
   * One entry of a {@code typed_per_filter_config} map (of a route configuration, virtual host, route or weighted
   * cluster).
   *
   * @param readers the HTTP filters that may read it, by name, with the config types of the filters of that name;
   *     null when no HttpConnectionManager here uses the route configuration
   */
  record PerFilterConfig(RouteConfiguration routes, String filter, Any config, Map<String, Set<String>> readers) {

    String type() {
      return typeName(config);
    }
  }

  private final EnvoyResources resources;
  private final UnpackedAnys anys;
  private final Map<Object, Object> memos = new HashMap<>();

  LoadedConfig(EnvoyResources resources, UnpackedAnys anys) {
    this.resources = resources;
    this.anys = anys;
  }

  EnvoyResources resources() {
    return resources;
  }

  UnpackedAnys anys() {
    return anys;
  }

  /** What {@code compute} gives, computed once per check for {@code key}. */
  @SuppressWarnings("unchecked")
  <T> T memo(Object key, Supplier<T> compute) {
    T value = (T) memos.get(key);
    if (value == null) {
      value = compute.get();
      memos.put(key, value);
    }
    return value;
  }

  /**
   * The message inside {@code any} if it is of {@code type}; empty for another type, a type the translation never
   * emits or bytes that do not parse (EnvoyRules reports the last two).
   */
  <T extends Message> Optional<T> unpack(Any any, Class<T> type) {
    try {
      return anys.unpack(any).filter(type::isInstance).map(type::cast);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The full name of the type in {@code any}, as Envoy reads it: everything after the last '/' of the type URL. */
  static String typeName(Any any) {
    String url = any.getTypeUrl();
    return url.substring(url.lastIndexOf('/') + 1);
  }

  /** Whether {@code any} holds a message of {@code type} (by its type URL, parsed or not). */
  static boolean holds(Any any, Class<? extends Message> type) {
    return typeName(any).equals(FilterFactories.name(type));
  }

  List<Located<Cluster>> clusters() {
    return memo("clusters", () -> resources.clusters().stream()
        .map(c -> new Located<>(c, Where.root(), c)).toList());
  }

  /** Every endpoint of every ClusterLoadAssignment (EDS). */
  List<Located<LbEndpoint>> edsEndpoints() {
    return memo("edsEndpoints", () -> {
      List<Located<LbEndpoint>> all = new ArrayList<>();
      for (ClusterLoadAssignment assignment : resources.endpoints()) {
        for (int l = 0; l < assignment.getEndpointsCount(); l++) {
          for (int e = 0; e < assignment.getEndpoints(l).getLbEndpointsCount(); e++) {
            all.add(new Located<>(assignment, Where.root().item("endpoints", l).item("lb_endpoints", e),
                assignment.getEndpoints(l).getLbEndpoints(e)));
          }
        }
      }
      return all;
    });
  }

  /** The upstream TLS context of each cluster's {@code transport_socket} and {@code transport_socket_matches}. */
  List<Located<UpstreamTlsContext>> upstreamTls() {
    return memo("upstreamTls", () -> {
      List<Located<UpstreamTlsContext>> all = new ArrayList<>();
      for (Cluster cluster : resources.clusters()) {
        if (cluster.hasTransportSocket()) {
          addTls(all, cluster, Where.root().field("transport_socket"), cluster.getTransportSocket());
        }
        for (int i = 0; i < cluster.getTransportSocketMatchesCount(); i++) {
          addTls(all, cluster, Where.root().item("transport_socket_matches", i).field("transport_socket"),
              cluster.getTransportSocketMatches(i).getTransportSocket());
        }
      }
      return all;
    });
  }

  private void addTls(List<Located<UpstreamTlsContext>> all, Cluster cluster, Where socket,
      TransportSocket transportSocket) {
    unpack(transportSocket.getTypedConfig(), UpstreamTlsContext.class).ifPresent(tls -> all.add(new Located<>(
        cluster, socket.field("typed_config").unpacked(UpstreamTlsContext.getDescriptor()), tls)));
  }

  /**
   * The inline validation contexts of the upstream TLS contexts. One from SDS (or merged with one,
   * {@code combined_validation_context}) is checked by Envoy when the secret arrives.
   */
  List<Located<CertificateValidationContext>> validationContexts() {
    return memo("validationContexts", () -> upstreamTls().stream()
        .filter(at -> at.item().getCommonTlsContext().hasValidationContext())
        .map(at -> new Located<>(at.resource(),
            at.where().field("common_tls_context").field("validation_context"),
            at.item().getCommonTlsContext().getValidationContext()))
        .toList());
  }

  /** Every HttpConnectionManager: of the listeners' filter chains, and of api_listeners. */
  List<Located<HttpConnectionManager>> hcms() {
    return memo("hcms", () -> {
      List<Located<HttpConnectionManager>> all = new ArrayList<>();
      for (Listener listener : resources.listeners()) {
        networkFilterLists(listener, (where, filters) -> {
          for (int i = 0; i < filters.size(); i++) {
            addHcm(all, listener, where.item("filters", i).field("typed_config"), filters.get(i).getTypedConfig());
          }
        });
        if (listener.hasApiListener()) {
          addHcm(all, listener, Where.root().field("api_listener").field("api_listener"),
              listener.getApiListener().getApiListener());
        }
      }
      return all;
    });
  }

  private void addHcm(List<Located<HttpConnectionManager>> all, Listener listener, Where at, Any config) {
    unpack(config, HttpConnectionManager.class).ifPresent(
        h -> all.add(new Located<>(listener, at.unpacked(HttpConnectionManager.getDescriptor()), h)));
  }

  private interface FilterLists {
    void each(Where chain, List<Filter> filters);
  }

  private static void networkFilterLists(Listener listener, FilterLists each) {
    for (int i = 0; i < listener.getFilterChainsCount(); i++) {
      each.each(Where.root().item("filter_chains", i), listener.getFilterChains(i).getFiltersList());
    }
    if (listener.hasDefaultFilterChain()) {
      each.each(Where.root().field("default_filter_chain"), listener.getDefaultFilterChain().getFiltersList());
    }
  }

  /** The unpacked {@code envoy.extensions.upstreams.http.v3.HttpProtocolOptions} of a cluster. */
  static final Where UPSTREAM_HTTP_OPTIONS = Where.root()
      .entry("typed_extension_protocol_options", Names.UPSTREAM_HTTP_PROTOCOL_OPTIONS)
      .unpacked(HttpProtocolOptions.getDescriptor());

  /** The cluster's {@code envoy.extensions.upstreams.http.v3.HttpProtocolOptions}, if set and parsable. */
  Optional<HttpProtocolOptions> upstreamHttpOptions(Cluster cluster) {
    Any options = cluster.getTypedExtensionProtocolOptionsMap().get(Names.UPSTREAM_HTTP_PROTOCOL_OPTIONS);
    return options == null ? Optional.empty() : unpack(options, HttpProtocolOptions.class);
  }

  /** Every filter of every chain: listeners' network filters, HCMs' HTTP filters, clusters' upstream ones. */
  List<Located<ChainFilter>> chainFilters() {
    return memo("chainFilters", () -> {
      List<Located<ChainFilter>> all = new ArrayList<>();
      for (Listener listener : resources.listeners()) {
        networkFilterLists(listener, (where, filters) -> {
          for (int i = 0; i < filters.size(); i++) {
            Filter f = filters.get(i);
            all.add(new Located<>(listener, where.item("filters", i), new ChainFilter(FilterFactories.Chain.NETWORK,
                i, filters.size(), f.getName(), f.getTypedConfig(), false, false, f.hasConfigDiscovery())));
          }
        });
      }
      for (Located<HttpConnectionManager> hcm : hcms()) {
        addHttp(all, hcm.resource(), hcm.where(), FilterFactories.Chain.HTTP, hcm.item().getHttpFiltersList());
      }
      for (Cluster cluster : resources.clusters()) {
        upstreamHttpOptions(cluster).ifPresent(options -> addHttp(all, cluster, UPSTREAM_HTTP_OPTIONS,
            FilterFactories.Chain.UPSTREAM_HTTP, options.getHttpFiltersList()));
      }
      return all;
    });
  }

  private static void addHttp(List<Located<ChainFilter>> all, Message resource, Where owner,
      FilterFactories.Chain chain, List<HttpFilter> filters) {
    for (int i = 0; i < filters.size(); i++) {
      HttpFilter f = filters.get(i);
      all.add(new Located<>(resource, owner.item("http_filters", i), new ChainFilter(chain, i, filters.size(),
          f.getName(), f.getTypedConfig(), f.getDisabled(), f.getIsOptional(), f.hasConfigDiscovery())));
    }
  }

  /** The configs of type {@code type} of the filters in every chain, unpacked. */
  <T extends Message> List<Located<T>> filterConfigs(Class<T> type) {
    return memo(type, () -> {
      List<Located<T>> found = new ArrayList<>();
      for (Located<ChainFilter> at : chainFilters()) {
        unpack(at.item().typedConfig(), type).ifPresent(config -> found.add(new Located<>(at.resource(),
            at.where().field("typed_config").unpacked(config.getDescriptorForType()), config)));
      }
      return found;
    });
  }

  List<Located<RouteConfiguration>> routeConfigs() {
    return memo("routeConfigs", () -> resources.routes().stream()
        .map(r -> new Located<>(r, Where.root(), r)).toList());
  }

  /** Every route of every virtual host; {@code resource} is its RouteConfiguration. */
  List<Located<Route>> routes() {
    return memo("routes", () -> {
      List<Located<Route>> all = new ArrayList<>();
      for (RouteConfiguration config : resources.routes()) {
        for (int v = 0; v < config.getVirtualHostsCount(); v++) {
          VirtualHost host = config.getVirtualHosts(v);
          for (int r = 0; r < host.getRoutesCount(); r++) {
            all.add(new Located<>(config, Where.root().item("virtual_hosts", v).item("routes", r),
                host.getRoutes(r)));
          }
        }
      }
      return all;
    });
  }

  /** The retry policies Envoy builds ({@code RetryPolicyImpl}): each virtual host's and each route's. */
  List<Located<RetryPolicy>> retryPolicies() {
    return memo("retryPolicies", () -> {
      List<Located<RetryPolicy>> all = new ArrayList<>();
      for (RouteConfiguration config : resources.routes()) {
        for (int v = 0; v < config.getVirtualHostsCount(); v++) {
          if (config.getVirtualHosts(v).hasRetryPolicy()) {
            all.add(new Located<>(config, Where.root().item("virtual_hosts", v).field("retry_policy"),
                config.getVirtualHosts(v).getRetryPolicy()));
          }
        }
      }
      for (Located<Route> at : routes()) {
        if (at.item().getRoute().hasRetryPolicy()) {
          all.add(new Located<>(at.resource(), at.where().field("route").field("retry_policy"),
              at.item().getRoute().getRetryPolicy()));
        }
      }
      return all;
    });
  }

  /** Every per-filter config: of each route configuration, its virtual hosts, routes and weighted clusters. */
  List<Located<PerFilterConfig>> perFilterConfigs() {
    return memo("perFilterConfigs", () -> {
      Map<String, Map<String, Set<String>>> readers = perRouteReaders();
      List<Located<PerFilterConfig>> all = new ArrayList<>();
      for (RouteConfiguration config : resources.routes()) {
        Map<String, Set<String>> of = readers.get(config.getName());
        addPerFilter(all, config, of, Where.root(), config.getTypedPerFilterConfigMap());
        for (int v = 0; v < config.getVirtualHostsCount(); v++) {
          addPerFilter(all, config, of, Where.root().item("virtual_hosts", v),
              config.getVirtualHosts(v).getTypedPerFilterConfigMap());
        }
      }
      for (Located<Route> at : routes()) {
        RouteConfiguration config = (RouteConfiguration) at.resource();
        Map<String, Set<String>> of = readers.get(config.getName());
        addPerFilter(all, config, of, at.where(), at.item().getTypedPerFilterConfigMap());
        WeightedCluster weighted = at.item().getRoute().getWeightedClusters();
        for (int c = 0; c < weighted.getClustersCount(); c++) {
          addPerFilter(all, config, of, at.where().field("route").field("weighted_clusters").item("clusters", c),
              weighted.getClusters(c).getTypedPerFilterConfigMap());
        }
      }
      return all;
    });
  }

  private static void addPerFilter(List<Located<PerFilterConfig>> all, RouteConfiguration config,
      Map<String, Set<String>> readers, Where owner, Map<String, Any> map) {
    // Sorted by key: a protobuf map's order is not defined, the findings' order must be.
    map.keySet().stream().sorted().forEach(key -> all.add(new Located<>(config,
        owner.entry("typed_per_filter_config", key), new PerFilterConfig(config, key, map.get(key), readers))));
  }

  /**
   * By route configuration name, the HTTP filters that may read its per-route configs: those of every
   * HttpConnectionManager that takes it over RDS, and every cluster's upstream filters (an upstream filter finds the
   * route's per-filter configs under its own name too: upstream_request.cc:128, filter_manager.cc:265-283).
   */
  private Map<String, Map<String, Set<String>>> perRouteReaders() {
    Map<String, Set<String>> upstream = new HashMap<>();
    chainFilters().stream().filter(f -> f.item().chain() == FilterFactories.Chain.UPSTREAM_HTTP)
        .forEach(f -> upstream.computeIfAbsent(f.item().name(), n -> new HashSet<>()).add(f.item().type()));
    Map<String, Map<String, Set<String>>> byRoutes = new HashMap<>();
    for (Located<HttpConnectionManager> hcm : hcms()) {
      if (hcm.item().hasRds()) {
        Map<String, Set<String>> readers =
            byRoutes.computeIfAbsent(hcm.item().getRds().getRouteConfigName(), name -> copy(upstream));
        hcm.item().getHttpFiltersList().forEach(f -> readers.computeIfAbsent(f.getName(), n -> new HashSet<>())
            .add(typeName(f.getTypedConfig())));
      }
    }
    return byRoutes;
  }

  private static Map<String, Set<String>> copy(Map<String, Set<String>> readers) {
    Map<String, Set<String>> copy = new HashMap<>();
    readers.forEach((name, types) -> copy.put(name, new HashSet<>(types)));
    return copy;
  }
}
