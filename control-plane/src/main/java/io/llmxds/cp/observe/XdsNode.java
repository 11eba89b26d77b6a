package io.llmxds.cp.observe;

import io.envoyproxy.envoy.config.core.v3.Node;

/** The identity a proxy announced on its stream. */
public record XdsNode(String id, String cluster) {
  public static final XdsNode UNKNOWN = new XdsNode("", "");

  static XdsNode of(Node node) {
    return node == null ? UNKNOWN : new XdsNode(node.getId(), node.getCluster());
  }
}
