package io.llmxds.envoy;

import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.llmxds.cp.testing.PolicyDirs;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code examples/policies} rewritten for a test's Envoy: the Gateway's listener where the runtime wants it, and the
 * context service and the mock providers at {@code host} on the test's ports. The edits fail loudly when the
 * examples no longer contain what they replace.
 */
final class EdgePolicies {

  /** The example providers that are mock LLMs, and their URLs in the examples. */
  static final Map<String, String> MOCK_URLS = Map.of(
      "mock-a", "http://127.0.0.1:18081/v1",
      "mock-b", "http://127.0.0.1:18082/v1",
      "mock-fallback", "http://127.0.0.1:18083/v1");

  private EdgePolicies() {}

  static Path write(Path dir, SocketAddress listener, String host, int contextPort, Map<String, Integer> mockPorts) {
    PolicyDirs.copyExamples(dir);
    PolicyDirs.edit(dir.resolve("gateway.yaml"), "address: 0.0.0.0\n    port: 10000", listenerInPolicy(listener));
    PolicyDirs.edit(dir.resolve("gateway.yaml"), "address: 127.0.0.1\n    port: 50051",
        "address: " + host + "\n    port: " + contextPort);
    mockPorts.forEach((name, port) ->
        PolicyDirs.edit(dir.resolve("providers.yaml"), MOCK_URLS.get(name), "http://" + host + ":" + port + "/v1"));
    return dir;
  }

  /** The listener as {@code gateway.yaml} spells it. */
  static String listenerInPolicy(SocketAddress listener) {
    return "address: " + listener.getAddress() + "\n    port: " + listener.getPortValue();
  }
}
