package io.llmxds.cp.verify.load;

import static io.llmxds.cp.verify.load.Snapshot.filter;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HttpService;
import io.envoyproxy.envoy.config.core.v3.HttpUri;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLogFilter;
import io.envoyproxy.envoy.config.accesslog.v3.ComparisonFilter;
import io.envoyproxy.envoy.config.accesslog.v3.StatusCodeFilter;
import io.envoyproxy.envoy.config.core.v3.RuntimeUInt32;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.extensions.filters.http.credential_injector.v3.CredentialInjector;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExtProcHttpService;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.LocalReplyConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.ResponseMapper;
import io.envoyproxy.envoy.extensions.http.injected_credentials.generic.v3.Generic;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.metadata.v3.MetadataKey;
import io.envoyproxy.envoy.type.metadata.v3.MetadataKind;
import io.envoyproxy.envoy.type.tracing.v3.CustomTag;
import io.llmxds.cp.translate.EnvoyResources;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each load-time rule against a hand-made snapshot broken in one place (exactly the expected line, nothing else) and
 * its passing counterpart (no finding at all). {@link #everyRuleHasACase()} keeps the list complete.
 */
class EnvoyLoadChecksTest {

  private static final String HCM = "Listener edge: filter_chains[0].filters[0].typed_config<HttpConnectionManager>.";
  private static final String UPSTREAM = "Cluster provider/tls: typed_extension_protocol_options"
      + "[envoy.extensions.upstreams.http.v3.HttpProtocolOptions]<HttpProtocolOptions>.";
  private static final String TLS = "Cluster provider/tls: transport_socket.typed_config<UpstreamTlsContext>.";
  private static final String ROUTE = "RouteConfiguration edge: virtual_hosts[0].routes[0].";
  private static final String RATE_LIMIT =
      ROUTE + "typed_per_filter_config[envoy.filters.http.local_ratelimit]<LocalRateLimit>";
  private static final String ENVOY = " (Envoy v1.34.0 ";
  private static final String IGNORED = " (llm-xds rule: Envoy v1.34.0 accepts this and silently ignores it, ";

  private static final List<Arguments> CASES = new ArrayList<>();
  private static final Set<LoadTimeRule> PER_FINDING_CITATIONS = Set.of(FormatStrings.PARSE, RegexRules.PROGRAM_SIZE);

  @Test
  void theValidSnapshotPasses() {
    assertThat(EnvoyLoadChecks.check(Snapshot.valid().resources())).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachRuleFindsItsCaseAndPassesItsCounterpart(String name, LoadTimeRule rule, EnvoyResources broken,
      String expected, EnvoyResources fixed) {
    assertThat(EnvoyLoadChecks.check(broken)).containsExactly(expected);
    // A parser's finding cites the line of its own error; every other one its rule's lines.
    if (!PER_FINDING_CITATIONS.contains(rule)) {
      assertThat(expected).contains(rule.citation());
    }
    assertThat(EnvoyLoadChecks.check(fixed)).isEmpty();
  }

  @Test
  void everyRuleHasACase() {
    Set<LoadTimeRule> tested = new HashSet<>();
    cases().forEach(c -> tested.add((LoadTimeRule) c.get()[1]));
    assertThat(tested).containsExactlyInAnyOrderElementsOf(EnvoyLoadChecks.RULES);
  }

  static Stream<Arguments> cases() {
    if (!CASES.isEmpty()) {
      return CASES.stream();
    }
    String pem = testCa();
    // TLS
    add("SAN matchers without trusted_ca", TlsRules.SAN_MATCHERS,
        valid().validation(CertificateValidationContext.Builder::clearTrustedCa),
        TLS + "common_tls_context.validation_context: SAN-based verification of peer certificates without trusted CA"
            + " is insecure and not allowed" + ENVOY
            + "source/common/ssl/certificate_validation_context_config_impl.cc:67-75)",
        valid());
    add("SAN matchers with system_root_certs, no trusted_ca (system_root_certs is no CA to Envoy)",
        TlsRules.SAN_MATCHERS,
        valid().validation(v -> v.clearTrustedCa()
            .setSystemRootCerts(CertificateValidationContext.SystemRootCerts.getDefaultInstance())),
        TLS + "common_tls_context.validation_context: SAN-based verification of peer certificates without trusted CA"
            + " is insecure and not allowed" + ENVOY
            + "source/common/ssl/certificate_validation_context_config_impl.cc:67-75)",
        valid().validation(v -> v.setTrustedCa(DataSource.newBuilder().setInlineString(pem))));
    add("a CRL without trusted_ca", TlsRules.CRL,
        valid().validation(v -> v.clearTrustedCa().clearMatchTypedSubjectAltNames()
            .setCrl(DataSource.newBuilder().setInlineString("crl"))),
        TLS + "common_tls_context.validation_context: Failed to load CRL from <inline> without trusted CA" + ENVOY
            + "source/common/ssl/certificate_validation_context_config_impl.cc:67-71)",
        valid().validation(v -> v.clearMatchTypedSubjectAltNames()));
    add("allow_expired_certificate without trusted_ca", TlsRules.ALLOW_EXPIRED,
        valid().validation(v -> v.clearTrustedCa().clearMatchTypedSubjectAltNames().setAllowExpiredCertificate(true)),
        TLS + "common_tls_context.validation_context: Certificate validity period is always ignored without trusted CA"
            + ENVOY + "source/common/ssl/certificate_validation_context_config_impl.cc:67-80)",
        valid().validation(v -> v.setAllowExpiredCertificate(true)));
    add("an inline trusted_ca without a certificate", TlsRules.INLINE_CA_PARSES,
        valid().validation(v -> v.setTrustedCa(DataSource.newBuilder().setInlineString("not a certificate"))),
        TLS + "common_tls_context.validation_context.trusted_ca: Failed to load trusted CA certificates from <inline>"
            + ENVOY + "source/common/tls/cert_validator/default_validator.cc:75-108)",
        valid().validation(v -> v.setTrustedCa(DataSource.newBuilder()
            .setInlineBytes(ByteString.copyFrom(pem, StandardCharsets.US_ASCII)))));
    add("an SNI with a NUL byte", TlsRules.SNI_WITHOUT_NUL,
        valid().tls(t -> t.setSni("api.example.com\0")),
        TLS + "sni: SNI names containing NULL-byte are not allowed" + ENVOY
            + "source/common/tls/context_config_impl.cc:372-377)",
        valid());
    // clusters
    add("an aggregate cluster without CLUSTER_PROVIDED", ClusterRules.AGGREGATE_NEEDS_CLUSTER_PROVIDED,
        valid().cluster(Snapshot.aggregate(c -> c.clearLbPolicy())),
        "Cluster fallback/a/tls: lb_policy: cluster manager: cluster provided LB not specified but cluster "
            + "'fallback/a/tls' provided one. Check cluster documentation." + ENVOY
            + "source/common/upstream/cluster_manager_impl.cc:1061-1066)",
        valid().cluster(Snapshot.aggregate(c -> c)));
    add("CLUSTER_PROVIDED on an EDS cluster", ClusterRules.CLUSTER_PROVIDED_NEEDS_A_BALANCER,
        valid().edsCluster(c -> c.setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)),
        "Cluster provider/a: lb_policy: cluster manager: cluster provided LB specified but cluster 'provider/a' did "
            + "not provide one. Check cluster documentation." + ENVOY
            + "source/common/upstream/cluster_manager_impl.cc:1055-1060)",
        valid().edsCluster(c -> c.setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST)));
    add("a LOGICAL_DNS cluster with two endpoints", ClusterRules.LOGICAL_DNS_SINGLE_HOST,
        valid().tlsCluster(c -> c.setLoadAssignment(c.getLoadAssignment().toBuilder()
            .setEndpoints(0, c.getLoadAssignment().getEndpoints(0).toBuilder()
                .addLbEndpoints(Snapshot.endpoint("api2.example.com"))))),
        "Cluster provider/tls: load_assignment: LOGICAL_DNS clusters must have a single locality_lb_endpoint and a "
            + "single lb_endpoint" + ENVOY + "source/extensions/clusters/logical_dns/logical_dns_cluster.cc:55-64)",
        valid());
    add("a LOGICAL_DNS cluster without load_assignment", ClusterRules.LOGICAL_DNS_SINGLE_HOST,
        valid().tlsCluster(Cluster.Builder::clearLoadAssignment),
        "Cluster provider/tls: load_assignment: LOGICAL_DNS clusters must have a single host" + ENVOY
            + "source/extensions/clusters/logical_dns/logical_dns_cluster.cc:55-64)",
        valid());
    add("a LOGICAL_DNS endpoint with a resolver_name", ClusterRules.LOGICAL_DNS_NO_RESOLVER,
        valid().tlsCluster(c -> {
          c.getLoadAssignmentBuilder().getEndpointsBuilder(0).getLbEndpointsBuilder(0).getEndpointBuilder()
              .getAddressBuilder().getSocketAddressBuilder().setResolverName("custom");
          return c;
        }),
        "Cluster provider/tls: load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address."
            + "resolver_name: LOGICAL_DNS clusters must NOT have a custom resolver name set" + ENVOY
            + "source/extensions/clusters/logical_dns/logical_dns_cluster.cc:66-71)",
        valid());
    add("an EDS cluster without eds_cluster_config", ClusterRules.EDS_CONFIG_REQUIRED,
        valid().edsCluster(Cluster.Builder::clearEdsClusterConfig),
        "Cluster provider/a: eds_cluster_config: cannot create an EDS cluster without an EDS config" + ENVOY
            + "source/extensions/clusters/eds/eds.cc:481-483)",
        valid());
    add("eds_cluster_config on a LOGICAL_DNS cluster", ClusterRules.EDS_CONFIG_ONLY_FOR_EDS,
        valid().tlsCluster(c -> c.setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
            .setEdsConfig(Snapshot.ads()))),
        "Cluster provider/tls: eds_cluster_config: eds_cluster_config set in a non-EDS cluster" + ENVOY
            + "source/common/upstream/upstream_impl.cc:1368-1373)",
        valid());
    add("HttpProtocolOptions of another type", ClusterRules.HTTP_PROTOCOL_OPTIONS_TYPE,
        valid().tlsCluster(c -> c.putTypedExtensionProtocolOptions(
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions", Any.pack(Snapshot.credentialInjector()))),
        "Cluster provider/tls: typed_extension_protocol_options"
            + "[envoy.extensions.upstreams.http.v3.HttpProtocolOptions]: Unable to unpack as "
            + "envoy.extensions.upstreams.http.v3.HttpProtocolOptions" + ENVOY
            + "source/common/upstream/upstream_impl.cc:84-117)",
        valid());
    // filter chains
    add("local_ratelimit as an upstream filter", FilterChainRules.TYPE_REGISTERED,
        valid().upstream(o -> o.addHttpFilters(0, filter("envoy.filters.http.local_ratelimit",
            LocalRateLimit.newBuilder().setStatPrefix("upstream").build()))),
        UPSTREAM + "http_filters[0].typed_config: Didn't find a registered implementation for "
            + "'envoy.filters.http.local_ratelimit' with type URL: "
            + "'envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit'" + ENVOY
            + "source/common/config/utility.h:271-279)",
        valid());
    add("a router without typed_config (no lookup by name)", FilterChainRules.TYPE_REGISTERED,
        valid().hcm(h -> h.setHttpFilters(2, HttpFilter.newBuilder().setName("envoy.filters.http.router"))),
        HCM + "http_filters[2].typed_config: Didn't find a registered implementation for 'envoy.filters.http.router'"
            + " with type URL: ''" + ENVOY + "source/common/config/utility.h:271-279)",
        valid());
    add("an optional filter with no factory is left out", FilterChainRules.OPTIONAL_SKIPPED,
        valid().upstream(o -> o.addHttpFilters(0, filter("envoy.filters.http.local_ratelimit",
            LocalRateLimit.newBuilder().setStatPrefix("upstream").build()).toBuilder().setIsOptional(true).build())),
        UPSTREAM + "http_filters[0].typed_config: the optional filter 'envoy.filters.http.local_ratelimit' has no "
            + "registered upstream http factory for type URL "
            + "'envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit' and would be left out of the chain"
            + IGNORED + "source/common/http/filter_chain_helper.h:137-144)",
        valid());
    add("a per-route type as the filter's config", FilterChainRules.CONFIG_TYPE_MATCHES,
        valid().hcm(h -> h.setHttpFilters(0, filter("envoy.filters.http.ext_proc",
            ExtProcPerRoute.newBuilder().setDisabled(true).build()))),
        HCM + "http_filters[0].typed_config: Unable to unpack as "
            + "envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor" + ENVOY
            + "source/common/protobuf/utility.cc:405-411)",
        valid());
    add("an upstream chain that does not end with the codec", FilterChainRules.UPSTREAM_CODEC_LAST,
        valid().upstream(o -> o.removeHttpFilters(1)),
        UPSTREAM + "http_filters[0].typed_config: The codec filter is the only valid terminal upstream HTTP filter, "
            + "use 'envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec'" + ENVOY
            + "source/common/http/filter_chain_helper.cc:72-87)",
        valid());
    add("the router before the other filters", FilterChainRules.TERMINAL_LAST,
        valid().hcm(h -> h.addHttpFilters(0, filter("envoy.filters.http.router", Router.getDefaultInstance()))),
        HCM + "http_filters[0]: Error: terminal filter named envoy.filters.http.router of type "
            + "envoy.filters.http.router must be the last filter in a http filter chain." + ENVOY
            + "source/common/config/utility.cc:355-359)",
        valid());
    add("the codec before the credential injector", FilterChainRules.TERMINAL_LAST,
        valid().upstream(o -> o.addHttpFilters(0, filter("envoy.filters.http.upstream_codec",
            UpstreamCodec.getDefaultInstance()))),
        UPSTREAM + "http_filters[0]: Error: terminal filter named envoy.filters.http.upstream_codec of type "
            + "envoy.filters.http.upstream_codec must be the last filter in a upstream http filter chain." + ENVOY
            + "source/common/config/utility.cc:355-359)",
        valid());
    add("no router last", FilterChainRules.LAST_TERMINAL,
        valid().hcm(h -> h.removeHttpFilters(2)),
        HCM + "http_filters[1]: Error: non-terminal filter named envoy.filters.http.local_ratelimit of type "
            + "envoy.filters.http.local_ratelimit is the last filter in a http filter chain." + ENVOY
            + "source/common/config/utility.cc:360-368)",
        valid());
    add("a disabled router", FilterChainRules.LAST_ENABLED,
        valid().hcm(h -> h.setHttpFilters(2, h.getHttpFilters(2).toBuilder().setDisabled(true))),
        HCM + "http_filters[2].disabled: Error: the last (terminal) filter (envoy.filters.http.router) in the chain "
            + "cannot be disabled by default." + ENVOY + "source/common/http/filter_chain_helper.h:122-126)",
        valid().hcm(h -> h.setHttpFilters(1, h.getHttpFilters(1).toBuilder().setDisabled(true))));
    // ext_proc
    String extProc = HCM + "http_filters[0].typed_config<ExternalProcessor>: ";
    String extProcCc = ENVOY + "source/extensions/filters/http/ext_proc/config.cc:";
    add("ext_proc without a service", ExtProcRules.ONE_SERVICE,
        valid().extProc(ExternalProcessor.Builder::clearGrpcService),
        extProc + "One and only one of grpc_service or http_service must be configured" + extProcCc + "58-61)",
        valid());
    add("disable_clear_route_cache with a route_cache_action", ExtProcRules.ROUTE_CACHE,
        valid().extProc(p -> p.setDisableClearRouteCache(true)
            .setRouteCacheAction(ExternalProcessor.RouteCacheAction.CLEAR)),
        extProc + "disable_clear_route_cache and route_cache_action can not be set to none-default at the same time."
            + extProcCc + "63-68)",
        valid().extProc(p -> p.setRouteCacheAction(ExternalProcessor.RouteCacheAction.CLEAR)));
    UnaryOperator<ExternalProcessor.Builder> httpService = p -> p.clearGrpcService()
        .setHttpService(ExtProcHttpService.newBuilder().setHttpService(HttpService.newBuilder()
            .setHttpUri(HttpUri.newBuilder().setUri("http://ext/").setCluster("provider/a"))));
    add("an http_service that would get bodies", ExtProcRules.HTTP_SERVICE_HEADERS_ONLY,
        valid().extProc(p -> httpService.apply(p).setProcessingMode(ProcessingMode.newBuilder()
            .setRequestBodyMode(ProcessingMode.BodySendMode.BUFFERED))),
        extProc + "If the ext_proc filter is configured with http_service instead of gRPC service, then the "
            + "processing modes of this filter can not be configured to send body or trailer." + extProcCc + "18-33)",
        valid().extProc(httpService));
    add("FULL_DUPLEX_STREAMED request bodies without request trailers", ExtProcRules.FULL_DUPLEX_REQUEST,
        valid().extProc(p -> p.setProcessingMode(ProcessingMode.newBuilder()
            .setRequestBodyMode(ProcessingMode.BodySendMode.FULL_DUPLEX_STREAMED))),
        extProc + "If the ext_proc filter has the request_body_mode set to FULL_DUPLEX_STREAMED, then the "
            + "request_trailer_mode has to be set to SEND" + extProcCc + "35-42)",
        valid().extProc(p -> p.setProcessingMode(ProcessingMode.newBuilder()
            .setRequestBodyMode(ProcessingMode.BodySendMode.FULL_DUPLEX_STREAMED)
            .setRequestTrailerMode(ProcessingMode.HeaderSendMode.SEND))));
    add("FULL_DUPLEX_STREAMED response bodies without response trailers", ExtProcRules.FULL_DUPLEX_RESPONSE,
        valid().extProc(p -> p.setProcessingMode(ProcessingMode.newBuilder()
            .setResponseBodyMode(ProcessingMode.BodySendMode.FULL_DUPLEX_STREAMED))),
        extProc + "If the ext_proc filter has the response_body_mode set to FULL_DUPLEX_STREAMED, then the "
            + "response_trailer_mode has to be set to SEND" + extProcCc + "44-51)",
        valid().extProc(p -> p.setProcessingMode(ProcessingMode.newBuilder()
            .setResponseBodyMode(ProcessingMode.BodySendMode.FULL_DUPLEX_STREAMED)
            .setResponseTrailerMode(ProcessingMode.HeaderSendMode.SEND))));
    add("a request attribute Envoy does not have", ExtProcRules.ATTRIBUTES_KNOWN,
        valid().extProc(p -> p.addRequestAttributes("xds.route_metadata").addRequestAttributes("request.model")),
        HCM + "http_filters[0].typed_config<ExternalProcessor>.request_attributes[1]: 'request.model' names no "
            + "attribute of Envoy's CEL context ('request' has no 'model')" + IGNORED
            + "source/extensions/filters/http/ext_proc/matching_utils.cc:53-64)",
        valid().extProc(p -> p.addRequestAttributes("xds.upstream_host_metadata")
            .addRequestAttributes("xds.route_metadata").addRequestAttributes("request.headers['x-llm-model']")));
    add("a per-route gRPC metadata value with a lone %", ExtProcRules.METADATA_PARSES,
        valid().route(r -> r.putTypedPerFilterConfig("envoy.filters.http.ext_proc", Any.pack(ExtProcPerRoute
            .newBuilder().setOverrides(io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExtProcOverrides
                .newBuilder().addGrpcInitialMetadata(HeaderValue.newBuilder().setKey("x-llm-context-policy")
                    .setValue("100%-recall"))).build()))),
        ROUTE + "typed_per_filter_config[envoy.filters.http.ext_proc]<ExtProcPerRoute>.overrides."
            + "grpc_initial_metadata[0].value: Incorrect configuration: 100%-recall. Couldn't find valid command at "
            + "position 3 (llm-xds rule: Envoy v1.34.0 builds this only when a request opens the ext_proc stream, "
            + "and throws there, on a worker thread, "
            + "source/extensions/filters/common/ext_proc/grpc_client_impl.h:227-229)",
        valid().route(r -> r.putTypedPerFilterConfig("envoy.filters.http.ext_proc", Any.pack(ExtProcPerRoute
            .newBuilder().setOverrides(io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExtProcOverrides
                .newBuilder().addGrpcInitialMetadata(HeaderValue.newBuilder().setKey("x-llm-context-policy")
                    .setValue("100%%-recall"))).build()))));
    add("ext_proc gRPC metadata for host", ExtProcRules.METADATA_PARSES,
        valid().extProc(p -> p.setGrpcService(p.getGrpcService().toBuilder().addInitialMetadata(HeaderValue
            .newBuilder().setKey("host").setValue("ext-proc")))),
        HCM + "http_filters[0].typed_config<ExternalProcessor>.grpc_service.initial_metadata[0].key: :-prefixed or "
            + "host headers may not be modified (llm-xds rule: Envoy v1.34.0 builds this only when a request opens "
            + "the ext_proc stream, and throws there, on a worker thread, "
            + "source/extensions/filters/common/ext_proc/grpc_client_impl.h:227-229)",
        valid().extProc(p -> p.setGrpcService(p.getGrpcService().toBuilder().addInitialMetadata(HeaderValue
            .newBuilder().setKey("x-llm-phase").setValue("upstream")))));
    // credential injector
    add("a credential of a type no injector has", CredentialRules.TYPE_REGISTERED,
        valid().upstream(o -> o.setHttpFilters(0, filter("envoy.filters.http.credential_injector",
            Snapshot.credentialInjector().toBuilder().setCredential(TypedExtensionConfig.newBuilder()
                .setName("envoy.http.injected_credentials.generic")
                .setTypedConfig(Any.pack(ClusterConfig.newBuilder().addClusters("x").build()))).build()))),
        UPSTREAM + "http_filters[0].typed_config<CredentialInjector>.credential.typed_config: Didn't find a "
            + "registered implementation for 'envoy.http.injected_credentials.generic' with type URL: "
            + "'envoy.extensions.clusters.aggregate.v3.ClusterConfig'" + ENVOY
            + "source/extensions/filters/http/credential_injector/config.cc:22-29)",
        valid());
    add("a credential without sds_config", CredentialRules.FROM_SDS,
        valid().upstream(o -> o.setHttpFilters(0, filter("envoy.filters.http.credential_injector",
            Snapshot.credentialInjector().toBuilder().setCredential(TypedExtensionConfig.newBuilder()
                .setName("envoy.http.injected_credentials.generic").setTypedConfig(Any.pack(Generic.newBuilder()
                    .setCredential(SdsSecretConfig.newBuilder().setName("static-secret")).build()))).build()))),
        UPSTREAM + "http_filters[0].typed_config<CredentialInjector>.credential.typed_config<Generic>.credential."
            + "sds_config: the credential 'static-secret' has no sds_config, so it must be a static secret of "
            + "Envoy's bootstrap, which llm-xds cannot see (llm-xds rule: Envoy v1.34.0 dereferences a null secret "
            + "provider when the bootstrap has no such secret, source/common/secret/secret_provider_impl.cc:49-54)",
        valid());
    // local rate limit
    String limiter = "source/extensions/filters/common/local_ratelimit/local_ratelimit_impl.cc:";
    add("a per-route local rate limit without a token bucket", LocalRateLimitRules.PER_ROUTE_BUCKET,
        valid().rateLimit(LocalRateLimit.Builder::clearTokenBucket),
        RATE_LIMIT + ": local rate limit token bucket must be set for per filter configs" + ENVOY
            + "source/extensions/filters/http/local_ratelimit/local_ratelimit.cc:73-75)",
        valid().hcm(h -> h.setHttpFilters(1, filter("envoy.filters.http.local_ratelimit",
            LocalRateLimit.newBuilder().setStatPrefix("no_bucket_at_the_listener").build()))));
    add("a default bucket filled every 40ms", LocalRateLimitRules.DEFAULT_FILL_INTERVAL,
        valid().rateLimit(l -> l.setTokenBucket(Snapshot.bucket(100, 40))),
        RATE_LIMIT + ".token_bucket.fill_interval: local rate limit token bucket fill timer must be >= 50ms" + ENVOY
            + limiter + "104-107)",
        valid().rateLimit(l -> l.setTokenBucket(Snapshot.bucket(100, 50))));
    add("a descriptor bucket filled every 10ms", LocalRateLimitRules.DESCRIPTOR_FILL_INTERVAL,
        valid().rateLimit(l -> l.setDescriptors(0, l.getDescriptors(0).toBuilder()
            .setTokenBucket(Snapshot.bucket(10, 10)))),
        RATE_LIMIT + ".descriptors[0].token_bucket.fill_interval: local rate limit descriptor token bucket fill timer "
            + "must be >= 50ms" + ENVOY + limiter + "131-133)",
        valid());
    add("the same descriptor twice", LocalRateLimitRules.DUPLICATE_DESCRIPTOR,
        valid().rateLimit(l -> l.addDescriptors(l.getDescriptors(0))),
        RATE_LIMIT + ".descriptors[1]: duplicate descriptor in the local rate descriptor: key=" + ENVOY + limiter
            + "146-151)",
        valid().rateLimit(l -> l.addDescriptors(l.getDescriptors(0).toBuilder().setEntries(0,
            l.getDescriptors(0).getEntries(0).toBuilder().setValue("vip")))));
    String ratelimitConfig = "source/extensions/filters/common/ratelimit_config/ratelimit_config.cc:";
    add("hits_addend with text around its substitution", RateLimitConfigRules.HITS_ADDEND,
        valid().rateLimit(l -> l.addRateLimits(RateLimit.newBuilder().setApplyOnStreamDone(true)
            .setHitsAddend(RateLimit.HitsAddend.newBuilder().setFormat("1%DYNAMIC_METADATA(io.llmxds.usage:total)%")))),
        RATE_LIMIT + ".rate_limits[0]: hits_addend format must contain exactly one substitution" + ENVOY
            + ratelimitConfig + "19-43)",
        valid().rateLimit(l -> l.addRateLimits(RateLimit.newBuilder().setApplyOnStreamDone(true)
            .setHitsAddend(RateLimit.HitsAddend.newBuilder().setFormat("%DYNAMIC_METADATA(io.llmxds.usage:total)%")))));
    add("hits_addend with a format and a number", RateLimitConfigRules.HITS_ADDEND,
        valid().rateLimit(l -> l.addRateLimits(RateLimit.newBuilder().setHitsAddend(RateLimit.HitsAddend.newBuilder()
            .setFormat("%DYNAMIC_METADATA(io.llmxds.usage:total)%").setNumber(UInt64Value.of(1))))),
        RATE_LIMIT + ".rate_limits[0]: hits_addend must contain either a format or a number" + ENVOY
            + ratelimitConfig + "19-43)",
        valid().rateLimit(l -> l.addRateLimits(RateLimit.newBuilder().setHitsAddend(RateLimit.HitsAddend.newBuilder()
            .setNumber(UInt64Value.of(1))))));
    add("a rate limit entry with a stage", RateLimitConfigRules.STAGE_AND_DISABLE_KEY,
        valid().rateLimit(l -> l.addRateLimits(RateLimit.newBuilder().setStage(UInt32Value.of(1)))),
        RATE_LIMIT + ".rate_limits[0]: 'stage' field and 'disable_key' field are not supported" + ENVOY
            + ratelimitConfig + "46-50)",
        valid().rateLimit(l -> l.addRateLimits(RateLimit.getDefaultInstance())));
    add("a rate limit entry with a limit", RateLimitConfigRules.LIMIT,
        valid().rateLimit(l -> l.addRateLimits(RateLimit.newBuilder().setLimit(RateLimit.Override.newBuilder()
            .setDynamicMetadata(RateLimit.Override.DynamicMetadata.newBuilder().setMetadataKey(MetadataKey.newBuilder()
                .setKey("io.llmxds").addPath(MetadataKey.PathSegment.newBuilder().setKey("limit"))))))),
        RATE_LIMIT + ".rate_limits[0]: 'limit' field is not supported" + ENVOY + ratelimitConfig + "52-57)",
        valid());
    // the HttpConnectionManager
    add("a listener on a host name", ListenerRules.ADDRESS_IS_IP,
        valid().listener(Snapshot.valid().resources().listeners().get(0).toBuilder()
            .setAddress(io.envoyproxy.envoy.config.core.v3.Address.newBuilder().setSocketAddress(
                io.envoyproxy.envoy.config.core.v3.SocketAddress.newBuilder().setAddress("localhost")
                    .setPortValue(10000))).build()),
        "Listener edge: address.socket_address.address: malformed IP address: localhost" + ENVOY
            + "source/common/listener_manager/listener_impl.cc:352-353)",
        valid().listener(Snapshot.valid().resources().listeners().get(0).toBuilder()
            .setAddress(io.envoyproxy.envoy.config.core.v3.Address.newBuilder().setSocketAddress(
                io.envoyproxy.envoy.config.core.v3.SocketAddress.newBuilder().setAddress("::")
                    .setPortValue(10000))).build()));
    // ext_authz
    RateLimit.Action dynamicMetadata = RateLimit.Action.newBuilder().setDynamicMetadata(
        RateLimit.Action.DynamicMetaData.newBuilder().setDescriptorKey("llm_xds.model").setMetadataKey(
            MetadataKey.newBuilder().setKey("io.llmxds.usage").addPath(MetadataKey.PathSegment.newBuilder()
                .setKey("model")))).build();
    add("a dynamic_metadata action in a per-route rate_limits", RateLimitConfigRules.ACTION_SUPPORTED,
        valid().rateLimit(l -> l.addRateLimits(RateLimit.newBuilder().addActions(dynamicMetadata))),
        RATE_LIMIT + ".rate_limits[0].actions[0]: Unsupported rate limit action: 7" + ENVOY + ratelimitConfig
            + "59-130)",
        valid().rateLimit(l -> l.addRateLimits(RateLimit.newBuilder().addActions(RateLimit.Action.newBuilder()
            .setMetadata(RateLimit.Action.MetaData.newBuilder().setDescriptorKey("llm_xds.model")
                .setMetadataKey(dynamicMetadata.getDynamicMetadata().getMetadataKey())
                .setSource(RateLimit.Action.MetaData.Source.DYNAMIC))))));
    add("the ratelimit filter on the v2 transport", GlobalRateLimitRules.TRANSPORT_VERSION,
        valid().hcm(h -> h.addHttpFilters(0, filter("llm-xds.ratelimit.fail-open", globalRateLimit(ApiVersion.V2)))),
        HCM + "http_filters[0].typed_config<RateLimit>.rate_limit_service.transport_api_version: V2 xDS transport "
            + "protocol version is deprecated: use V3" + ENVOY + "source/extensions/filters/http/ratelimit/config.cc:34)",
        valid().hcm(h -> h.addHttpFilters(0, filter("llm-xds.ratelimit.fail-open", globalRateLimit(ApiVersion.V3)))));
    RateLimit.Action genericKey = RateLimit.Action.newBuilder().setGenericKey(RateLimit.Action.GenericKey.newBuilder()
        .setDescriptorKey("llm_xds.limit").setDescriptorValue("chat")).build();
    add("a token charge in a route's own rate_limits", GlobalRateLimitRules.ROUTE_HITS_ADDEND,
        valid().route(r -> {
          r.getRouteBuilder().addRateLimits(RateLimit.newBuilder().addActions(genericKey).setApplyOnStreamDone(true)
              .setHitsAddend(RateLimit.HitsAddend.newBuilder()
                  .setFormat("%DYNAMIC_METADATA(io.llmxds.usage:prompt_tokens)%")));
          return r;
        }),
        ROUTE + "route.rate_limits[0].hits_addend: a route's own rate_limits ignore hits_addend; put the entry in the "
            + "ratelimit filter's RateLimitPerRoute" + IGNORED + "source/common/router/router_ratelimit.cc:292-398)",
        valid().route(r -> {
          r.getRouteBuilder().addRateLimits(RateLimit.newBuilder().addActions(genericKey));
          return r;
        }));
    String authz = HCM + "http_filters[0].typed_config<ExtAuthz>.";
    String authzCc = ENVOY + "source/extensions/filters/http/ext_authz/";
    add("ext_authz on the v2 transport", ExtAuthzRules.TRANSPORT_VERSION,
        valid().hcm(h -> h.addHttpFilters(0, filter("envoy.filters.http.ext_authz",
            extAuthz().setTransportApiVersion(ApiVersion.V2).build()))),
        authz + "transport_api_version: V2 xDS transport protocol version is deprecated in ext_authz: use V3"
            + authzCc + "config.cc:44-48)",
        valid().hcm(h -> h.addHttpFilters(0, filter("envoy.filters.http.ext_authz", extAuthz().build()))));
    add("ext_authz allowed_headers twice", ExtAuthzRules.ALLOWED_HEADERS_ONCE,
        valid().hcm(h -> h.addHttpFilters(0, filter("envoy.filters.http.ext_authz", extAuthz()
            .setHttpService(io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.HttpService.newBuilder()
                .setAuthorizationRequest(io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3
                    .AuthorizationRequest.newBuilder().setAllowedHeaders(keyHeaders())))
            .build()))),
        authz + "allowed_headers: Invalid duplicate configuration for allowed_headers." + authzCc
            + "ext_authz.cc:137-140)",
        valid().hcm(h -> h.addHttpFilters(0, filter("envoy.filters.http.ext_authz", extAuthz().build()))));
    add("ext_authz status_on_error that is no HTTP status", ExtAuthzRules.STATUS_ON_ERROR,
        valid().hcm(h -> h.addHttpFilters(0, filter("envoy.filters.http.ext_authz", extAuthz()
            .setStatusOnError(HttpStatus.newBuilder().setCodeValue(600)).build()))),
        authz + "status_on_error.code: status 600 is not an HTTP status Envoy knows (100-511) (llm-xds rule: "
            + "Envoy v1.34.0 answers 403 Forbidden instead, source/extensions/filters/http/ext_authz/ext_authz.h:"
            + "210-216)",
        valid().hcm(h -> h.addHttpFilters(0, filter("envoy.filters.http.ext_authz", extAuthz().build()))));
    // early header mutation
    add("an early header mutation of an unknown type", EarlyHeaderMutationRules.FACTORY,
        valid().hcm(h -> h.addEarlyHeaderMutationExtensions(earlyMutation(Struct.getDefaultInstance()))),
        HCM + "early_header_mutation_extensions[0].typed_config: Early header mutation extension not found: "
            + "'envoy.http.early_header_mutation.header_mutation'" + ENVOY
            + "source/extensions/filters/network/http_connection_manager/config.cc:529-536)",
        valid().hcm(h -> h.addEarlyHeaderMutationExtensions(earlyRemoval())));
    add("an early header append with a lone %", FormatStrings.PARSE,
        valid().hcm(h -> h.addEarlyHeaderMutationExtensions(earlyMutation(earlyMutations(
            io.envoyproxy.envoy.config.common.mutation_rules.v3.HeaderMutation.newBuilder()
                .setAppend(header("x-llm-note", "50%")).build())))),
        HCM + "early_header_mutation_extensions[0].typed_config<HeaderMutation>.mutations[0].append.header.value: "
            + "Incorrect configuration: 50%. Couldn't find valid command at position 2" + ENVOY
            + "source/common/formatter/substitution_formatter.cc:309-311)",
        valid().hcm(h -> h.addEarlyHeaderMutationExtensions(earlyRemoval())));
    add("use_remote_address with an IP detection extension", HcmRules.REMOTE_ADDRESS_WITHOUT_IP_DETECTION,
        valid().hcm(h -> h.addOriginalIpDetectionExtensions(TypedExtensionConfig.newBuilder()
            .setName("envoy.http.original_ip_detection.xff").setTypedConfig(Any.pack(Struct.getDefaultInstance())))),
        HCM + "original_ip_detection_extensions: Original IP detection extensions and use_remote_address may not be "
            + "mixed" + ENVOY + "source/extensions/filters/network/http_connection_manager/config.cc:494-498)",
        valid());
    add("two custom tags with one name", HcmRules.CUSTOM_TAGS_UNIQUE,
        valid().hcm(h -> h.setTracing(HttpConnectionManager.Tracing.newBuilder()
            .addCustomTags(routeTag("llm_xds.config_version", "config_version"))
            .addCustomTags(routeTag("llm_xds.config_version", "model_route")))),
        HCM + "tracing.custom_tags[1]: a second custom tag named 'llm_xds.config_version'" + IGNORED
            + "source/common/tracing/tracer_config_impl.h:56-58)",
        valid().hcm(h -> h.setTracing(HttpConnectionManager.Tracing.newBuilder()
            .addCustomTags(routeTag("llm_xds.config_version", "config_version"))
            .addCustomTags(routeTag("llm_xds.model_route", "model_route")))));
    // routes
    String configImpl = "source/common/router/config_impl.cc:";
    add("a second wildcard virtual host", RouteRules.DOMAINS,
        valid().routes(r -> r.addVirtualHosts(VirtualHost.newBuilder().setName("other").addDomains("*"))),
        "RouteConfiguration edge: virtual_hosts[1].domains[0]: Only a single wildcard domain is permitted in route "
            + "edge" + ENVOY + configImpl + "2218-2246)",
        valid().routes(r -> r.addVirtualHosts(VirtualHost.newBuilder().setName("other").addDomains("a.example.com"))));
    add("a domain twice", RouteRules.DOMAINS,
        valid().routes(r -> r.addVirtualHosts(VirtualHost.newBuilder().setName("other").addDomains("a.example.com")
            .addDomains("A.example.com"))),
        "RouteConfiguration edge: virtual_hosts[1].domains[1]: Only unique values for domains are permitted. "
            + "Duplicate entry of domain a.example.com in route edge" + ENVOY + configImpl + "2218-2246)",
        valid());
    add("weights that add up to 0", RouteRules.WEIGHTS_NOT_ZERO,
        valid().action(a -> a.setWeightedClusters(WeightedCluster.newBuilder()
            .addClusters(weight("provider/a", 0)).addClusters(weight("provider/tls", 0)))),
        ROUTE + "route.weighted_clusters: Sum of weights in the weighted_cluster must be greater than 0." + ENVOY
            + configImpl + "709-714)",
        valid().action(a -> a.setWeightedClusters(WeightedCluster.newBuilder()
            .addClusters(weight("provider/a", 0)).addClusters(weight("provider/tls", 1)))));
    add("weights beyond uint32", RouteRules.WEIGHTS_FIT,
        valid().action(a -> a.setWeightedClusters(WeightedCluster.newBuilder()
            .addClusters(weight("provider/a", -1)).addClusters(weight("provider/tls", 1)))),
        ROUTE + "route.weighted_clusters: The sum of weights of all weighted clusters of route chat exceeds "
            + "4294967295" + ENVOY + configImpl + "700-706)",
        valid().action(a -> a.setWeightedClusters(WeightedCluster.newBuilder()
            .addClusters(weight("provider/a", -2)).addClusters(weight("provider/tls", 1)))));
    add("a weighted cluster with a name and a cluster_header", RouteRules.WEIGHTED_CLUSTER_SPECIFIER,
        valid().action(a -> a.setWeightedClusters(a.getWeightedClusters().toBuilder()
            .setClusters(0, a.getWeightedClusters().getClusters(0).toBuilder().setClusterHeader("x-cluster")))),
        ROUTE + "route.weighted_clusters.clusters[0]: Only one of name or cluster_header can be specified" + ENVOY
            + configImpl + "163-172)",
        valid().action(a -> a.setWeightedClusters(a.getWeightedClusters().toBuilder()
            .setClusters(0, a.getWeightedClusters().getClusters(0).toBuilder().clearName()
                .setClusterHeader("x-cluster")))));
    add("prefix_rewrite and regex_rewrite", RouteRules.ONE_PATH_REWRITE,
        valid().action(a -> a.setPrefixRewrite("/openai/").setRegexRewrite(
            io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute.newBuilder()
                .setPattern(RegexMatcher.newBuilder().setRegex("^/v1/")).setSubstitution("/"))),
        ROUTE + "route: Specify only one of prefix_rewrite, regex_rewrite or path_rewrite_policy" + ENVOY
            + configImpl + "793-810)",
        valid().action(a -> a.setPrefixRewrite("/openai/")));
    String body = "x".repeat(5000);
    add("a direct response body over 4096 bytes", RouteRules.DIRECT_RESPONSE_BODY_SIZE,
        valid().route(r -> r.clearRoute().clearTypedPerFilterConfig().setDirectResponse(DirectResponseAction
            .newBuilder().setStatus(404).setBody(DataSource.newBuilder().setInlineString(body)))),
        ROUTE + "direct_response.body: response body size is 5000 bytes; maximum is 4096" + ENVOY
            + "source/common/config/datasource.cc:121-128)",
        valid().route(r -> r.clearRoute().clearTypedPerFilterConfig().setDirectResponse(DirectResponseAction
            .newBuilder().setStatus(404).setBody(DataSource.newBuilder().setInlineString(body))))
            .routes(r -> r.setMaxDirectResponseBodySizeBytes(UInt32Value.of(8192))));
    add("a retry host predicate with only a name", RouteRules.RETRY_EXTENSIONS_REGISTERED,
        valid().action(a -> a.setRetryPolicy(RetryPolicy.newBuilder().setRetryOn("5xx")
            .addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
                .setName("envoy.retry_host_predicates.previous_hosts")))),
        ROUTE + "route.retry_policy.retry_host_predicate[0].typed_config: Didn't find a registered implementation for"
            + " 'envoy.retry_host_predicates.previous_hosts' with type URL: ''" + ENVOY + configImpl + "292-307)",
        valid().action(a -> a.setRetryPolicy(RetryPolicy.newBuilder().setRetryOn("5xx")
            .addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
                .setName("envoy.retry_host_predicates.previous_hosts")
                .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance()))))));
    add("a retry_on condition Envoy does not know", RouteRules.RETRY_ON_KNOWN,
        valid().action(a -> a.setRetryPolicy(RetryPolicy.newBuilder().setRetryOn("5xx,conect-failure"))),
        ROUTE + "route.retry_policy.retry_on: unknown retry_on condition 'conect-failure'" + IGNORED
            + "source/common/router/retry_state_impl.cc:190-244)",
        valid().action(a -> a.setRetryPolicy(RetryPolicy.newBuilder()
            .setRetryOn("5xx, connect-failure,reset,unavailable"))));
    // per-route configs
    String extProcKey = ROUTE + "typed_per_filter_config[envoy.filters.http.ext_proc]: ";
    add("a per-route config for the upstream codec", PerRouteRules.FILTER_REGISTERED,
        valid().route(r -> r.putTypedPerFilterConfig("envoy.filters.http.upstream_codec",
            Any.pack(UpstreamCodec.getDefaultInstance()))),
        ROUTE + "typed_per_filter_config[envoy.filters.http.upstream_codec]: Didn't find a registered implementation "
            + "for 'envoy.filters.http.upstream_codec' with type URL: "
            + "'envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec'" + ENVOY + configImpl + "2480-2493)",
        valid());
    add("an ExternalProcessor as ext_proc's per-route config", PerRouteRules.CONFIG_TYPE,
        valid().route(r -> r.putTypedPerFilterConfig("envoy.filters.http.ext_proc",
            Any.pack(Snapshot.extProcConfig()))),
        extProcKey + "Unable to unpack as envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute" + ENVOY
            + configImpl + "2496-2498)",
        valid().route(r -> r.putTypedPerFilterConfig("envoy.filters.http.ext_proc",
            Any.pack(ExternalProcessor.getDefaultInstance()))));
    add("a per-route config for the router", PerRouteRules.SUPPORTED,
        valid().route(r -> r.putTypedPerFilterConfig("envoy.filters.http.router",
            Any.pack(Router.newBuilder().setSuppressEnvoyHeaders(true).build()))),
        ROUTE + "typed_per_filter_config[envoy.filters.http.router]: The filter envoy.filters.http.router doesn't "
            + "support virtual host or route specific configurations" + ENVOY + configImpl + "2503-2513)",
        valid());
    add("a per-route config under a name no filter has", PerRouteRules.READ,
        valid().route(r -> r.putTypedPerFilterConfig("envoy.filters.http.local_rate_limit",
            Any.pack(Snapshot.rateLimitConfig()))),
        ROUTE + "typed_per_filter_config[envoy.filters.http.local_rate_limit]: no HTTP filter named "
            + "'envoy.filters.http.local_rate_limit' in the HttpConnectionManagers that use this RouteConfiguration "
            + "or in a cluster's upstream filters: no filter reads this config" + IGNORED
            + "source/common/http/filter_manager.cc:276-283)",
        valid());
    add("a local rate limit under ext_proc's name", PerRouteRules.FOR_ITS_FILTER,
        valid().route(r -> r.putTypedPerFilterConfig("envoy.filters.http.ext_proc",
            Any.pack(Snapshot.rateLimitConfig()))),
        extProcKey + "'envoy.filters.http.ext_proc' is a envoy.filters.http.ext_proc filter, which reads only "
            + "envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute per-route configs, not "
            + "envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit" + IGNORED
            + "source/common/http/utility.h:590-623)",
        valid());
    // header lists and format strings
    add("a route adding :path", HeaderRules.ADDED_MODIFIABLE,
        valid().route(r -> r.addRequestHeadersToAdd(header(":path", "/v1/chat"))),
        ROUTE + "request_headers_to_add[0].header.key: :-prefixed or host headers may not be modified" + ENVOY
            + "source/common/router/header_parser.cc:37-39)",
        valid().route(r -> r.addRequestHeadersToAdd(header("x-path", "/v1/chat"))));
    add("a weighted cluster removing host", HeaderRules.REMOVED_MODIFIABLE,
        valid().action(a -> a.setWeightedClusters(a.getWeightedClusters().toBuilder()
            .setClusters(1, a.getWeightedClusters().getClusters(1).toBuilder().addRequestHeadersToRemove("Host")))),
        ROUTE + "route.weighted_clusters.clusters[1].request_headers_to_remove[0]: :-prefixed or host headers may not "
            + "be removed" + ENVOY + "source/common/router/header_parser.cc:126-132)",
        valid().action(a -> a.setWeightedClusters(a.getWeightedClusters().toBuilder()
            .setClusters(1, a.getWeightedClusters().getClusters(1).toBuilder().addRequestHeadersToRemove("x-host")))));
    add("append and append_action", HeaderRules.APPEND_AND_ACTION,
        valid().routes(r -> r.addResponseHeadersToAdd(header("x-llm-config-version", "v1").toBuilder()
            .setAppend(com.google.protobuf.BoolValue.of(true)))),
        "RouteConfiguration edge: response_headers_to_add[0]: Both append and append_action are set and it's not "
            + "allowed" + ENVOY + "source/common/router/header_parser.cc:58-64)",
        valid().routes(r -> r.addResponseHeadersToAdd(header("x-llm-config-version", "v1"))));
    add("a header value with a lone %", FormatStrings.PARSE,
        valid().action(a -> a.setWeightedClusters(a.getWeightedClusters().toBuilder()
            .setClusters(0, a.getWeightedClusters().getClusters(0).toBuilder()
                .addRequestHeadersToAdd(header("x-llm-upstream-model", "gpt-4o-50%"))))),
        ROUTE + "route.weighted_clusters.clusters[0].request_headers_to_add[0].header.value: Incorrect configuration:"
            + " gpt-4o-50%. Couldn't find valid command at position 9" + ENVOY
            + "source/common/formatter/substitution_formatter.cc:309-311)",
        valid().action(a -> a.setWeightedClusters(a.getWeightedClusters().toBuilder()
            .setClusters(0, a.getWeightedClusters().getClusters(0).toBuilder()
                .addRequestHeadersToAdd(header("x-llm-upstream-model", "gpt-4o-50%%"))))));
    add("a local reply body with an unknown command", FormatStrings.PARSE,
        valid().hcm(h -> h.setLocalReplyConfig(LocalReplyConfig.newBuilder().setBodyFormat(
            SubstitutionFormatString.newBuilder().setTextFormat("%BODY%")))),
        HCM + "local_reply_config.body_format.text_format: Not supported field in StreamInfo: BODY" + ENVOY
            + "source/common/formatter/substitution_formatter.cc:339-341)",
        valid().hcm(h -> h.setLocalReplyConfig(LocalReplyConfig.newBuilder().setBodyFormat(
            SubstitutionFormatString.newBuilder().setTextFormat("%LOCAL_REPLY_BODY%")))));
    add("a 413 mapper's JSON body with a command that takes no arguments", FormatStrings.PARSE,
        valid().hcm(h -> h.setLocalReplyConfig(LocalReplyConfig.newBuilder().addMappers(mapper413(
            "%LOCAL_REPLY_BODY(json)%")))),
        HCM + "local_reply_config.mappers[0].body_format_override.json_format.fields[error].struct_value.fields"
            + "[message]: LOCAL_REPLY_BODY does not take any parameters or length" + ENVOY
            + "source/common/formatter/substitution_format_utility.cc:21-33)",
        valid().hcm(h -> h.setLocalReplyConfig(LocalReplyConfig.newBuilder().addMappers(mapper413(
            "%LOCAL_REPLY_BODY%")))));
    add("a header matcher regex RE2 cannot compile", RegexRules.COMPILES,
        valid().route(r -> r.setMatch(r.getMatch().toBuilder().addHeaders(modelHeader("^(?:a|b$")))),
        ROUTE + "match.headers[0].string_match.safe_regex: RE2 cannot compile the regex: "
            + RegexRules.compileError("^(?:a|b$") + ENVOY + "source/common/common/regex.cc:44-51)",
        valid().route(r -> r.setMatch(r.getMatch().toBuilder().addHeaders(modelHeader("^(?:a|b)$")))));
    String twelve = "claude-3-5-haiku|claude-3-5-sonnet|gemini-1\\.5-flash|gemini-1\\.5-pro|gpt-4\\.1|"
        + "gpt-4\\.1-mini|gpt-4o|gpt-4o-mini|llama-3\\.1-70b|mistral-large|o3|o3-mini";
    // Sorted, so that RE2 factors the shared prefixes; mistral-small at the end instead would make 109.
    String thirteen = twelve.replace("mistral-large|", "mistral-large|mistral-small|");
    add("a route matching 13 model names in one regex (RE2 program size 101)", RegexRules.PROGRAM_SIZE,
        valid().route(r -> r.setMatch(r.getMatch().toBuilder().addHeaders(modelHeader("^(?:" + thirteen + ")$")))),
        ROUTE + "match.headers[0].string_match.safe_regex: regex '^(?:" + thirteen + ")$' RE2 program size of 101 > "
            + "max program size of 100 set for the error level threshold. Increase configured max program size if "
            + "necessary." + ENVOY + "source/common/common/regex.cc:53-63)",
        valid().route(r -> r.setMatch(r.getMatch().toBuilder().addHeaders(modelHeader("^(?:" + twelve + ")$")))));
    add("a regex over its own google_re2.max_program_size", RegexRules.PROGRAM_SIZE,
        valid().route(r -> r.setMatch(r.getMatch().toBuilder().addHeaders(modelHeader("^(?:" + twelve + ")$")
            .toBuilder().setStringMatch(StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder()
                .setRegex("^(?:" + twelve + ")$").setGoogleRe2(RegexMatcher.GoogleRE2.newBuilder()
                    .setMaxProgramSize(UInt32Value.of(50)))))))),
        ROUTE + "match.headers[0].string_match.safe_regex: regex '^(?:" + twelve + ")$' RE2 program size of 96 > "
            + "max program size of 50. Increase configured max program size if necessary." + ENVOY
            + "source/common/common/regex.cc:83-91)",
        valid().route(r -> r.setMatch(r.getMatch().toBuilder().addHeaders(modelHeader("^(?:" + twelve + ")$")
            .toBuilder().setStringMatch(StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder()
                .setRegex("^(?:" + thirteen + ")$").setGoogleRe2(RegexMatcher.GoogleRE2.newBuilder()
                    .setMaxProgramSize(UInt32Value.of(200)))))))));
    // EDS
    add("an EDS endpoint with a host name", ClusterRules.EDS_ADDRESS_IS_IP,
        valid().endpoints(ClusterLoadAssignment.newBuilder().setClusterName("provider/a")
            .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(Snapshot.endpoint("api.example.com")))
            .build()),
        "ClusterLoadAssignment provider/a: endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address: "
            + "malformed IP address: api.example.com. Consider setting resolver_name or setting cluster type to "
            + "'STRICT_DNS' or 'LOGICAL_DNS'" + ENVOY + "source/common/upstream/upstream_impl.cc:1920-1937)",
        valid().endpoints(ClusterLoadAssignment.newBuilder().setClusterName("provider/a")
            .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(Snapshot.endpoint("2001:db8::1"))
                .addLbEndpoints(Snapshot.endpoint("10.0.0.2")))
            .build()));
    return CASES.stream();
  }

  private static Snapshot valid() {
    return Snapshot.valid();
  }

  private static void add(String name, LoadTimeRule rule, Snapshot broken, String expected, Snapshot fixed) {
    CASES.add(Arguments.of(name, rule, broken.resources(), expected, fixed.resources()));
  }

  private static io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit globalRateLimit(ApiVersion version) {
    return io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit.newBuilder()
        .setDomain("llm-xds")
        .setRateLimitService(io.envoyproxy.envoy.config.ratelimit.v3.RateLimitServiceConfig.newBuilder()
            .setGrpcService(io.envoyproxy.envoy.config.core.v3.GrpcService.newBuilder()
                .setEnvoyGrpc(io.envoyproxy.envoy.config.core.v3.GrpcService.EnvoyGrpc.newBuilder()
                    .setClusterName("provider/a")))
            .setTransportApiVersion(version))
        .build();
  }

  private static ExtAuthz.Builder extAuthz() {
    return ExtAuthz.newBuilder()
        .setGrpcService(io.envoyproxy.envoy.config.core.v3.GrpcService.newBuilder()
            .setEnvoyGrpc(io.envoyproxy.envoy.config.core.v3.GrpcService.EnvoyGrpc.newBuilder()
                .setClusterName("provider/a")))
        .setTransportApiVersion(ApiVersion.V3)
        .setStatusOnError(HttpStatus.newBuilder().setCode(StatusCode.ServiceUnavailable))
        .setAllowedHeaders(keyHeaders());
  }

  private static io.envoyproxy.envoy.type.matcher.v3.ListStringMatcher keyHeaders() {
    return io.envoyproxy.envoy.type.matcher.v3.ListStringMatcher.newBuilder()
        .addPatterns(StringMatcher.newBuilder().setExact("authorization")).build();
  }

  private static TypedExtensionConfig earlyRemoval() {
    return earlyMutation(earlyMutations(io.envoyproxy.envoy.config.common.mutation_rules.v3.HeaderMutation
        .newBuilder().setRemove("x-llm-consumer").build()));
  }

  private static io.envoyproxy.envoy.extensions.http.early_header_mutation.header_mutation.v3.HeaderMutation
      earlyMutations(io.envoyproxy.envoy.config.common.mutation_rules.v3.HeaderMutation mutation) {
    return io.envoyproxy.envoy.extensions.http.early_header_mutation.header_mutation.v3.HeaderMutation.newBuilder()
        .addMutations(mutation).build();
  }

  /** An early header mutation extension with the name Envoy's factory has, and {@code config} of any type. */
  private static TypedExtensionConfig earlyMutation(com.google.protobuf.Message config) {
    return TypedExtensionConfig.newBuilder()
        .setName("envoy.http.early_header_mutation.header_mutation")
        .setTypedConfig(Any.pack(config))
        .build();
  }

  private static HeaderValueOption header(String key, String value) {
    return HeaderValueOption.newBuilder().setHeader(HeaderValue.newBuilder().setKey(key).setValue(value))
        .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD).build();
  }

  private static WeightedCluster.ClusterWeight weight(String cluster, int weight) {
    return WeightedCluster.ClusterWeight.newBuilder().setName(cluster).setWeight(UInt32Value.of(weight)).build();
  }

  private static HeaderMatcher modelHeader(String regex) {
    return HeaderMatcher.newBuilder().setName("x-llm-model").setStringMatch(StringMatcher.newBuilder()
        .setSafeRegex(RegexMatcher.newBuilder().setRegex(regex))).build();
  }

  private static CustomTag routeTag(String tag, String key) {
    return CustomTag.newBuilder().setTag(tag).setMetadata(CustomTag.Metadata.newBuilder()
        .setKind(MetadataKind.newBuilder().setRoute(MetadataKind.Route.getDefaultInstance()))
        .setMetadataKey(MetadataKey.newBuilder().setKey("io.llmxds")
            .addPath(MetadataKey.PathSegment.newBuilder().setKey(key)))).build();
  }

  /** What the lead plans: a 413 becomes an OpenAI-style JSON error ({@code runtime_key} is required by PGV). */
  private static ResponseMapper mapper413(String message) {
    Struct error = Struct.newBuilder()
        .putFields("message", Value.newBuilder().setStringValue(message).build())
        .putFields("type", Value.newBuilder().setStringValue("invalid_request_error").build())
        .build();
    return ResponseMapper.newBuilder()
        .setFilter(AccessLogFilter.newBuilder().setStatusCodeFilter(StatusCodeFilter.newBuilder()
            .setComparison(ComparisonFilter.newBuilder().setOp(ComparisonFilter.Op.EQ).setValue(RuntimeUInt32
                .newBuilder().setDefaultValue(413).setRuntimeKey("llm_xds.local_reply.413")))))
        .setStatusCode(UInt32Value.of(413))
        .setBodyFormatOverride(SubstitutionFormatString.newBuilder().setJsonFormat(Struct.newBuilder()
            .putFields("error", Value.newBuilder().setStructValue(error).build())))
        .build();
  }

  private static String testCa() {
    try (InputStream in = EnvoyLoadChecksTest.class.getResourceAsStream("/verify/load/test-ca.pem")) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
