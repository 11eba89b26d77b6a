package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.trace.v3.OpenTelemetryConfig;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.llmxds.cp.verify.EnvoyRules;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** {@code envoy/bootstrap.yaml} parses into Envoy's Bootstrap proto, passes Envoy's validate rules, and says what the README says. */
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
