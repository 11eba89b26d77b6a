package io.llmxds.cp.verify;

import static io.llmxds.cp.verify.ValidEnvoy.cluster;
import static io.llmxds.cp.verify.ValidEnvoy.endpoints;
import static io.llmxds.cp.verify.ValidEnvoy.extProc;
import static io.llmxds.cp.verify.ValidEnvoy.hcm;
import static io.llmxds.cp.verify.ValidEnvoy.listener;
import static io.llmxds.cp.verify.ValidEnvoy.perRoute;
import static io.llmxds.cp.verify.ValidEnvoy.routeAction;
import static io.llmxds.cp.verify.ValidEnvoy.routeConfig;
import static io.llmxds.cp.verify.ValidEnvoy.secret;
import static io.llmxds.cp.verify.ValidEnvoy.virtualHost;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invalid Envoy resources taken from the rules of Envoy's protos: each is a valid {@link ValidEnvoy} resource broken
 * in one place, and the checker must report exactly that place and rule.
 */
class EnvoyRulesCorpusTest {

  private static final String HCM = "filter_chains[0].filters[0].typed_config<HttpConnectionManager>.";
  private static final String EXT_PROC = HCM + "http_filters[0].typed_config<ExternalProcessor>.";
  private static final String ROUTE = "virtual_hosts[0].routes[0].";
  private static final String RATE_LIMIT = ROUTE + "typed_per_filter_config[envoy.filters.http.local_ratelimit]"
      + "<LocalRateLimit>.";

  static Stream<Arguments> corpus() {
    return Stream.of(
        // Clusters
        broken("cluster: negative connect_timeout",
            cluster(c -> c.setConnectTimeout(Durations.fromSeconds(-1))),
            "connect_timeout", "duration {gt: 0s}", "-1s"),
        broken("cluster: zero connect_timeout",
            cluster(c -> c.setConnectTimeout(Durations.ZERO)), "connect_timeout", "duration {gt: 0s}", "0s"),
        broken("cluster: empty name", cluster(c -> c.setName("")), "name", "string {min_len: 1}", "\"\""),
        broken("cluster: lb_policy out of range", cluster(c -> c.setLbPolicyValue(99)),
            "lb_policy", "enum {defined_only: true}", "99"),
        broken("cluster: discovery type out of range", cluster(c -> c.setTypeValue(42)),
            "type", "enum {defined_only: true}", "42"),
        broken("cluster: zero cleanup_interval", cluster(c -> c.setCleanupInterval(Durations.ZERO)),
            "cleanup_interval", "duration {gt: 0s}", "0s"),
        broken("cluster: least-request choice_count 1", cluster(c -> c.setLeastRequestLbConfig(
                Cluster.LeastRequestLbConfig.newBuilder().setChoiceCount(UInt32Value.of(1)))),
            "least_request_lb_config.choice_count", "uint32 {gte: 2}", "1"),
        broken("cluster: ring hash larger than allowed", cluster(c -> c.setRingHashLbConfig(
                Cluster.RingHashLbConfig.newBuilder().setMinimumRingSize(UInt64Value.of(9_000_000)))),
            "ring_hash_lb_config.minimum_ring_size", "uint64 {lte: 8388608}", "9000000"),
        broken("cluster: circuit-breaker priority out of range", cluster(c -> c.setCircuitBreakers(
                CircuitBreakers.newBuilder().addThresholds(CircuitBreakers.Thresholds.newBuilder()
                    .setPriorityValue(7)))),
            "circuit_breakers.thresholds[0].priority", "enum {defined_only: true}", "7"),
        broken("cluster: HttpProtocolOptions without a protocol", cluster(c -> c.putTypedExtensionProtocolOptions(
                "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                Any.pack(HttpProtocolOptions.getDefaultInstance()))),
            "typed_extension_protocol_options[envoy.extensions.upstreams.http.v3.HttpProtocolOptions]"
                + "<HttpProtocolOptions>.upstream_protocol_options", "oneof {required: true}", "<unset>"),
        broken("cluster: SNI longer than 255 bytes", cluster(c -> c.setTransportSocket(TransportSocket.newBuilder()
                .setName("envoy.transport_sockets.tls")
                .setTypedConfig(Any.pack(UpstreamTlsContext.newBuilder().setSni("a".repeat(256)).build())))),
            "transport_socket.typed_config<UpstreamTlsContext>.sni", "string {max_bytes: 255}",
            "\"" + "a".repeat(80) + "\"…(256 chars)"),
        broken("cluster: transport socket without name", cluster(c -> c.setTransportSocket(
                TransportSocket.newBuilder().setTypedConfig(Any.pack(UpstreamTlsContext.getDefaultInstance())))),
            "transport_socket.name", "string {min_len: 1}", "\"\""),
        broken("cluster: Any of a type the translation never emits", cluster(c -> c.setTransportSocket(
                TransportSocket.newBuilder().setName("tls").setTypedConfig(Any.pack(Struct.getDefaultInstance())))),
            "transport_socket.typed_config", RuleWalk.UNKNOWN_ANY, "\"type.googleapis.com/google.protobuf.Struct\""),
        broken("cluster: Any whose bytes do not parse", cluster(c -> c.setTransportSocket(
                TransportSocket.newBuilder().setName("tls").setTypedConfig(Any.newBuilder()
                    .setTypeUrl("type.googleapis.com/" + UpstreamTlsContext.getDescriptor().getFullName())
                    .setValue(ByteString.copyFromUtf8("\u00ff\u00ff\u00ff"))))),
            "transport_socket.typed_config", RuleWalk.UNPARSABLE_ANY,
            "\"type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext\""),
        broken("cluster: metadata namespace with an empty name", cluster(c -> c.setMetadata(
                Metadata.newBuilder().putFilterMetadata("", Struct.getDefaultInstance()))),
            "metadata.filter_metadata[]", "map.keys.string {min_len: 1}", "\"\""),

        // Endpoints
        broken("endpoints: empty cluster_name", endpoints(e -> e.setClusterName("")),
            "cluster_name", "string {min_len: 1}", "\"\""),
        broken("endpoints: port above 65535", endpoints(e -> e.setEndpoints(0, e.getEndpoints(0).toBuilder()
                .setLbEndpoints(0, LbEndpoint.newBuilder().setEndpoint(
                    io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                        .setAddress(ValidEnvoy.address("10.0.0.1", 70000)))))),
            "endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value", "uint32 {lte: 65535}",
            "70000"),
        broken("endpoints: socket address without host", endpoints(e -> e.setEndpoints(0, e.getEndpoints(0)
                .toBuilder().setLbEndpoints(0, LbEndpoint.newBuilder().setEndpoint(
                    io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                        .setAddress(ValidEnvoy.address("", 443)))))),
            "endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address", "string {min_len: 1}", "\"\""),
        broken("endpoints: zero endpoint weight", endpoints(e -> e.setEndpoints(0, e.getEndpoints(0).toBuilder()
                .setLbEndpoints(0, e.getEndpoints(0).getLbEndpoints(0).toBuilder()
                    .setLoadBalancingWeight(UInt32Value.of(0))))),
            "endpoints[0].lb_endpoints[0].load_balancing_weight", "uint32 {gte: 1}", "0"),
        broken("endpoints: priority above 128", endpoints(e -> e.addEndpoints(LocalityLbEndpoints.newBuilder()
                .setPriority(129))),
            "endpoints[1].priority", "uint32 {lte: 128}", "129"),
        broken("endpoints: zero overprovisioning factor", endpoints(e -> e.setPolicy(
                ClusterLoadAssignment.Policy.newBuilder().setOverprovisioningFactor(UInt32Value.of(0)))),
            "policy.overprovisioning_factor", "uint32 {gt: 0}", "0"),

        // Routes
        broken("virtual host without domains", virtualHost(VirtualHost.Builder::clearDomains),
            "virtual_hosts[0].domains", "repeated {min_items: 1}", "0 items"),
        broken("virtual host domain with a line break", virtualHost(v -> v.addDomains("a.example\r\nx: y")),
            "virtual_hosts[0].domains[1]", "repeated.items.string {well_known_regex: HTTP_HEADER_VALUE, strict: "
                + "false}", "\"a.example\\r\\nx: y\""),
        broken("virtual host require_tls out of range", virtualHost(v -> v.setRequireTlsValue(9)),
            "virtual_hosts[0].require_tls", "enum {defined_only: true}", "9"),
        broken("route without action", routeConfig(r -> r.clearRoute()),
            ROUTE + "action", "oneof {required: true}", "<unset>"),
        broken("route without match", routeConfig(r -> r.clearMatch()),
            ROUTE + "match", "message {required: true}", "<unset>"),
        broken("route match without path specifier", routeConfig(r -> r.setMatch(RouteMatch.getDefaultInstance())),
            ROUTE + "match.path_specifier", "oneof {required: true}", "<unset>"),
        broken("route path_separated_prefix ending in a slash",
            routeConfig(r -> r.setMatch(RouteMatch.newBuilder().setPathSeparatedPrefix("/v1/"))),
            ROUTE + "match.path_separated_prefix", "string {pattern: \"^[^?#]+[^?#/]$\"}", "\"/v1/\""),
        broken("route header matcher with a NUL in its name", routeConfig(r -> r.setMatch(r.getMatch().toBuilder()
                .addHeaders(HeaderMatcher.newBuilder().setName("x-llm\u0000model").setPresentMatch(true)))),
            ROUTE + "match.headers[0].name", "string {well_known_regex: HTTP_HEADER_NAME, strict: false}",
            "\"x-llm\\u0000model\""),
        broken("route adds a header with an invalid name", routeConfig(r -> r.addRequestHeadersToAdd(
                HeaderValueOption.newBuilder().setHeader(HeaderValue.newBuilder().setKey("x-bad\nname")
                    .setValue("v")))),
            ROUTE + "request_headers_to_add[0].header.key",
            "string {well_known_regex: HTTP_HEADER_NAME, strict: false}", "\"x-bad\\nname\""),
        broken("route adds a header without a header", routeConfig(r -> r.addRequestHeadersToAdd(
                HeaderValueOption.getDefaultInstance())),
            ROUTE + "request_headers_to_add[0].header", "message {required: true}", "<unset>"),
        broken("weighted clusters without clusters", routeAction(a -> a.setWeightedClusters(
                WeightedCluster.getDefaultInstance())),
            ROUTE + "route.weighted_clusters.clusters", "repeated {min_items: 1}", "0 items"),
        broken("direct response with status 700", routeConfig(r -> r.setDirectResponse(
                DirectResponseAction.newBuilder().setStatus(700))),
            ROUTE + "direct_response.status", "uint32 {gte: 200, lt: 600}", "700"),
        broken("retry back-off with a zero base interval", routeAction(a -> a.setRetryPolicy(RetryPolicy.newBuilder()
                .setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder().setBaseInterval(Durations.ZERO)))),
            ROUTE + "route.retry_policy.retry_back_off.base_interval", "duration {gt: 0s}", "0s"),
        broken("retry back-off without a base interval", routeAction(a -> a.setRetryPolicy(RetryPolicy.newBuilder()
                .setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder().setMaxInterval(Durations.fromSeconds(1))))),
            ROUTE + "route.retry_policy.retry_back_off.base_interval", "duration {required: true}", "<unset>"),
        broken("local rate limit token bucket with max_tokens 0", perRoute("envoy.filters.http.local_ratelimit",
                LocalRateLimit.newBuilder().setStatPrefix("llm").setTokenBucket(TokenBucket.newBuilder()
                    .setMaxTokens(0).setFillInterval(Durations.fromSeconds(60))).build()),
            RATE_LIMIT + "token_bucket.max_tokens", "uint32 {gt: 0}", "0"),
        broken("local rate limit with tokens_per_fill 0", perRoute("envoy.filters.http.local_ratelimit",
                LocalRateLimit.newBuilder().setStatPrefix("llm").setTokenBucket(TokenBucket.newBuilder()
                    .setMaxTokens(10).setTokensPerFill(UInt32Value.of(0))
                    .setFillInterval(Durations.fromSeconds(60))).build()),
            RATE_LIMIT + "token_bucket.tokens_per_fill", "uint32 {gt: 0}", "0"),
        broken("local rate limit token bucket without fill_interval", perRoute("envoy.filters.http.local_ratelimit",
                LocalRateLimit.newBuilder().setStatPrefix("llm").setTokenBucket(TokenBucket.newBuilder()
                    .setMaxTokens(10)).build()),
            RATE_LIMIT + "token_bucket.fill_interval", "duration {required: true}", "<unset>"),
        broken("local rate limit without stat_prefix", perRoute("envoy.filters.http.local_ratelimit",
                LocalRateLimit.getDefaultInstance()),
            RATE_LIMIT + "stat_prefix", "string {min_len: 1}", "\"\""),
        broken("local rate limit stage above 10", perRoute("envoy.filters.http.local_ratelimit",
                LocalRateLimit.newBuilder().setStatPrefix("llm").setStage(11).build()),
            RATE_LIMIT + "stage", "uint32 {lte: 10}", "11"),
        broken("ext_proc per-route override that is empty", perRoute("envoy.filters.http.ext_proc",
                ExtProcPerRoute.getDefaultInstance()),
            ROUTE + "typed_per_filter_config[envoy.filters.http.ext_proc]<ExtProcPerRoute>.override",
            "oneof {required: true}", "<unset>"),
        broken("ext_proc per-route disabled: false", perRoute("envoy.filters.http.ext_proc",
                ExtProcPerRoute.newBuilder().setDisabled(false).build()),
            ROUTE + "typed_per_filter_config[envoy.filters.http.ext_proc]<ExtProcPerRoute>.disabled",
            "bool {const: true}", "false"),

        // Listeners
        broken("listener: HttpConnectionManager without stat_prefix", hcm(h -> h.setStatPrefix("")),
            HCM + "stat_prefix", "string {min_len: 1}", "\"\""),
        broken("listener: HttpConnectionManager without route config", hcm(h -> h.clearRds()),
            HCM + "route_specifier", "oneof {required: true}", "<unset>"),
        broken("listener: codec type out of range", hcm(h -> h.setCodecTypeValue(9)),
            HCM + "codec_type", "enum {defined_only: true}", "9"),
        broken("listener: unnamed HTTP filter", hcm(h -> h.setHttpFilters(1, h.getHttpFilters(1).toBuilder()
                .setName(""))),
            HCM + "http_filters[1].name", "string {min_len: 1}", "\"\""),
        broken("listener: max_request_headers_kb above 8192", hcm(h -> h.setMaxRequestHeadersKb(
                UInt32Value.of(9000))),
            HCM + "max_request_headers_kb", "uint32 {gt: 0, lte: 8192}", "9000"),
        broken("listener: RDS config source API version out of range", hcm(h -> h.setRds(h.getRds().toBuilder()
                .setConfigSource(h.getRds().getConfigSource().toBuilder().setResourceApiVersionValue(5)))),
            HCM + "rds.config_source.resource_api_version", "enum {defined_only: true}", "5"),
        broken("listener: ext_proc message_timeout over the maximum",
            extProc(e -> e.setMessageTimeout(Durations.fromSeconds(7200))),
            EXT_PROC + "message_timeout", "duration {gte: 0s, lte: 3600s}", "7200s"),
        broken("listener: ext_proc without a cluster name", extProc(e -> e.setGrpcService(
                e.getGrpcService().toBuilder().setEnvoyGrpc(e.getGrpcService().getEnvoyGrpc().toBuilder()
                    .setClusterName("")))),
            EXT_PROC + "grpc_service.envoy_grpc.cluster_name", "string {min_len: 1}", "\"\""),
        broken("listener: ext_proc body mode out of range", extProc(e -> e.setProcessingMode(
                ProcessingMode.newBuilder().setRequestBodyModeValue(17))),
            EXT_PROC + "processing_mode.request_body_mode", "enum {defined_only: true}", "17"),
        broken("listener: unnamed network filter", listener(l -> l.setFilterChains(0, l.getFilterChains(0)
                .toBuilder().setFilters(0, l.getFilterChains(0).getFilters(0).toBuilder().setName("")))),
            "filter_chains[0].filters[0].name", "string {min_len: 1}", "\"\""),
        broken("listener: port above 65535", listener(l -> l.setAddress(ValidEnvoy.address("0.0.0.0", 65536))),
            "address.socket_address.port_value", "uint32 {lte: 65535}", "65536"),

        // Secrets: the values of sensitive fields never appear
        broken("secret: generic secret from a file without a name", secret(s -> s.setGenericSecret(
                s.getGenericSecret().toBuilder().setSecret(DataSource.newBuilder().setFilename("")))),
            "generic_secret.secret.filename", "string {min_len: 1}", "<redacted>"),
        broken("secret: TLS private key without a source", secret(s -> s.setTlsCertificate(
                TlsCertificate.newBuilder().setPrivateKey(DataSource.getDefaultInstance()))),
            "tls_certificate.private_key.specifier", "oneof {required: true}", "<redacted>"));
  }

  private static Arguments broken(String name, Message resource, String path, String rule, String value) {
    return Arguments.of(name, resource, path + ": " + rule + " (value: " + value + ")");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void theCheckerReportsThePlaceAndTheRule(String name, Message resource, String expected) {
    assertThat(EnvoyRules.violations(resource))
        .extracting(v -> v.path() + ": " + v.rule() + " (value: " + v.value() + ")")
        .containsExactly(expected);
  }

  @Test
  void theCorpusIsLargeEnough() {
    assertThat(corpus().count()).isGreaterThanOrEqualTo(30);
  }
}
