package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher.SanType;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.llmxds.cp.reload.PolicyCompiler;
import io.llmxds.cp.testing.PolicyDirs;
import io.llmxds.cp.translate.EnvoyResources;
import io.llmxds.cp.translate.Names;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rewritten example policies compile for both runtimes, Envoy would be sent the test's addresses, and the https
 * providers and document edits the tests add come out as intended.
 */
class EdgePoliciesTest {

  private static final Map<String, Integer> MOCK_PORTS = Map.of("mock-a", 41001, "mock-b", 41002,
      "mock-fallback", 41003);
  private static final SocketAddress LISTENER =
      SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(41234).build();

  @TempDir
  Path tmp;

  @Test
  void aLocalEnvoyGetsLoopbackAddressesAndItsOwnListenerPort() throws Exception {
    EnvoyResources resources = compile(new LocalEnvoy(Path.of("envoy")).admin().toBuilder().setPortValue(41234)
        .build(), "127.0.0.1");

    SocketAddress listener = listener(resources);
    assertThat(listener.getAddress()).isEqualTo("127.0.0.1");
    assertThat(listener.getPortValue()).isEqualTo(41234);
    assertThat(endpoints(resources)).contains("127.0.0.1:41001", "127.0.0.1:41002", "127.0.0.1:41003",
        "127.0.0.1:41000");
  }

  @Test
  void aContainerEnvoyReachesTheTestJvmThroughTheTestcontainersHostName() throws Exception {
    ContainerEnvoy container = new ContainerEnvoy();
    EnvoyResources resources = compile(container.listener(), container.hostAddress());

    assertThat(listener(resources).getAddress()).isEqualTo("0.0.0.0");
    assertThat(listener(resources).getPortValue()).isEqualTo(10000);
    String clusters = resources.clusters().toString();
    assertThat(clusters).contains("host.testcontainers.internal").doesNotContain("127.0.0.1");
  }

  /**
   * How each runtime dials the TLS mock (LocalEnvoy's loopback, ContainerEnvoy's host name): an IP host is matched as
   * an IP SAN, a host name as a DNS SAN, and each provider trusts its own CA, inline.
   */
  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "host.testcontainers.internal"})
  void anHttpsProviderTrustsItsOwnCaInlineAndMatchesTheHostAsTheRuntimeDialsIt(String host) throws Exception {
    Path dir = policies(LISTENER, host);
    EdgePolicies.addHttpsRoutes(dir, host, 41443, EdgeStackHttpsTest.ROUTES);
    EnvoyResources resources = PolicyDirs.compiled(dir).resources();

    UpstreamTlsContext tls = PushedTlsClient.of(cluster(resources, "provider/mock-tls"));
    CertificateValidationContext validation = tls.getCommonTlsContext().getValidationContext();
    assertThat(tls.getSni()).as("TLS forbids an IP as SNI").isEqualTo(host.equals("127.0.0.1") ? "" : host);
    assertThat(validation.getTrustedCa().getInlineString()).isEqualTo(Files.readString(TestPki.CA));
    assertThat(validation.getMatchTypedSubjectAltNamesList()).singleElement().satisfies(san -> {
      assertThat(san.getSanType()).isEqualTo(host.equals("127.0.0.1") ? SanType.IP_ADDRESS : SanType.DNS);
      assertThat(san.getMatcher().getExact()).isEqualTo(host);
    });
    assertThat(PushedTlsClient.of(cluster(resources, "provider/mock-tls-wrong-ca")).getCommonTlsContext()
        .getValidationContext().getTrustedCa().getInlineString()).isEqualTo(Files.readString(TestPki.OTHER_CA));
    assertThat(resources.routes().get(0).getVirtualHosts(0).getRoutesList())
        .filteredOn(r -> r.getName().equals("mock-tls")).singleElement()
        .satisfies(r -> assertThat(r.getMatch().getHeaders(0).getStringMatch().getExact()).isEqualTo("tls-model"));
  }

  /** EnvoyFallbackTest's edits: mock-a takes every first try, and each provider of the chain has its own model. */
  @Test
  void theFallbackTestsEditsGiveTheFallbackAModelOfItsOwn() throws Exception {
    Path dir = policies(LISTENER, "127.0.0.1");
    EnvoyFallbackTest.MOCK_A_FIRST.forEach(e -> e.applyTo(dir));
    EnvoyFallbackTest.OWN_FALLBACK_MODEL.applyTo(dir);

    EnvoyResources resources = PolicyDirs.compiled(dir).resources();
    Route chat = resources.routes().get(0).getVirtualHosts(0).getRoutesList().stream()
        .filter(r -> r.getName().equals("chat")).findFirst().orElseThrow();
    assertThat(chat.getRoute().getWeightedClusters().getClustersList())
        .extracting(c -> c.getName() + "=" + c.getWeight().getValue())
        .containsExactly("fallback/mock-a/mock-fallback=100", "fallback/mock-b/mock-fallback=0");
    Struct models = chat.getMetadata().getFilterMetadataOrThrow(Names.ROUTE_METADATA_NAMESPACE)
        .getFieldsOrThrow("upstream_models").getStructValue();
    assertThat(models.getFieldsMap()).containsOnlyKeys("mock-a", "mock-fallback");
    assertThat(models.getFieldsOrThrow("mock-fallback").getStringValue()).isEqualTo("mock-model-fallback");
    HttpProtocolOptions aggregate = cluster(resources, "fallback/mock-a/mock-fallback").getTypedExtensionProtocolOptionsMap()
        .get("envoy.extensions.upstreams.http.v3.HttpProtocolOptions").unpack(HttpProtocolOptions.class);
    assertThat(aggregate.getHttpFiltersList()).as("the aggregate the route picks runs the upstream rewriter (U1)")
        .extracting(f -> f.getName()).contains(Names.UPSTREAM_MODEL_FILTER);
  }

  @Test
  void aDocumentEditChangesOnlyTheNamedProvider() throws Exception {
    Path dir = policies(LISTENER, "127.0.0.1");

    EdgePolicies.editDocument(dir.resolve("providers.yaml"), "mock-b", "connectTimeout: 2s", "connectTimeout: 3s");

    EnvoyResources resources = PolicyDirs.compiled(dir).resources();
    assertThat(cluster(resources, "provider/mock-b").getConnectTimeout().getSeconds()).isEqualTo(3);
    assertThat(cluster(resources, "provider/mock-a").getConnectTimeout().getSeconds()).isEqualTo(2);
    assertThat(cluster(resources, "provider/mock-fallback").getConnectTimeout().getSeconds()).isEqualTo(2);
    assertThatThrownBy(() -> EdgePolicies.editDocument(dir.resolve("providers.yaml"), "mock-z", "a", "b"))
        .hasMessageContaining("0 documents named mock-z");
  }

  private EnvoyResources compile(SocketAddress listener, String host) throws Exception {
    PolicyCompiler.Compiled compiled = PolicyDirs.compiled(policies(listener, host));
    return compiled.resources();
  }

  private Path policies(SocketAddress listener, String host) throws Exception {
    return EdgePolicies.write(Files.createDirectory(tmp.resolve("policies")), listener, host, 41000, MOCK_PORTS);
  }

  private static Cluster cluster(EnvoyResources resources, String name) {
    return resources.clusters().stream().filter(c -> c.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no cluster " + name));
  }

  private static SocketAddress listener(EnvoyResources resources) {
    Listener edge = resources.listeners().get(0);
    return edge.getAddress().getSocketAddress();
  }

  /** Every endpoint of every ClusterLoadAssignment (IP-literal upstreams), as host:port. */
  private static java.util.List<String> endpoints(EnvoyResources resources) {
    return resources.endpoints().stream()
        .flatMap(e -> e.getEndpointsList().stream())
        .flatMap(l -> l.getLbEndpointsList().stream())
        .map(l -> l.getEndpoint().getAddress().getSocketAddress())
        .map(a -> a.getAddress() + ":" + a.getPortValue())
        .toList();
  }
}
