package io.llmxds.cp.publish;

import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** What the server remembers about one open xDS stream: its node and the version last sent per type. */
final class XdsStream {

  private final long id;
  private final String defaultTypeUrl;
  private final ConcurrentMap<String, String> sentVersions = new ConcurrentHashMap<>();
  private volatile Node node = Node.getDefaultInstance();

  XdsStream(long id, String defaultTypeUrl) {
    this.id = id;
    this.defaultTypeUrl = defaultTypeUrl;
  }

  long id() {
    return id;
  }

  Node node() {
    return node;
  }

  /** Remembers the node of the first request that names one: gRPC clients send it only on the first request. */
  void received(DiscoveryRequest request) {
    if (request.hasNode() && !hasNode()) {
      node = request.getNode();
    }
  }

  boolean hasNode() {
    return !node.equals(Node.getDefaultInstance());
  }

  /**
   * The request as if the client had repeated its node (and, on a per-type stream, the type URL), because the cache
   * groups by the node of every request and keys by its type URL.
   */
  XdsRequest complete(XdsRequest request) {
    DiscoveryRequest raw = request.v3Request();
    boolean addNode = !raw.hasNode() && hasNode();
    boolean addType = raw.getTypeUrl().isEmpty() && !defaultTypeUrl.isEmpty();
    if (!addNode && !addType) {
      return request;
    }
    DiscoveryRequest.Builder completed = raw.toBuilder();
    if (addNode) {
      completed.setNode(node);
    }
    if (addType) {
      completed.setTypeUrl(defaultTypeUrl);
    }
    return XdsRequest.create(completed.build());
  }

  void sent(String typeUrl, String version) {
    sentVersions.put(typeUrl, version);
  }

  Optional<String> lastSent(String typeUrl) {
    return Optional.ofNullable(sentVersions.get(typeUrl));
  }
}
