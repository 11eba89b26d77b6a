package io.llmxds.cp.observe;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.llmxds.cp.publish.XdsNodeGroups;
import io.llmxds.cp.translate.Flavor;

/** The identity a node announced on its stream, and the flavor of config it is therefore served. */
public record XdsNode(String id, String cluster, Flavor flavor) {
  public static final XdsNode UNKNOWN = new XdsNode("", "", Flavor.EDGE);

  static XdsNode of(Node node) {
    return node == null ? UNKNOWN : new XdsNode(node.getId(), node.getCluster(), XdsNodeGroups.flavorOf(node));
  }
}
