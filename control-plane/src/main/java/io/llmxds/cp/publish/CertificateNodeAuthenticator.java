package io.llmxds.cp.publish;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.llmxds.common.tls.SubjectAltNames;
import io.llmxds.cp.publish.StreamRefusal.Reason;
import java.util.List;
import java.util.Optional;

/**
 * The node identity rule of mutual-TLS xDS (docs/xds-server.md, "Node identity"): the node id a stream names must be
 * one of its client certificate's identities — a URI SAN {@code spiffe://llm-xds/node/<node-id>} or a DNS SAN equal
 * to the node id. The first request of a stream must name its node; a later request that names one is checked again.
 */
final class CertificateNodeAuthenticator implements NodeAuthenticator {
  static final String SPIFFE_NODE_PREFIX = "spiffe://llm-xds/node/";

  @Override
  public Optional<StreamRefusal> check(boolean nodeKnown, DiscoveryRequest request) {
    if (nodeKnown && !request.hasNode()) {
      return Optional.empty();
    }
    String nodeId = request.getNode().getId();
    Optional<SubjectAltNames> peer = ClientCertificateInterceptor.PEER.get();
    if (peer.isEmpty()) {
      return Optional.of(new StreamRefusal(Reason.NO_CERTIFICATE, nodeId, List.of(),
          "node \"" + nodeId + "\": the connection has no verified client certificate"));
    }
    List<String> sans = peer.get().all();
    if (nodeId.isEmpty()) {
      return Optional.of(new StreamRefusal(Reason.NO_NODE, nodeId, sans,
          "the first request of the stream names no node id; the client certificate names " + sans));
    }
    if (peer.get().uris().contains(SPIFFE_NODE_PREFIX + nodeId) || peer.get().dnsNames().contains(nodeId)) {
      return Optional.empty();
    }
    return Optional.of(new StreamRefusal(Reason.NODE_MISMATCH, nodeId, sans,
        "node id \"" + nodeId + "\" is not an identity of the client certificate " + sans + ": it needs the SAN URI:"
            + SPIFFE_NODE_PREFIX + nodeId + " or DNS:" + nodeId));
  }
}
