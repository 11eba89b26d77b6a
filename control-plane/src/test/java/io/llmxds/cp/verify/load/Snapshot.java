package io.llmxds.cp.verify.load;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
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
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.LocalRateLimitDescriptor;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.extensions.filters.http.credential_injector.v3.CredentialInjector;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExtProcOverrides;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.http.injected_credentials.generic.v3.Generic;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import io.llmxds.cp.translate.EnvoyResources;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A small snapshot shaped like the translation's, valid for every load-time rule, and builders that change one part
 * of it: an EDS cluster {@code provider/a} (with its assignment), an https LOGICAL_DNS cluster {@code provider/tls}
 * with an upstream credential injector, the listener {@code edge} (ext_proc, local_ratelimit, router) and the route
 * configuration {@code edge} (one weighted route {@code chat} with per-route ext_proc and local_ratelimit configs).
 */
final class Snapshot {

  static final String CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

  private final List<Cluster> clusters = new ArrayList<>(List.of(baseEds(c -> c).build(), baseTls(c -> c).build()));
  private final List<ClusterLoadAssignment> endpoints = new ArrayList<>(List.of(assignment()));
  private Listener listener = baseListener(h -> h);
  private RouteConfiguration routes = baseRoutes(r -> r);

  static Snapshot valid() {
    return new Snapshot();
  }

  EnvoyResources resources() {
    return new EnvoyResources(clusters, endpoints, List.of(listener), List.of(routes), List.of());
  }

  Snapshot cluster(Cluster cluster) {
    clusters.add(cluster);
    return this;
  }

  Snapshot edsCluster(UnaryOperator<Cluster.Builder> change) {
    clusters.set(0, baseEds(change).build());
    return this;
  }

  Snapshot tlsCluster(UnaryOperator<Cluster.Builder> change) {
    clusters.set(1, baseTls(change).build());
    return this;
  }

  /** The https cluster with its validation context changed. */
  Snapshot validation(UnaryOperator<CertificateValidationContext.Builder> change) {
    return tls(t -> t.setCommonTlsContext(t.getCommonTlsContext().toBuilder()
        .setValidationContext(change.apply(t.getCommonTlsContext().getValidationContext().toBuilder()))));
  }

  Snapshot tls(UnaryOperator<UpstreamTlsContext.Builder> change) {
    return tlsCluster(c -> c.setTransportSocket(tlsSocket(change.apply(tlsContext().toBuilder()).build())));
  }

  /** The https cluster's upstream HTTP protocol options changed (its filters: credential injector, codec). */
  Snapshot upstream(UnaryOperator<HttpProtocolOptions.Builder> change) {
    return tlsCluster(c -> c.putTypedExtensionProtocolOptions("envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
        Any.pack(change.apply(upstreamOptions().toBuilder()).build())));
  }

  Snapshot endpoints(ClusterLoadAssignment assignment) {
    endpoints.set(0, assignment);
    return this;
  }

  Snapshot hcm(UnaryOperator<HttpConnectionManager.Builder> change) {
    listener = baseListener(change);
    return this;
  }

  Snapshot listener(Listener replacement) {
    listener = replacement;
    return this;
  }

  /** The listener's ext_proc filter (http_filters[0]) changed. */
  Snapshot extProc(UnaryOperator<ExternalProcessor.Builder> change) {
    return hcm(h -> h.setHttpFilters(0, filter("envoy.filters.http.ext_proc",
        change.apply(extProcConfig().toBuilder()).build())));
  }

  Snapshot routes(UnaryOperator<RouteConfiguration.Builder> change) {
    routes = change.apply(routes.toBuilder()).build();
    return this;
  }

  Snapshot route(UnaryOperator<Route.Builder> change) {
    return routes(r -> r.setVirtualHosts(0, r.getVirtualHosts(0).toBuilder()
        .setRoutes(0, change.apply(r.getVirtualHosts(0).getRoutes(0).toBuilder()))));
  }

  Snapshot action(UnaryOperator<RouteAction.Builder> change) {
    return route(r -> r.setRoute(change.apply(r.getRoute().toBuilder())));
  }

  /** The route's per-route local rate limit changed. */
  Snapshot rateLimit(UnaryOperator<LocalRateLimit.Builder> change) {
    return route(r -> r.putTypedPerFilterConfig("envoy.filters.http.local_ratelimit",
        Any.pack(change.apply(rateLimitConfig().toBuilder()).build())));
  }

  static HttpFilter filter(String name, Message config) {
    return HttpFilter.newBuilder().setName(name).setTypedConfig(Any.pack(config)).build();
  }

  static ConfigSource ads() {
    return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3).build();
  }

  private static Cluster.Builder baseEds(UnaryOperator<Cluster.Builder> change) {
    return change.apply(Cluster.newBuilder().setName("provider/a").setType(Cluster.DiscoveryType.EDS)
        .setConnectTimeout(Durations.fromSeconds(2))
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads()).setServiceName("provider/a")));
  }

  static ClusterLoadAssignment assignment() {
    return ClusterLoadAssignment.newBuilder().setClusterName("provider/a")
        .addEndpoints(LocalityLbEndpoints.newBuilder().setLoadBalancingWeight(UInt32Value.of(1))
            .addLbEndpoints(endpoint("10.0.0.1")))
        .build();
  }

  static LbEndpoint endpoint(String address) {
    return LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress(address).setPortValue(443)))).build();
  }

  private static Cluster.Builder baseTls(UnaryOperator<Cluster.Builder> change) {
    return change.apply(Cluster.newBuilder().setName("provider/tls").setType(Cluster.DiscoveryType.LOGICAL_DNS)
        .setConnectTimeout(Durations.fromSeconds(5))
        .setDnsLookupFamily(Cluster.DnsLookupFamily.V4_PREFERRED)
        .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName("provider/tls")
            .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
                .setEndpoint(Endpoint.newBuilder().setHostname("api.example.com").setAddress(Address.newBuilder()
                    .setSocketAddress(SocketAddress.newBuilder().setAddress("api.example.com").setPortValue(443)))))))
        .setTransportSocket(tlsSocket(tlsContext()))
        .putTypedExtensionProtocolOptions("envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
            Any.pack(upstreamOptions())));
  }

  static TransportSocket tlsSocket(UpstreamTlsContext tls) {
    return TransportSocket.newBuilder().setName("envoy.transport_sockets.tls").setTypedConfig(Any.pack(tls)).build();
  }

  static UpstreamTlsContext tlsContext() {
    return UpstreamTlsContext.newBuilder().setSni("api.example.com")
        .setCommonTlsContext(CommonTlsContext.newBuilder().setValidationContext(CertificateValidationContext
            .newBuilder()
            .setTrustedCa(DataSource.newBuilder().setFilename(CA_BUNDLE))
            .addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder()
                .setSanType(SubjectAltNameMatcher.SanType.DNS)
                .setMatcher(StringMatcher.newBuilder().setExact("api.example.com")))))
        .build();
  }

  static HttpProtocolOptions upstreamOptions() {
    return HttpProtocolOptions.newBuilder()
        .setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
            .setHttpProtocolOptions(io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions.getDefaultInstance()))
        .addHttpFilters(filter("envoy.filters.http.credential_injector", credentialInjector()))
        .addHttpFilters(filter("envoy.filters.http.upstream_codec", UpstreamCodec.getDefaultInstance()))
        .build();
  }

  static CredentialInjector credentialInjector() {
    return CredentialInjector.newBuilder().setOverwrite(true)
        .setCredential(io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig.newBuilder()
            .setName("envoy.http.injected_credentials.generic")
            .setTypedConfig(Any.pack(Generic.newBuilder().setHeader("Authorization")
                .setCredential(SdsSecretConfig.newBuilder().setName("provider/tls/credential").setSdsConfig(ads()))
                .build())))
        .build();
  }

  private static Listener baseListener(UnaryOperator<HttpConnectionManager.Builder> change) {
    HttpConnectionManager hcm = change.apply(HttpConnectionManager.newBuilder().setStatPrefix("edge")
        .setRds(Rds.newBuilder().setRouteConfigName("edge").setConfigSource(ads()))
        .setUseRemoteAddress(BoolValue.of(true))
        .addHttpFilters(filter("envoy.filters.http.ext_proc", extProcConfig()))
        .addHttpFilters(filter("envoy.filters.http.local_ratelimit",
            LocalRateLimit.newBuilder().setStatPrefix("llm_ratelimit").build()))
        .addHttpFilters(filter("envoy.filters.http.router", Router.getDefaultInstance()))).build();
    return Listener.newBuilder().setName("edge")
        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("0.0.0.0")
            .setPortValue(10000)))
        .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
            .setName("envoy.filters.network.http_connection_manager").setTypedConfig(Any.pack(hcm))))
        .build();
  }

  static ExternalProcessor extProcConfig() {
    return ExternalProcessor.newBuilder()
        .setGrpcService(GrpcService.newBuilder()
            .setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder().setClusterName("provider/a")))
        .setMessageTimeout(Durations.fromSeconds(30))
        .build();
  }

  static LocalRateLimit rateLimitConfig() {
    return LocalRateLimit.newBuilder().setStatPrefix("llm_ratelimit_default")
        .setTokenBucket(bucket(100, 60_000))
        .addDescriptors(LocalRateLimitDescriptor.newBuilder()
            .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey("key"))
            .setTokenBucket(bucket(10, 60_000)))
        .build();
  }

  static TokenBucket bucket(int tokens, long fillMillis) {
    return TokenBucket.newBuilder().setMaxTokens(tokens).setTokensPerFill(UInt32Value.of(tokens))
        .setFillInterval(Durations.fromMillis(fillMillis)).build();
  }

  private static RouteConfiguration baseRoutes(UnaryOperator<RouteConfiguration.Builder> change) {
    Route route = Route.newBuilder().setName("chat")
        .setMatch(RouteMatch.newBuilder().setPrefix("/v1/"))
        .setRoute(RouteAction.newBuilder().setWeightedClusters(WeightedCluster.newBuilder()
            .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("provider/a").setWeight(UInt32Value.of(90)))
            .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("provider/tls")
                .setWeight(UInt32Value.of(10)))))
        .putTypedPerFilterConfig("envoy.filters.http.ext_proc", Any.pack(ExtProcPerRoute.newBuilder()
            .setOverrides(ExtProcOverrides.newBuilder().addGrpcInitialMetadata(
                io.envoyproxy.envoy.config.core.v3.HeaderValue.newBuilder().setKey("x-llm-route").setValue("chat")))
            .build()))
        .putTypedPerFilterConfig("envoy.filters.http.local_ratelimit", Any.pack(rateLimitConfig()))
        .build();
    return change.apply(RouteConfiguration.newBuilder().setName("edge")
        .addVirtualHosts(VirtualHost.newBuilder().setName("llm").addDomains("*").addRoutes(route))).build();
  }

  static Cluster aggregate(UnaryOperator<Cluster.Builder> change) {
    return change.apply(Cluster.newBuilder().setName("fallback/a/tls")
        .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
        .setClusterType(Cluster.CustomClusterType.newBuilder().setName("envoy.clusters.aggregate")
            .setTypedConfig(Any.pack(ClusterConfig.newBuilder().addClusters("provider/a")
                .addClusters("provider/tls").build())))).build();
  }
}
