package io.llmxds.cp.publish;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;

/**
 * Observes xDS streams: the hook for logs, metrics and spans. Methods run on gRPC threads and on the publisher thread
 * (a response can be sent while a snapshot is being set), concurrently for different streams: keep them cheap,
 * thread-safe and non-blocking, and correlate by (stream id, type URL, nonce), never by thread or gRPC context.
 * Exceptions are logged and otherwise ignored.
 */
public interface XdsEventListener {

  /** A stream opened; {@code typeUrl} is empty for ADS streams. */
  default void onStreamOpen(long streamId, String typeUrl) {}

  /**
   * A request arrived. {@code node} is the node the stream announced in its first request (clients may send it
   * only once); {@code nack} is true when the request carries {@code error_detail}, i.e. rejects the response named
   * by its {@code response_nonce} (its {@code version_info} is the version the client keeps).
   */
  default void onRequest(long streamId, Node node, DiscoveryRequest request, boolean nack) {}

  /** A response is about to be written to the stream. */
  default void onResponse(long streamId, Node node, DiscoveryResponse response) {}

  /**
   * A stream was refused ({@code PERMISSION_DENIED}) because its node is not the one its client certificate names;
   * nothing was sent on it, and it closes next ({@link #onStreamClose}).
   */
  default void onStreamRefused(long streamId, StreamRefusal refusal) {}

  /** A stream closed, normally or with an error. */
  default void onStreamClose(long streamId, Node node) {}
}
