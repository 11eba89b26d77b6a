package io.llmxds.cp.publish;

import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.exception.RequestException;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts java-control-plane's callbacks: refuses streams whose node the {@link NodeAuthenticator} does not accept,
 * keeps {@link XdsStreams} up to date (node per stream, request hand-off to the watcher), refuses delta xDS, and tells
 * the {@link XdsEventListener}s.
 */
final class XdsCallbacks implements DiscoveryServerCallbacks {

  private static final Logger LOG = LoggerFactory.getLogger(XdsCallbacks.class);

  private final XdsStreams streams;
  private final NodeAuthenticator authenticator;
  private final List<XdsEventListener> listeners = new CopyOnWriteArrayList<>();

  XdsCallbacks(XdsStreams streams, NodeAuthenticator authenticator) {
    this.streams = streams;
    this.authenticator = authenticator;
  }

  void addListener(XdsEventListener listener) {
    listeners.add(listener);
  }

  @Override
  public void onStreamOpen(long streamId, String typeUrl) {
    streams.open(streamId, typeUrl);
    tell(listener -> listener.onStreamOpen(streamId, typeUrl));
  }

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) throws RequestException {
    Optional<StreamRefusal> refusal = authenticator.check(streams.nodeKnown(streamId), request);
    if (refusal.isPresent()) {
      refuse(streamId, refusal.get());
    }
    XdsStream stream = streams.received(streamId, request);
    tell(listener -> listener.onRequest(streamId, stream.node(), request, request.hasErrorDetail()));
  }

  /**
   * java-control-plane 1.0.49 closes the stream with a {@link RequestException}'s status when a request callback
   * throws one, before it creates a watch for that request ({@code DiscoveryRequestStreamObserver.onNext}): nothing is
   * sent on a refused stream, and it is never handed to the cache.
   */
  private void refuse(long streamId, StreamRefusal refusal) throws RequestException {
    LOG.warn("refused xDS stream {}: {}", streamId, refusal.message());
    tell(listener -> listener.onStreamRefused(streamId, refusal));
    throw new RequestException(Status.PERMISSION_DENIED.withDescription(refusal.message()));
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) throws RequestException {
    throw new RequestException(
        Status.UNIMPLEMENTED.withDescription("delta xDS is not served; use state-of-the-world xDS"));
  }

  @Override
  public void onV3StreamResponse(long streamId, DiscoveryRequest request, DiscoveryResponse response) {
    var node = streams.node(streamId);
    tell(listener -> listener.onResponse(streamId, node, response));
  }

  @Override
  public void onStreamClose(long streamId, String typeUrl) {
    closed(streamId);
  }

  @Override
  public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
    closed(streamId);
  }

  private void closed(long streamId) {
    var node = streams.close(streamId);
    tell(listener -> listener.onStreamClose(streamId, node));
  }

  /** A failing listener must not break the stream or starve the other listeners. */
  private void tell(Consumer<XdsEventListener> event) {
    for (XdsEventListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        LOG.warn("xDS event listener {} failed", listener, e);
      }
    }
  }
}
