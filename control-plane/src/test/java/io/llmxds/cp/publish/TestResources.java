package io.llmxds.cp.publish;

import com.google.protobuf.Any;
import java.util.Map;
import java.util.EnumMap;
import io.llmxds.cp.translate.Flavor;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.Locality;
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
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.GenericSecret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.llmxds.cp.translate.EnvoyResources;
import java.util.List;

/** Small but realistic Envoy resources: an EDS cluster and its endpoints, a listener using RDS, routes, a secret. */
final class TestResources {

  static final String CLUSTER = "openai";
  static final String LISTENER = "edge-http";
  static final String ROUTES = "edge-routes";
  static final String SECRET = "openai-api-key";

  private TestResources() {}

  /** The resources with the route timeout as the one knob: changing it changes only the route configuration. */
  static EnvoyResources withRouteTimeout(int seconds) {
    return new EnvoyResources(
        List.of(cluster()), List.of(endpoints()), List.of(listener()), List.of(routes(seconds)), List.of(secret()));
  }

  private static ConfigSource ads() {
    return ConfigSource.newBuilder()
        .setAds(AggregatedConfigSource.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3)
        .build();
  }

  private static Cluster cluster() {
    return Cluster.newBuilder()
        .setName(CLUSTER)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads()))
        .setConnectTimeout(Duration.newBuilder().setSeconds(5))
        .build();
  }

  private static ClusterLoadAssignment endpoints() {
    return ClusterLoadAssignment.newBuilder()
        .setClusterName(CLUSTER)
        .addEndpoints(
            LocalityLbEndpoints.newBuilder()
                .setLocality(Locality.newBuilder().setRegion("r1"))
                .setLoadBalancingWeight(UInt32Value.of(1))
                .addLbEndpoints(
                    LbEndpoint.newBuilder()
                        .setEndpoint(
                            Endpoint.newBuilder()
                                .setAddress(address("api.openai.com", 443)))))
        .build();
  }

  private static Listener listener() {
    HttpConnectionManager hcm =
        HttpConnectionManager.newBuilder()
            .setStatPrefix("edge")
            .setRds(Rds.newBuilder().setConfigSource(ads()).setRouteConfigName(ROUTES))
            .addHttpFilters(
                HttpFilter.newBuilder()
                    .setName("envoy.filters.http.router")
                    .setTypedConfig(Any.pack(Router.getDefaultInstance())))
            .build();
    return Listener.newBuilder()
        .setName(LISTENER)
        .setAddress(address("0.0.0.0", 10000))
        .addFilterChains(
            FilterChain.newBuilder()
                .addFilters(
                    Filter.newBuilder()
                        .setName("envoy.filters.network.http_connection_manager")
                        .setTypedConfig(Any.pack(hcm))))
        .build();
  }

  private static RouteConfiguration routes(int timeoutSeconds) {
    return RouteConfiguration.newBuilder()
        .setName(ROUTES)
        .addVirtualHosts(
            VirtualHost.newBuilder()
                .setName("all")
                .addDomains("*")
                .addRoutes(
                    Route.newBuilder()
                        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                        .setRoute(
                            RouteAction.newBuilder()
                                .setCluster(CLUSTER)
                                .setTimeout(Duration.newBuilder().setSeconds(timeoutSeconds)))))
        .build();
  }

  private static Secret secret() {
    return Secret.newBuilder()
        .setName(SECRET)
        .setGenericSecret(
            GenericSecret.newBuilder()
                .setSecret(DataSource.newBuilder().setInlineString("sk-test-not-a-real-key")))
        .build();
  }

  private static Address address(String host, int port) {
    return Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress(host).setPortValue(port))
        .build();
  }

  /** The same resources for every flavor: for tests about the server, not the flavors. */
  static Map<Flavor, EnvoyResources> asEveryFlavor(EnvoyResources resources) {
    Map<Flavor, EnvoyResources> all =
        new EnumMap<>(Flavor.class);
    for (Flavor flavor : Flavor.values()) {
      all.put(flavor, resources);
    }
    return all;
  }
}
