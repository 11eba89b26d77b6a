package io.llmxds.cp.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The suite's policy directory: a Gateway, one Provider per {@link EchoBackends} backend and one ModelRoute,
 * {@value #ROUTE}, that splits between them by weight. Edits rewrite a file the way a user would save it; the suite
 * reloads explicitly.
 */
final class ProxylessPolicies {
  /** The ModelRoute, and so the service name clients dial: {@code xds:///echo}. */
  static final String ROUTE = "echo";

  private static final String GATEWAY = """
      apiVersion: llm-xds.io/v1alpha1
      kind: Gateway
      metadata:
        name: edge
      spec:
        listener:
          address: 127.0.0.1
          port: 10000
        extProc:
          address: 127.0.0.1
          port: 50051
      """;

  private final Path dir;
  private final EchoBackends backends;
  private final Map<String, String> loadBalancing = new LinkedHashMap<>();

  private ProxylessPolicies(Path dir, EchoBackends backends) {
    this.dir = dir;
    this.backends = backends;
  }

  /** Writes the policies into {@code dir} with the route's weights in backend order. */
  static ProxylessPolicies write(Path dir, EchoBackends backends, List<Integer> weights) {
    ProxylessPolicies policies = new ProxylessPolicies(dir, backends);
    policies.save("gateway.yaml", GATEWAY);
    policies.saveProviders();
    policies.setWeights(weights);
    return policies;
  }

  Path dir() {
    return dir;
  }

  /** Rewrites the route with these weights, in backend order. */
  void setWeights(List<Integer> weights) {
    StringBuilder yaml = new StringBuilder("""
        apiVersion: llm-xds.io/v1alpha1
        kind: ModelRoute
        metadata:
          name: %s
        spec:
          models: [%s]
          backends:
        """.formatted(ROUTE, ROUTE));
    List<String> names = backends.names();
    for (int i = 0; i < names.size(); i++) {
      yaml.append("    - provider: ").append(names.get(i)).append('\n')
          .append("      weight: ").append(weights.get(i)).append('\n');
    }
    save("routes.yaml", yaml.toString());
  }

  /** Gives {@code provider} a {@code loadBalancing} policy (e.g. {@code maglev}). */
  void setLoadBalancing(String provider, String policy) {
    loadBalancing.put(provider, policy);
    saveProviders();
  }

  private void saveProviders() {
    StringBuilder yaml = new StringBuilder();
    for (String name : backends.names()) {
      yaml.append("""
          ---
          apiVersion: llm-xds.io/v1alpha1
          kind: Provider
          metadata:
            name: %s
          spec:
            baseUrl: http://127.0.0.1:%d/v1
          """.formatted(name, backends.port(name)));
      if (loadBalancing.containsKey(name)) {
        yaml.append("  loadBalancing: ").append(loadBalancing.get(name)).append('\n');
      }
    }
    save("providers.yaml", yaml.toString());
  }

  private void save(String file, String text) {
    try {
      Files.writeString(dir.resolve(file), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
