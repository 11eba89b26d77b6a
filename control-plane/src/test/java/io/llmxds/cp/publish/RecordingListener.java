package io.llmxds.cp.publish;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the requests the server saw, with the node it attributed them to. */
final class RecordingListener implements XdsEventListener {

  record SeenRequest(long streamId, String nodeId, String typeUrl, String version, boolean nack) {}

  private final List<SeenRequest> requests = new CopyOnWriteArrayList<>();
  private final List<Long> closed = new CopyOnWriteArrayList<>();

  @Override
  public void onRequest(long streamId, Node node, DiscoveryRequest request, boolean nack) {
    requests.add(
        new SeenRequest(streamId, node.getId(), request.getTypeUrl(), request.getVersionInfo(), nack));
  }

  @Override
  public void onStreamClose(long streamId, Node node) {
    closed.add(streamId);
  }

  List<SeenRequest> requests() {
    return List.copyOf(requests);
  }

  List<SeenRequest> nacks() {
    return requests.stream().filter(SeenRequest::nack).toList();
  }

  List<Long> closed() {
    return List.copyOf(closed);
  }
}
