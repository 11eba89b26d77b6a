package io.llmxds.cp.publish;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.Optional;

/** Decides whether a stream may be served the node its requests name. */
interface NodeAuthenticator {

  /** Plaintext xDS (loopback, or {@code --insecure-xds}): every node is believed. */
  NodeAuthenticator NONE = (nodeKnown, request) -> Optional.empty();

  /**
   * Checks one request, on the gRPC thread of its call.
   *
   * @param nodeKnown whether an earlier request of the stream already named the node
   * @return why the stream must be refused, if it must
   */
  Optional<StreamRefusal> check(boolean nodeKnown, DiscoveryRequest request);
}
