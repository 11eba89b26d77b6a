package io.llmxds.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.llmxds.cp.reload.PolicyCompiler;
import io.llmxds.cp.testing.PolicyDirs;
import io.llmxds.cp.translate.EnvoyResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rewritten example policies compile for both runtimes, and Envoy would be sent the test's addresses. */
class EdgePoliciesTest {

  private static final Map<String, Integer> MOCK_PORTS = Map.of("mock-a", 41001, "mock-b", 41002,
      "mock-fallback", 41003);

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

  private EnvoyResources compile(SocketAddress listener, String host) throws Exception {
    Path dir = EdgePolicies.write(Files.createDirectory(tmp.resolve("policies")), listener, host, 41000, MOCK_PORTS);
    PolicyCompiler.Compiled compiled = PolicyDirs.compiled(dir);
    return compiled.resources();
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
