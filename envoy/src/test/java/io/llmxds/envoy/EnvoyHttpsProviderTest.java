package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmxds.cp.translate.Names;
import io.llmxds.envoy.EdgePolicies.HttpsRoute;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * https providers through Envoy: each verifies the TLS mock against its own CA, sent inline ({@code tls.caFile}), and
 * the provider's host by SAN — an IP SAN for a local Envoy (127.0.0.1), a DNS SAN for a container
 * (host.testcontainers.internal); the test PKI's server certificate carries both (docs/envoy-semantics.md T1-T4).
 * EdgeStackHttpsTest checks the same pushed clusters against the mock without Envoy.
 */
class EnvoyHttpsProviderTest extends EnvoyEndToEnd {

  @Override
  List<HttpsRoute> httpsRoutes() {
    return EdgeStackHttpsTest.ROUTES;
  }

  @Test
  void envoyAcksTheHttpsProvidersAndTheTlsMockAnswersThroughIt() {
    JsonNode node = stack.nodeStatus();
    node.get("types").forEach(t -> assertThat(t.get("state").asText()).as("%s", node).isEqualTo("SYNCED"));
    assertThat(stack.served().clusters()).filteredOn(c -> c.getName().equals(Names.providerCluster("mock-tls")))
        .singleElement().satisfies(c -> assertThat(c.hasTransportSocket()).isTrue());

    HttpResponse<String> reply = stack.chat("tls-model", "over TLS");

    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    assertThat(reply.headers().firstValue("x-llm-backend")).hasValue(EdgeStack.TLS_MOCK);
    assertThat(EdgeStack.echoedModel(reply)).isEqualTo("tls-model");
    assertThat(stack.mock(EdgeStack.TLS_MOCK).requests()).isEqualTo(1);
  }

  /**
   * A CA that did not sign the server's certificate: Envoy loads the cluster (a valid CA is a valid config), the
   * handshake fails certificate verification, and the router answers 503 with the TLS error as its reason
   * (router.cc:1517-1521, ssl_socket.cc:219-245). Nothing else is affected.
   */
  @Test
  void aProviderWhoseCertificateItsCaDidNotSignGets503AndEveryOtherRouteStillWorks() {
    HttpResponse<String> refused = stack.chat("tls-wrong-ca-model", "over TLS");

    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.body()).startsWith("upstream connect error or disconnect/reset before headers.")
        .contains("CERTIFICATE_VERIFY_FAILED");
    assertThat(stack.mock(EdgeStack.TLS_MOCK).requests()).as("no request after a failed handshake").isZero();
    assertThat(stack.chat("tls-model", "over TLS").statusCode()).isEqualTo(200);
    assertThat(stack.chat("chat", "plain").statusCode()).isEqualTo(200);
    assertThat(stack.chat("no-such-model", "plain").statusCode()).isEqualTo(404);
  }
}
