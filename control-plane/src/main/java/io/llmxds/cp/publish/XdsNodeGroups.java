package io.llmxds.cp.publish;

import io.envoyproxy.controlplane.cache.NodeGroup;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.llmxds.cp.translate.Flavor;
import java.util.Arrays;
import java.util.Optional;

/**
 * Which snapshot a node gets: the one of its {@link Flavor}, whose name is the cache group. A node says it is a
 * proxyless gRPC client in its metadata ({@value #FLAVOR_KEY}: {@code proxyless}, or {@code edge} to insist on the
 * gateway's config); without that key, gRPC's own xDS clients are recognised by their user agent ("gRPC Java",
 * "gRPC Node Pure JS", "gRPC C-core" all start with {@value #GRPC_USER_AGENT}), and everything else is Envoy.
 */
public final class XdsNodeGroups implements NodeGroup<String> {

  /** The node metadata key that names a node's flavor explicitly. */
  public static final String FLAVOR_KEY = "llm-xds.io/flavor";

  static final String GRPC_USER_AGENT = "gRPC";

  XdsNodeGroups() {}

  /** The flavor of config {@code node} is served. The one place that decides it. */
  public static Flavor flavorOf(Node node) {
    return declared(node).orElse(
        node.getUserAgentName().startsWith(GRPC_USER_AGENT) ? Flavor.PROXYLESS : Flavor.EDGE);
  }

  /** The flavor named in the node's metadata; an unknown name counts as none (the user agent decides). */
  private static Optional<Flavor> declared(Node node) {
    String name = node.getMetadata().getFieldsOrDefault(FLAVOR_KEY, com.google.protobuf.Value.getDefaultInstance())
        .getStringValue();
    return Arrays.stream(Flavor.values()).filter(f -> f.wire().equals(name)).findFirst();
  }

  @Override
  public String hash(Node node) {
    return flavorOf(node).wire();
  }
}
