package io.llmxds.cp.publish;

import io.envoyproxy.controlplane.cache.NodeGroup;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.List;

/**
 * Which snapshot a node gets. Today every node is an Envoy edge proxy and gets the one snapshot of group
 * {@value #EDGE}; other flavours (proxyless gRPC clients) will be told apart here, by node metadata or user agent.
 */
final class XdsNodeGroups implements NodeGroup<String> {

  static final String EDGE = "edge";

  @Override
  public String hash(Node node) {
    return EDGE;
  }

  /** Every group a snapshot is published to. */
  List<String> all() {
    return List.of(EDGE);
  }
}
