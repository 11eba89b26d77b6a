package io.llmxds.envoy;

import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.llmxds.cp.testing.PolicyDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code examples/policies} rewritten for a test's Envoy: the Gateway's listener where the runtime wants it, and the
 * context service and the mock providers at {@code host} on the test's ports; optionally https providers served by a
 * TLS mock. The edits fail loudly when the examples no longer contain what they replace.
 */
final class EdgePolicies {

  /** The example providers that are mock LLMs, and their URLs in the examples. */
  static final Map<String, String> MOCK_URLS = Map.of(
      "mock-a", "http://127.0.0.1:18081/v1",
      "mock-b", "http://127.0.0.1:18082/v1",
      "mock-fallback", "http://127.0.0.1:18083/v1");

  /** Where https providers find their CA files, relative to the policy directory. */
  static final String CA_DIR = "tls";
  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---$");

  /**
   * An https Provider served by the stack's TLS mock and verified against {@code ca}, on a ModelRoute of the same name
   * that serves {@code model} alone, without retries: what fails is that provider's own try.
   */
  record HttpsRoute(String provider, String model, Path ca) {}

  /**
   * A Consumer the test adds, with one API key (written to {@code keys/<name>}).
   *
   * @param tier its tier, or {@code default}
   * @param modelRoutes the ModelRoutes it may call; empty: every one
   */
  record TestConsumer(String name, String tier, List<String> modelRoutes, String key) {
    /** The header an OpenAI SDK sends the key in. */
    String[] authorization() {
      return new String[] {"authorization", "Bearer " + key};
    }
  }

  /** A text edit of one policy file, as a test saves it (every occurrence of {@code from}). */
  record Edit(String file, String from, String to) {
    void applyTo(Path dir) {
      PolicyDirs.edit(dir.resolve(file), from, to);
    }
  }

  private EdgePolicies() {}

  /** The context service's port in the examples' Gateway. */
  static final int EXAMPLES_CONTEXT_PORT = 50051;
  private static final String EXAMPLES_CONTEXT_SERVICE = "address: 127.0.0.1\n    port: " + EXAMPLES_CONTEXT_PORT;

  /** Points the Gateway written by {@link #write} with the examples' context port at {@code host:port}. */
  static void pointGatewayAtContextService(Path dir, String host, int port) {
    PolicyDirs.edit(dir.resolve("gateway.yaml"), "address: " + host + "\n    port: " + EXAMPLES_CONTEXT_PORT,
        "address: " + host + "\n    port: " + port);
  }

  static Path write(Path dir, SocketAddress listener, String host, int contextPort, Map<String, Integer> mockPorts) {
    PolicyDirs.copyExamples(dir);
    PolicyDirs.edit(dir.resolve("gateway.yaml"), "address: 0.0.0.0\n    port: 10000", listenerInPolicy(listener));
    PolicyDirs.edit(dir.resolve("gateway.yaml"), EXAMPLES_CONTEXT_SERVICE,
        "address: " + host + "\n    port: " + contextPort);
    mockPorts.forEach((name, port) ->
        PolicyDirs.edit(dir.resolve("providers.yaml"), MOCK_URLS.get(name), "http://" + host + ":" + port + "/v1"));
    return dir;
  }

  /** Adds {@code consumers} (consumers.yaml, their keys under keys/): the gateway then authenticates every request. */
  static void addConsumers(Path dir, List<TestConsumer> consumers) {
    try {
      Files.createDirectories(dir.resolve("keys"));
      StringBuilder yaml = new StringBuilder();
      for (TestConsumer consumer : consumers) {
        Files.writeString(dir.resolve("keys").resolve(consumer.name()), consumer.key());
        String routes = consumer.modelRoutes().isEmpty() ? ""
            : "  modelRoutes: [" + String.join(", ", consumer.modelRoutes()) + "]\n";
        yaml.append(document("Consumer", consumer.name(), "  tier: " + consumer.tier() + "\n" + routes
            + "  apiKeys:\n    - name: test\n      file: keys/" + consumer.name() + "\n"));
      }
      Files.writeString(dir.resolve("consumers.yaml"), yaml.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Adds each route's Provider ({@code https://host:tlsPort/v1}, its CA copied into the policies as
   * {@code tls/<provider>.pem}: the control plane sends the PEM inline, so a container Envoy needs no file) and
   * ModelRoute. {@code host} is how Envoy dials the mock, and so the name its certificate must carry.
   */
  static void addHttpsRoutes(Path dir, String host, int tlsPort, List<HttpsRoute> routes) {
    try {
      Files.createDirectories(dir.resolve(CA_DIR));
      for (HttpsRoute route : routes) {
        String caFile = CA_DIR + "/" + route.provider() + ".pem";
        Files.copy(route.ca(), dir.resolve(caFile));
        append(dir.resolve("providers.yaml"), document("Provider", route.provider(), """
              baseUrl: https://%s:%d/v1
              connectTimeout: 2s
              tls:
                caFile: %s
            """.formatted(host, tlsPort, caFile)));
        append(dir.resolve("routes.yaml"), document("ModelRoute", route.provider(), """
              models: [%s]
              backends:
                - provider: %s
            """.formatted(route.model(), route.provider())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Replaces {@code from} in the one YAML document of {@code file} whose {@code metadata.name} is {@code name} (three
   * providers share {@code connectTimeout: 2s}; an edit of one must not touch the others).
   */
  static void editDocument(Path file, String name, String from, String to) {
    try {
      String[] documents = DOCUMENT_SEPARATOR.split(Files.readString(file), -1);
      String marker = "metadata:\n  name: " + name + "\n";
      int edited = 0;
      for (int i = 0; i < documents.length; i++) {
        if (documents[i].contains(marker)) {
          if (!documents[i].contains(from)) {
            throw new AssertionError(file + ": document " + name + " does not contain " + from);
          }
          documents[i] = documents[i].replace(from, to);
          edited++;
        }
      }
      if (edited != 1) {
        throw new AssertionError(file + " has " + edited + " documents named " + name + ", expected one");
      }
      Files.writeString(file, String.join("---", documents));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The listener as {@code gateway.yaml} spells it. */
  static String listenerInPolicy(SocketAddress listener) {
    return "address: " + listener.getAddress() + "\n    port: " + listener.getPortValue();
  }

  private static String document(String kind, String name, String spec) {
    return "---\napiVersion: llm-xds.io/v1alpha1\nkind: " + kind + "\nmetadata:\n  name: " + name + "\nspec:\n" + spec;
  }

  private static void append(Path file, String text) throws IOException {
    String existing = Files.readString(file);
    Files.writeString(file, existing.endsWith("\n") ? text : "\n" + text, StandardOpenOption.APPEND);
  }
}
