package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.trace.v3.OpenTelemetryConfig;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.grpc.Status;
import io.llmxds.common.tls.ReloadingTls;
import io.llmxds.common.tls.TlsFiles;
import io.llmxds.cp.testing.AdsTestClient;
import io.llmxds.cp.testing.LiveControlPlane;
import io.llmxds.cp.testing.PolicyDirs;
import io.llmxds.cp.verify.EnvoyRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code envoy/bootstrap.yaml} (and its mutual-TLS variant {@code bootstrap-tls.yaml}) parses into Envoy's Bootstrap
 * proto, passes Envoy's validate rules, and says what the README says.
 */
class BootstrapFileTest {

  private final Bootstrap bootstrap = EnvoyBootstrap.load();

  @Test
  void passesEnvoysValidateRules() throws InvalidProtocolBufferException {
    // The checker unpacks only the Any types the translation produces: the tracer's config is checked on its own.
    Bootstrap.Builder withoutTracerConfig = bootstrap.toBuilder();
    withoutTracerConfig.getTracingBuilder().getHttpBuilder().clearTypedConfig();
    assertThat(EnvoyRules.violations(withoutTracerConfig.build())).isEmpty();
    assertThat(EnvoyRules.violations(tracer())).isEmpty();
    for (Cluster cluster : bootstrap.getStaticResources().getClustersList()) {
      assertThat(EnvoyRules.violations(protocolOptions(cluster))).as(cluster.getName()).isEmpty();
    }
  }

  @Test
  void theNodeIsAnEdgeGatewayWithAdminOnLoopback() {
    assertThat(bootstrap.getNode().getId()).isEqualTo("envoy-edge-1");
    assertThat(bootstrap.getNode().getCluster()).isEqualTo("llm-gateway");
    SocketAddress admin = bootstrap.getAdmin().getAddress().getSocketAddress();
    assertThat(admin.getAddress()).isEqualTo("127.0.0.1");
    assertThat(admin.getPortValue()).isEqualTo(9901);
  }

  @Test
  void listenersAndClustersComeOverOneAdsStreamToTheControlPlane() throws InvalidProtocolBufferException {
    ApiConfigSource ads = bootstrap.getDynamicResources().getAdsConfig();
    assertThat(ads.getApiType()).isEqualTo(ApiConfigSource.ApiType.GRPC);
    assertThat(ads.getTransportApiVersion()).isEqualTo(ApiVersion.V3);
    assertThat(ads.getSetNodeOnFirstMessageOnly()).isTrue();
    assertThat(ads.getGrpcServices(0).getEnvoyGrpc().getClusterName()).isEqualTo(EnvoyBootstrap.XDS_CLUSTER);
    assertThat(bootstrap.getDynamicResources().getLdsConfig().hasAds()).isTrue();
    assertThat(bootstrap.getDynamicResources().getCdsConfig().hasAds()).isTrue();

    Cluster xds = cluster(EnvoyBootstrap.XDS_CLUSTER);
    assertThat(endpoint(xds)).isEqualTo("127.0.0.1:18000");
    assertThat(xds.getConnectTimeout().getSeconds()).isPositive();
    HttpProtocolOptions h2 = protocolOptions(xds);
    assertThat(h2.getExplicitHttpConfig().hasHttp2ProtocolOptions()).as("gRPC needs HTTP/2").isTrue();
    assertThat(h2.getExplicitHttpConfig().getHttp2ProtocolOptions().hasConnectionKeepalive()).isTrue();
  }

  @Test
  void requestSpansGoToTheCollectorOverOtlpGrpc() throws InvalidProtocolBufferException {
    assertThat(bootstrap.getTracing().getHttp().getName()).isEqualTo("envoy.tracers.opentelemetry");
    OpenTelemetryConfig tracer = tracer();
    assertThat(tracer.getServiceName()).isEqualTo("llm-xds-envoy");
    assertThat(tracer.getGrpcService().getEnvoyGrpc().getClusterName()).isEqualTo(EnvoyBootstrap.COLLECTOR_CLUSTER);

    Cluster collector = cluster(EnvoyBootstrap.COLLECTOR_CLUSTER);
    assertThat(endpoint(collector)).isEqualTo("127.0.0.1:4317");
    assertThat(protocolOptions(collector).getExplicitHttpConfig().hasHttp2ProtocolOptions()).isTrue();
  }

  @Test
  void aTestCopyMovesOnlyTheAddresses() {
    SocketAddress admin = SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(0).build();
    Bootstrap copy = EnvoyBootstrap.forTest("envoy-e2e", admin, "10.1.2.3", 41000, 42000);

    assertThat(copy.getNode().getId()).isEqualTo("envoy-e2e");
    assertThat(copy.getAdmin().getAddress().getSocketAddress()).isEqualTo(admin);
    assertThat(endpoint(find(copy, EnvoyBootstrap.XDS_CLUSTER))).isEqualTo("10.1.2.3:41000");
    assertThat(endpoint(find(copy, EnvoyBootstrap.COLLECTOR_CLUSTER))).isEqualTo("10.1.2.3:42000");
    assertThat(copy.toBuilder().clearNode().clearAdmin().clearStaticResources().build())
        .isEqualTo(bootstrap.toBuilder().clearNode().clearAdmin().clearStaticResources().build());
  }

  @Test
  void aMisspelledFieldFailsTheParse() throws Exception {
    String typo = Files.readString(EnvoyBootstrap.FILE).replace("set_node_on_first_message_only", "set_node_on_first_msg");
    assertThatThrownBy(() -> EnvoyBootstrap.parse(typo))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("set_node_on_first_msg");
  }

  @Test
  void theTestCopyIsJsonEnvoyCanRead() throws Exception {
    String json = EnvoyBootstrap.json(bootstrap);
    assertThat(EnvoyBootstrap.parse(json)).as("JSON is YAML").isEqualTo(bootstrap);
  }

  @Test
  void theTlsVariantIsThisFileWithAClientCertificateOnTheXdsCluster() throws InvalidProtocolBufferException {
    Bootstrap tls = EnvoyBootstrap.load(EnvoyBootstrap.TLS_FILE);
    Bootstrap.Builder withoutTls = tls.toBuilder();
    withoutTls.getStaticResourcesBuilder().getClustersBuilderList().stream()
        .filter(c -> c.getName().equals(EnvoyBootstrap.XDS_CLUSTER))
        .forEach(Cluster.Builder::clearTransportSocket);
    assertThat(withoutTls.build()).isEqualTo(bootstrap);

    Cluster xds = find(tls, EnvoyBootstrap.XDS_CLUSTER);
    assertThat(xds.getTransportSocket().getName()).isEqualTo("envoy.transport_sockets.tls");
    UpstreamTlsContext context = xds.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
    assertThat(EnvoyRules.violations(context)).isEmpty();
    assertThat(context.getSni()).isEqualTo("localhost");
    TlsCertificate certificate = context.getCommonTlsContext().getTlsCertificates(0);
    assertThat(certificate.getCertificateChain().getFilename()).isEqualTo("envoy/tls/out/envoy-edge-1.pem");
    assertThat(certificate.getPrivateKey().getFilename()).isEqualTo("envoy/tls/out/envoy-edge-1.key");
    CertificateValidationContext validation = context.getCommonTlsContext().getValidationContext();
    // SAN matching needs a trusted CA (docs/envoy-semantics.md T2).
    assertThat(validation.getTrustedCa().getFilename()).isEqualTo("envoy/tls/out/ca.pem");
    assertThat(validation.getMatchTypedSubjectAltNamesList()).singleElement().satisfies(san -> {
      assertThat(san.getSanType()).isEqualTo(SubjectAltNameMatcher.SanType.DNS);
      assertThat(san.getMatcher().getExact()).isEqualTo("localhost");
    });
  }

  /**
   * envoy/tls/make-test-ca.sh makes the files the TLS variant names, and a control plane with its certificate
   * serves Envoy's node (envoy-edge-1) and refuses that certificate for another node id.
   */
  @Test
  void theTestCaScriptMakesWhatTheTlsVariantNamesAndTheControlPlaneServesThatNodeOnly(@TempDir Path tmp)
      throws Exception {
    Path out = tmp.resolve("out");
    Process script = new ProcessBuilder("sh", "tls/make-test-ca.sh", out.toString()).inheritIO().start();
    assertThat(script.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(script.exitValue()).isZero();
    UpstreamTlsContext context = find(EnvoyBootstrap.load(EnvoyBootstrap.TLS_FILE), EnvoyBootstrap.XDS_CLUSTER)
        .getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
    TlsCertificate named = context.getCommonTlsContext().getTlsCertificates(0);
    TlsFiles envoy = new TlsFiles(made(out, named.getCertificateChain().getFilename()),
        made(out, named.getPrivateKey().getFilename()),
        made(out, context.getCommonTlsContext().getValidationContext().getTrustedCa().getFilename()));
    TlsFiles controlPlane = new TlsFiles(out.resolve("control-plane.pem"), out.resolve("control-plane.key"),
        out.resolve("ca.pem"));

    Path policies = PolicyDirs.copyExamples(Files.createDirectory(tmp.resolve("policies")));
    try (LiveControlPlane cp = LiveControlPlane.serve(policies, tmp.resolve("token"), 0, controlPlane);
         ReloadingTls envoyTls = ReloadingTls.forClient(envoy, ReloadingTls.DEFAULT_CHECK_PERIOD);
         AdsTestClient asItself = AdsTestClient.connect(cp.controlPlane().xdsPort(), envoyTls.channelCredentials(),
             Node.newBuilder().setId("envoy-edge-1").setCluster("llm-gateway").build());
         AdsTestClient asAnother = AdsTestClient.connect(cp.controlPlane().xdsPort(), envoyTls.channelCredentials(),
             Node.newBuilder().setId("envoy-edge-2").setCluster("llm-gateway").build())) {
      await().atMost(LiveControlPlane.PATIENCE).until(() -> asItself.ackedVersion(AdsTestClient.CDS).isPresent()
          && asItself.ackedVersion(AdsTestClient.LDS).isPresent());
      await().atMost(LiveControlPlane.PATIENCE).until(() -> asAnother.streamError().isPresent());
      assertThat(Status.fromThrowable(asAnother.streamError().get()).getCode())
          .isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(asAnother.counts().values()).containsOnly(0);
    }
  }

  /** A file the TLS variant names (relative to the repository root, in envoy/tls/out), as the script made it. */
  private static Path made(Path out, String named) {
    assertThat(named).startsWith("envoy/tls/out/");
    Path file = out.resolve(named.substring("envoy/tls/out/".length()));
    assertThat(file).isRegularFile();
    return file;
  }

  private OpenTelemetryConfig tracer() throws InvalidProtocolBufferException {
    return bootstrap.getTracing().getHttp().getTypedConfig().unpack(OpenTelemetryConfig.class);
  }

  private Cluster cluster(String name) {
    return find(bootstrap, name);
  }

  private static Cluster find(Bootstrap bootstrap, String name) {
    return bootstrap.getStaticResources().getClustersList().stream()
        .filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  private static HttpProtocolOptions protocolOptions(Cluster cluster) throws InvalidProtocolBufferException {
    return cluster.getTypedExtensionProtocolOptionsOrThrow("envoy.extensions.upstreams.http.v3.HttpProtocolOptions")
        .unpack(HttpProtocolOptions.class);
  }

  private static String endpoint(Cluster cluster) {
    SocketAddress address = cluster.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress()
        .getSocketAddress();
    return address.getAddress() + ":" + address.getPortValue();
  }
}
