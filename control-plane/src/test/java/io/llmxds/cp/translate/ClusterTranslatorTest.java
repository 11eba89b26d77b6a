package io.llmxds.cp.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import io.envoyproxy.envoy.extensions.filters.http.credential_injector.v3.CredentialInjector;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.HeaderSendMode;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.http.injected_credentials.generic.v3.Generic;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.Provider;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ClusterTranslatorTest {

  private final List<Cluster> clusters = Translator.translate(Bundles.example()).clusters();

  private Cluster cluster(String name) {
    return clusters.stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  private static HttpProtocolOptions options(Cluster cluster) {
    return Unpack.any(cluster.getTypedExtensionProtocolOptionsOrThrow(Names.UPSTREAM_HTTP_PROTOCOL_OPTIONS),
        HttpProtocolOptions.class);
  }

  @ParameterizedTest
  @EnumSource(Provider.LoadBalancing.class)
  void aProviderClusterHasItsLoadBalancingPolicy(Provider.LoadBalancing loadBalancing) {
    Provider provider = new Provider("p", "10.0.0.1", 8000, false, "", Optional.empty(), "", Duration.ofSeconds(1),
        loadBalancing, Optional.empty(), Provider.Api.OPENAI);
    PolicyBundle bundle = new PolicyBundle(Bundles.gateway(Optional.empty()), List.of(provider), List.of(),
        List.of(), List.of());
    Cluster cluster = Translator.translate(bundle).clusters().stream()
        .filter(c -> c.getName().equals("provider/p")).findFirst().orElseThrow();
    assertThat(cluster.getLbPolicy().name()).isEqualTo(loadBalancing.name());
  }

  @Test
  void namesAreSortedAndComplete() {
    assertThat(clusters).extracting(Cluster::getName).containsExactly(
        "fallback/mock-a/mock-fallback", "fallback/mock-b/mock-fallback", Names.CONTEXT_SERVICE_CLUSTER,
        "provider/mock-a", "provider/mock-b", "provider/mock-fallback", "provider/openai");
  }

  @Test
  void ipProvidersUseEdsAndNamedOnesLogicalDns() {
    Cluster ip = cluster("provider/mock-a");
    assertThat(ip.getType()).isEqualTo(Cluster.DiscoveryType.EDS);
    assertThat(ip.getEdsClusterConfig().getServiceName()).isEqualTo("provider/mock-a");
    assertThat(ip.getEdsClusterConfig().getEdsConfig().hasAds()).isTrue();
    assertThat(ip.hasLoadAssignment()).isFalse();
    assertThat(ip.getConnectTimeout().getSeconds()).isEqualTo(2);

    Cluster dns = cluster("provider/openai");
    assertThat(dns.getType()).isEqualTo(Cluster.DiscoveryType.LOGICAL_DNS);
    assertThat(dns.getDnsLookupFamily()).isEqualTo(Cluster.DnsLookupFamily.V4_PREFERRED);
    assertThat(dns.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getHostname())
        .isEqualTo("api.openai.com");
    assertThat(dns.getConnectTimeout().getSeconds()).isEqualTo(5);
  }

  /** Envoy has no system roots of its own and refuses SAN matching without a trusted CA. */
  @Test
  void httpsProvidersVerifyTheCertificateAgainstTheSystemBundleFileAndTheHost() {
    Cluster openai = cluster("provider/openai");
    assertThat(openai.getTransportSocket().getName()).isEqualTo(Names.TLS_TRANSPORT_SOCKET);
    UpstreamTlsContext tls = Unpack.any(openai.getTransportSocket().getTypedConfig(), UpstreamTlsContext.class);
    assertThat(tls.getSni()).isEqualTo("api.openai.com");
    var validation = tls.getCommonTlsContext().getValidationContext();
    assertThat(validation.hasSystemRootCerts()).isFalse();
    assertThat(validation.getTrustedCa().getFilename()).isEqualTo("/etc/ssl/certs/ca-certificates.crt");
    assertThat(validation.getMatchTypedSubjectAltNames(0).getSanType()).isEqualTo(SubjectAltNameMatcher.SanType.DNS);
    assertThat(validation.getMatchTypedSubjectAltNames(0).getMatcher().getExact()).isEqualTo("api.openai.com");
    assertThat(cluster("provider/mock-a").hasTransportSocket()).isFalse();
  }

  @Test
  void credentialsAreInjectedUpstreamFromSds() {
    HttpProtocolOptions options = options(cluster("provider/openai"));
    assertThat(options.getExplicitHttpConfig().hasHttpProtocolOptions()).isTrue();
    assertThat(options.getHttpFiltersList()).extracting(HttpFilter::getName)
        .containsExactly(Names.UPSTREAM_MODEL_FILTER, Names.CREDENTIAL_INJECTOR_FILTER, Names.UPSTREAM_CODEC_FILTER);
    CredentialInjector injector = Unpack.any(options.getHttpFilters(1).getTypedConfig(), CredentialInjector.class);
    assertThat(injector.getOverwrite()).isTrue();
    assertThat(injector.getCredential().getName()).isEqualTo(Names.GENERIC_CREDENTIAL);
    Generic generic = Unpack.any(injector.getCredential().getTypedConfig(), Generic.class);
    assertThat(generic.getCredential().getName()).isEqualTo("provider/openai/credential");
    assertThat(generic.getCredential().getSdsConfig().hasAds()).isTrue();
    assertThat(generic.getHeader()).isEqualTo("Authorization");
    assertThat(cluster("provider/mock-b").getTypedExtensionProtocolOptionsMap()).as("reached only through chains")
        .isEmpty();
  }

  @Test
  void aProvidersOwnCaIsSentInline() {
    Provider openai = Bundles.openai();
    Provider privateCa = new Provider(openai.name(), openai.host(), openai.port(), true, openai.sni(),
        Optional.of(new io.llmxds.cp.policy.PemCertificates("secrets/ca.pem", "-----BEGIN CERTIFICATE-----\n...", 1)),
        openai.pathPrefix(), openai.connectTimeout(), openai.loadBalancing(), openai.credentials(), Provider.Api.OPENAI);
    PolicyBundle bundle = new PolicyBundle(Bundles.gateway(Optional.empty()), List.of(privateCa),
        List.of(Bundles.gpt4o()), List.of(), List.of());
    Cluster cluster = Translator.translate(bundle).clusters().stream()
        .filter(c -> c.getName().equals("provider/openai")).findFirst().orElseThrow();
    var validation = Unpack.any(cluster.getTransportSocket().getTypedConfig(), UpstreamTlsContext.class)
        .getCommonTlsContext().getValidationContext();
    assertThat(validation.getTrustedCa().getInlineString()).startsWith("-----BEGIN CERTIFICATE-----");
  }

  /**
   * The chat route has fallbacks: the aggregates in front of mock-a and mock-b carry the upstream phase (Envoy runs
   * the picked cluster's upstream filters, never a child's), asking Envoy for the chosen host's provider, API and API
   * root, that provider's model on the route, and the client's path and body length; the provider clusters reached
   * only through chains carry nothing.
   */
  @Test
  void everyClusterARoutePicksRunsTheUpstreamPhase() {
    HttpProtocolOptions options = options(cluster("fallback/mock-a/mock-fallback"));
    assertThat(options.getHttpFiltersList()).extracting(HttpFilter::getName)
        .containsExactly(Names.UPSTREAM_MODEL_FILTER, Names.UPSTREAM_CODEC_FILTER);
    ExternalProcessor rewriter = Unpack.any(options.getHttpFilters(0).getTypedConfig(), ExternalProcessor.class);
    assertThat(rewriter.getGrpcService().getEnvoyGrpc().getClusterName()).isEqualTo(Names.CONTEXT_SERVICE_CLUSTER);
    assertThat(rewriter.getGrpcService().getInitialMetadataList())
        .anySatisfy(h -> assertThat(h.getKey() + "=" + h.getValue()).isEqualTo("x-llm-phase=upstream"));
    assertThat(rewriter.getProcessingMode().getRequestHeaderMode()).as("keeps content-length")
        .isEqualTo(HeaderSendMode.SEND);
    assertThat(rewriter.getProcessingMode().getRequestBodyMode()).isEqualTo(BodySendMode.BUFFERED);
    assertThat(rewriter.getProcessingMode().getResponseHeaderMode()).as("a translated answer")
        .isEqualTo(HeaderSendMode.SEND);
    assertThat(rewriter.getAllowModeOverride()).as("an untranslated try skips the rest").isTrue();
    assertThat(rewriter.getRequestAttributesList()).containsExactly(
        io.llmxds.common.ContextPolicyMetadata.UPSTREAM_PROVIDER_ATTRIBUTE,
        io.llmxds.common.ContextPolicyMetadata.UPSTREAM_MODEL_ATTRIBUTE,
        io.llmxds.common.ContextPolicyMetadata.UPSTREAM_API_ATTRIBUTE,
        io.llmxds.common.ContextPolicyMetadata.UPSTREAM_API_ROOT_ATTRIBUTE,
        io.llmxds.common.ContextPolicyMetadata.CLIENT_PATH_ATTRIBUTE,
        io.llmxds.common.ContextPolicyMetadata.CLIENT_BODY_BYTES_ATTRIBUTE);
    assertThat(cluster("provider/mock-a").getTypedExtensionProtocolOptionsMap()).as("reached only through chains")
        .isEmpty();
    assertThat(options(cluster("fallback/mock-b/mock-fallback")).getHttpFiltersList()).as("nothing renamed, still picked")
        .extracting(HttpFilter::getName).containsExactly(Names.UPSTREAM_MODEL_FILTER, Names.UPSTREAM_CODEC_FILTER);
  }

  @Test
  void everyProviderEndpointIsLabelledWithItsProviderApiAndApiRoot() {
    EnvoyResources resources = Translator.translate(Bundles.example());
    resources.endpoints().stream().filter(a -> a.getClusterName().startsWith("provider/")).forEach(a -> {
      com.google.protobuf.Struct labels = a.getEndpoints(0).getLbEndpoints(0).getMetadata()
          .getFilterMetadataOrThrow("io.llmxds");
      assertThat(labels.getFieldsOrThrow("provider").getStringValue()).isEqualTo(a.getClusterName().substring(9));
      assertThat(labels.getFieldsOrThrow("api").getStringValue()).isEqualTo("openai");
      assertThat(labels.getFieldsOrThrow("api_root").getStringValue()).as("an OpenAI base URL names its /v1")
          .isEqualTo(Bundles.example().provider(a.getClusterName().substring(9)).orElseThrow().pathPrefix());
    });
    Provider claude = new Provider("claude", "api.anthropic.com", 443, true, "api.anthropic.com", Optional.empty(),
        "", Duration.ofSeconds(1), Provider.LoadBalancing.ROUND_ROBIN, Optional.empty(), Provider.Api.ANTHROPIC);
    assertThat(EndpointTranslator.apiRoot(claude)).as("an Anthropic base URL is the API's host").isEqualTo("/v1");
    assertThat(cluster("provider/openai").getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getMetadata()
        .getFilterMetadataOrThrow("io.llmxds").getFieldsOrThrow("provider").getStringValue()).isEqualTo("openai");
  }

  @Test
  void fallbackClustersTryTheBackendThenTheFallbacks() {
    Cluster fallback = cluster("fallback/mock-a/mock-fallback");
    assertThat(fallback.getClusterType().getName()).isEqualTo(Names.AGGREGATE_CLUSTER);
    assertThat(fallback.getLbPolicy()).isEqualTo(Cluster.LbPolicy.CLUSTER_PROVIDED);
    assertThat(Unpack.any(fallback.getClusterType().getTypedConfig(), ClusterConfig.class).getClustersList())
        .containsExactly("provider/mock-a", "provider/mock-fallback");
  }

  @Test
  void aFallbackClusterCarriesTheCredentialChainOfItsBackend() {
    Provider primary = Bundles.openai();
    Provider backup = new Provider("backup", "backup.example.com", 443, true, "backup.example.com", Optional.empty(),
        "/v1", Duration.ofSeconds(5), Provider.LoadBalancing.ROUND_ROBIN, primary.credentials(), Provider.Api.OPENAI);
    ModelRoute route = new ModelRoute("r", List.of("m"), List.of(new ModelRoute.Backend("openai", Optional.empty(), 1)),
        List.of(new ModelRoute.Fallback("backup", Optional.empty())), Bundles.retry(1), Duration.ofSeconds(60),
        Optional.empty());
    PolicyBundle bundle = new PolicyBundle(Bundles.gateway(Optional.empty()), List.of(backup, primary),
        List.of(route), List.of(), List.of());
    EnvoyResources resources = Translator.translate(bundle);
    Cluster fallback = resources.clusters().stream()
        .filter(c -> c.getName().equals("fallback/openai/backup")).findFirst().orElseThrow();
    assertThat(Unpack.any(fallback.getTypedExtensionProtocolOptionsOrThrow(Names.UPSTREAM_HTTP_PROTOCOL_OPTIONS),
        HttpProtocolOptions.class).getHttpFiltersList())
        .extracting(f -> f.getName())
        .containsExactly(Names.UPSTREAM_MODEL_FILTER, Names.CREDENTIAL_INJECTOR_FILTER, Names.UPSTREAM_CODEC_FILTER);
    // Envoy runs the aggregate's upstream filters, never a child's: on the children they would be dead config.
    assertThat(resources.clusters().stream().filter(c -> c.getName().startsWith("provider/")))
        .allSatisfy(c -> assertThat(c.getTypedExtensionProtocolOptionsMap()).as(c.getName()).isEmpty());
    assertThat(resources.secrets()).extracting(s -> s.getName()).containsExactly("provider/openai/credential");
  }

  @Test
  void theContextServiceSpeaksHttp2() {
    Cluster context = cluster(Names.CONTEXT_SERVICE_CLUSTER);
    assertThat(options(context).getExplicitHttpConfig().hasHttp2ProtocolOptions()).isTrue();
    assertThat(context.getType()).isEqualTo(Cluster.DiscoveryType.EDS);
    assertThat(context.getConnectTimeout().getSeconds()).isEqualTo(2);
  }
}
