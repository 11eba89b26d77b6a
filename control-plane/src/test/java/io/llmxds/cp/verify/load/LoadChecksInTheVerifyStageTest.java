package io.llmxds.cp.verify.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.llmxds.cp.policy.LoadResult;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.PolicyLoader;
import io.llmxds.cp.reload.PolicyCompiler;
import io.llmxds.cp.translate.Bundles;
import io.llmxds.cp.translate.EnvoyResources;
import io.llmxds.cp.translate.Flavor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The load-time checks as the third check of the verify stage, and what they find in the translation's output. */
class LoadChecksInTheVerifyStageTest {

  /** Envoy's TLS rule that every https provider broke while its cluster had system_root_certs and no trusted_ca. */
  private static final String SAN_WITHOUT_CA = "common_tls_context.validation_context: SAN-based verification of peer"
      + " certificates without trusted CA is insecure and not allowed (Envoy v1.34.0 "
      + "source/common/ssl/certificate_validation_context_config_impl.cc:67-75)";

  @Test
  void aLoadTimeFindingIsAVerifyLineAfterTheOtherChecks() {
    EnvoyResources broken = Snapshot.valid().cluster(Snapshot.aggregate(Cluster.Builder::clearLbPolicy)).resources();

    List<String> lines = PolicyCompiler.verify(broken);

    assertThat(lines).last().isEqualTo("verify: Cluster fallback/a/tls: lb_policy: cluster manager: cluster provided"
        + " LB not specified but cluster 'fallback/a/tls' provided one. Check cluster documentation."
        + " (Envoy v1.34.0 source/common/upstream/cluster_manager_impl.cc:1061-1066)");
    assertThat(lines).allMatch(l -> l.startsWith("verify: "));
  }

  @Test
  void theProxylessFlavorIsNotHeldToEnvoysLoadChecks() {
    // gRPC clients reject an aggregate cluster with CLUSTER_PROVIDED: the proxyless flavor leaves lb_policy unset.
    EnvoyResources proxyless = Flavor.PROXYLESS.translate(Bundles.example());
    assertThat(proxyless.clusters()).anyMatch(ClusterRules::isAggregate);

    assertThat(EnvoyLoadChecks.check(proxyless)).isNotEmpty();
    assertThat(PolicyCompiler.verify(proxyless, Flavor.PROXYLESS)).isEmpty();
  }

  /** What the translation emitted for https providers before: SAN matching with system_root_certs, no trusted_ca. */
  @Test
  void anHttpsClusterWithSanMatchingAndOnlySystemRootCertsIsRejectedWithEnvoysRule() throws Exception {
    EnvoyResources translated = Flavor.EDGE.translate(Bundles.example());
    List<Cluster> clusters = new java.util.ArrayList<>();
    for (Cluster cluster : translated.clusters()) {
      if (!cluster.getName().equals("provider/openai")) {
        clusters.add(cluster);
        continue;
      }
      var tls = cluster.getTransportSocket().getTypedConfig().unpack(
          io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext.class).toBuilder();
      tls.getCommonTlsContextBuilder().getValidationContextBuilder().clearTrustedCa().setSystemRootCerts(
          io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext.SystemRootCerts
              .getDefaultInstance());
      clusters.add(cluster.toBuilder().setTransportSocket(cluster.getTransportSocket().toBuilder()
          .setTypedConfig(com.google.protobuf.Any.pack(tls.build()))).build());
    }
    EnvoyResources old = new EnvoyResources(clusters, translated.endpoints(), translated.listeners(),
        translated.routes(), translated.secrets());

    assertThat(PolicyCompiler.verify(old)).containsExactly("verify: Cluster provider/openai: transport_socket"
        + ".typed_config<UpstreamTlsContext>." + SAN_WITHOUT_CA);
  }

  /** The examples and every golden case pass every load-time rule (https providers have a trusted_ca). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("policyDirectories")
  void theTranslationBreaksNoLoadTimeRule(Path dir) {
    PolicyBundle bundle = ((LoadResult.Loaded) PolicyLoader.load(dir)).bundle();

    assertThat(EnvoyLoadChecks.check(Flavor.EDGE.translate(bundle))).isEmpty();
  }

  static Stream<Path> policyDirectories() throws IOException {
    try (Stream<Path> golden = Files.list(Path.of("src/test/resources/golden/in"))) {
      return Stream.concat(Stream.of(Path.of("../examples/policies")), golden.filter(Files::isDirectory).sorted()
          .toList().stream());
    }
  }
}
