package io.llmxds.cp.verify;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.GenericSecret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.function.UnaryOperator;

/**
 * Small valid Envoy resources shaped like the translation's, built with the generated builders, each with one hook
 * to break it. Every one of them passes {@link EnvoyRules} unchanged (see {@code EnvoyRulesTest}).
 */
final class ValidEnvoy {

  static final String SECRET = "sk-corpus-secret-value";

  private ValidEnvoy() {}

  static Cluster cluster(UnaryOperator<Cluster.Builder> change) {
    return change.apply(Cluster.newBuilder().setName("provider/openai")
        .setType(Cluster.DiscoveryType.EDS)
        .setConnectTimeout(Durations.fromSeconds(5))).build();
  }

  static ClusterLoadAssignment endpoints(UnaryOperator<ClusterLoadAssignment.Builder> change) {
    return change.apply(ClusterLoadAssignment.newBuilder().setClusterName("provider/openai")
        .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
            .setEndpoint(Endpoint.newBuilder().setAddress(address("10.0.0.1", 443)))))).build();
  }

  static Address address(String host, int port) {
    return Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress(host).setPortValue(port)).build();
  }

  static RouteConfiguration virtualHost(UnaryOperator<VirtualHost.Builder> change) {
    return RouteConfiguration.newBuilder().setName("edge")
        .addVirtualHosts(change.apply(VirtualHost.newBuilder().setName("llm").addDomains("*")
            .addRoutes(route(r -> r))))
        .build();
  }

  static RouteConfiguration routeConfig(UnaryOperator<Route.Builder> change) {
    return virtualHost(v -> v.setRoutes(0, route(change)));
  }

  static Route route(UnaryOperator<Route.Builder> change) {
    return change.apply(Route.newBuilder().setName("chat")
        .setMatch(RouteMatch.newBuilder().setPrefix("/v1/"))
        .setRoute(RouteAction.newBuilder().setCluster("provider/openai"))).build();
  }

  /** A route whose action is changed. */
  static RouteConfiguration routeAction(UnaryOperator<RouteAction.Builder> change) {
    return routeConfig(r -> r.setRoute(change.apply(r.getRoute().toBuilder())));
  }

  /** A route carrying {@code config} as its per-route config for {@code filter}. */
  static RouteConfiguration perRoute(String filter, Message config) {
    return routeConfig(r -> r.putTypedPerFilterConfig(filter, Any.pack(config)));
  }

  static Listener listener(UnaryOperator<Listener.Builder> change) {
    return change.apply(Listener.newBuilder().setName("edge").setAddress(address("0.0.0.0", 10000))
        .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
            .setName("envoy.filters.network.http_connection_manager")
            .setTypedConfig(Any.pack(hcm()))))).build();
  }

  /** The listener with its HttpConnectionManager changed. */
  static Listener hcm(UnaryOperator<HttpConnectionManager.Builder> change) {
    return listener(l -> l.setFilterChains(0, l.getFilterChains(0).toBuilder()
        .setFilters(0, l.getFilterChains(0).getFilters(0).toBuilder()
            .setTypedConfig(Any.pack(change.apply(hcm().toBuilder()).build())))));
  }

  /** The listener with its ext_proc filter (http_filters[0]) changed. */
  static Listener extProc(UnaryOperator<ExternalProcessor.Builder> change) {
    return hcm(h -> h.setHttpFilters(0, h.getHttpFilters(0).toBuilder()
        .setTypedConfig(Any.pack(change.apply(extProc().toBuilder()).build()))));
  }

  private static HttpConnectionManager hcm() {
    return HttpConnectionManager.newBuilder().setStatPrefix("edge")
        .setRds(Rds.newBuilder().setRouteConfigName("edge").setConfigSource(ConfigSource.newBuilder()
            .setAds(AggregatedConfigSource.getDefaultInstance()).setResourceApiVersion(ApiVersion.V3)))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.ext_proc")
            .setTypedConfig(Any.pack(extProc())))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
            .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
  }

  private static ExternalProcessor extProc() {
    return ExternalProcessor.newBuilder()
        .setGrpcService(GrpcService.newBuilder()
            .setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder().setClusterName("llm-xds/context-service")))
        .setMessageTimeout(Durations.fromSeconds(30))
        .build();
  }

  static Secret secret(UnaryOperator<Secret.Builder> change) {
    return change.apply(Secret.newBuilder().setName("provider/openai/credential")
        .setGenericSecret(GenericSecret.newBuilder().setSecret(DataSource.newBuilder().setInlineString(SECRET))))
        .build();
  }
}
