package io.llmxds.cp.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointTranslatorTest {

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "255.255.255.255", "::1", "fd00::1", "2001:db8::8a2e:370:7334"})
  void ipLiteralsAreServedByEds(String host) {
    assertThat(EndpointTranslator.servedByEds(host)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"api.openai.com", "localhost", "1.2.3.4.nip.io", "256.1.1.1", "10.0.0", "cafe"})
  void namesAreNot(String host) {
    assertThat(EndpointTranslator.servedByEds(host)).isFalse();
  }

  @Test
  void anAssignmentHasOneWeightedLocalityAndTheHostName() {
    ClusterLoadAssignment cla = EndpointTranslator.loadAssignment("provider/p", "10.0.0.1", 8080);
    assertThat(cla.getClusterName()).isEqualTo("provider/p");
    assertThat(cla.getEndpointsCount()).isEqualTo(1);
    assertThat(cla.getEndpoints(0).getLoadBalancingWeight().getValue()).isEqualTo(1);
    Endpoint endpoint = cla.getEndpoints(0).getLbEndpoints(0).getEndpoint();
    assertThat(endpoint.getAddress().getSocketAddress().getAddress()).isEqualTo("10.0.0.1");
    assertThat(endpoint.getAddress().getSocketAddress().getPortValue()).isEqualTo(8080);
    assertThat(endpoint.getHostname()).isEqualTo("10.0.0.1");
  }

  @Test
  void anIpv6HostNameIsBracketedForTheHostHeader() {
    assertThat(EndpointTranslator.loadAssignment("c", "fd00::1", 80).getEndpoints(0).getLbEndpoints(0).getEndpoint()
        .getHostname()).isEqualTo("[fd00::1]");
  }

  @Test
  void onlyIpProvidersAndAnIpContextServiceHaveEdsResources() {
    assertThat(Translator.translate(Bundles.example()).endpoints()).extracting(ClusterLoadAssignment::getClusterName)
        .containsExactly(Names.CONTEXT_SERVICE_CLUSTER, "provider/mock-a", "provider/mock-b",
            "provider/mock-fallback");
  }
}
