package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.llmxds.cp.translate.Names;
import io.llmxds.envoy.EdgePolicies.HttpsRoute;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EnvoyHttpsProviderTest's stack where no Envoy runs: the https providers are served, ACKed by the node, and the TLS
 * mock passes (or, with the other CA, fails) the handshake the pushed clusters describe.
 */
class EdgeStackHttpsTest {

  static final List<HttpsRoute> ROUTES = List.of(
      new HttpsRoute("mock-tls", "tls-model", TestPki.CA),
      new HttpsRoute("mock-tls-wrong-ca", "tls-wrong-ca-model", TestPki.OTHER_CA));

  @TempDir
  Path tmp;

  private EdgeStack stack;

  @BeforeEach
  void start() throws Exception {
    stack = EdgeStack.start(tmp, new XdsOnlyEnvoy(), ROUTES);
  }

  @AfterEach
  void stop() throws Exception {
    stack.close();
  }

  @Test
  void theTlsMockPassesTheHandshakeOfTheProviderThatTrustsTheTestCa() throws Exception {
    UpstreamTlsContext tls = PushedTlsClient.of(cluster("mock-tls"));

    assertThat(tls.getSni()).as("no SNI for an IP host").isEmpty();
    PushedTlsClient.handshake(tls, stack.mock(EdgeStack.TLS_MOCK).port());
  }

  @Test
  void theTlsMockFailsTheHandshakeOfTheProviderThatTrustsAnotherCa() {
    UpstreamTlsContext tls = PushedTlsClient.of(cluster("mock-tls-wrong-ca"));

    assertThatThrownBy(() -> PushedTlsClient.handshake(tls, stack.mock(EdgeStack.TLS_MOCK).port()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void eachHttpsProviderHasItsOwnRoute() {
    assertThat(stack.routeVersion("mock-tls")).isNotEmpty();
    assertThat(stack.routeVersion("mock-tls-wrong-ca")).isNotEmpty();
  }

  private Cluster cluster(String provider) {
    return stack.served().clusters().stream()
        .filter(c -> c.getName().equals(Names.providerCluster(provider)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no cluster for " + provider));
  }
}
