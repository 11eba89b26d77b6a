package io.llmxds.cp.publish;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The open streams of one server, and which stream the request being handled on this thread belongs to.
 *
 * <p>{@code ConfigWatcher.createWatch} is not told the stream id. java-control-plane 1.0.49
 * ({@code DiscoveryRequestStreamObserver.onNext}) calls the request callbacks and then {@code createWatch} for the
 * same request object, synchronously on one call stack. So the callback hands the stream over through a
 * thread-local and {@code createWatch} takes it back, checking it is the same request object. Response callbacks
 * run on other threads (sometimes the publisher's) and must not use this.
 */
final class XdsStreams {

  private record Handoff(XdsStream stream, DiscoveryRequest request) {}

  private final ConcurrentMap<Long, XdsStream> open = new ConcurrentHashMap<>();
  private final ThreadLocal<Handoff> requesting = new ThreadLocal<>();

  void open(long streamId, String defaultTypeUrl) {
    open.put(streamId, new XdsStream(streamId, defaultTypeUrl));
  }

  /** Records a request and hands its stream to the {@link #requesting} call that follows on this thread. */
  XdsStream received(long streamId, DiscoveryRequest request) {
    XdsStream stream = open.computeIfAbsent(streamId, id -> new XdsStream(id, ""));
    stream.received(request);
    requesting.set(new Handoff(stream, request));
    return stream;
  }

  /** The stream whose request {@code request} is being handled on this thread. */
  XdsStream requesting(DiscoveryRequest request) {
    Handoff handoff = requesting.get();
    requesting.remove();
    if (handoff == null || handoff.request() != request) {
      throw new IllegalStateException(
          "createWatch was not preceded by onV3StreamRequest for the same request on this thread;"
              + " java-control-plane no longer calls them in that order");
    }
    return handoff.stream();
  }

  /** Whether an earlier request of the stream named its node. */
  boolean nodeKnown(long streamId) {
    XdsStream stream = open.get(streamId);
    return stream != null && stream.hasNode();
  }

  Node node(long streamId) {
    XdsStream stream = open.get(streamId);
    return stream == null ? Node.getDefaultInstance() : stream.node();
  }

  /** Forgets a stream; returns its node. */
  Node close(long streamId) {
    XdsStream stream = open.remove(streamId);
    return stream == null ? Node.getDefaultInstance() : stream.node();
  }
}
