package io.llmxds.cp.publish;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs what proxies say about the config: a NACK at WARN (node, type, rejected version, the client's reason), an ACK
 * at DEBUG. A NACK names the rejected response only by nonce, so the last response per stream and type is kept.
 */
public final class XdsStreamLog implements XdsEventListener {

  private static final Logger LOG = LoggerFactory.getLogger(XdsStreamLog.class);

  private record Sent(String nonce, String version) {}

  /** Stream id to type URL to last response; entries exist only between open and close, so nothing leaks. */
  private final Map<Long, Map<String, Sent>> lastSent = new ConcurrentHashMap<>();

  @Override
  public void onStreamOpen(long streamId, String typeUrl) {
    lastSent.put(streamId, new ConcurrentHashMap<>());
  }

  @Override
  public void onResponse(long streamId, Node node, DiscoveryResponse response) {
    Map<String, Sent> stream = lastSent.get(streamId);
    if (stream != null) {
      stream.put(response.getTypeUrl(), new Sent(response.getNonce(), response.getVersionInfo()));
    }
  }

  @Override
  public void onRequest(long streamId, Node node, DiscoveryRequest request, boolean nack) {
    if (nack) {
      LOG.warn(
          "NACK from node {} (stream {}) for {} version {}, keeps version {}: {}",
          node.getId(),
          streamId,
          request.getTypeUrl(),
          rejectedVersion(streamId, request),
          request.getVersionInfo(),
          request.getErrorDetail().getMessage());
    } else if (!request.getResponseNonce().isEmpty()) {
      LOG.debug(
          "ACK from node {} (stream {}) for {} version {}",
          node.getId(),
          streamId,
          request.getTypeUrl(),
          request.getVersionInfo());
    }
  }

  private String rejectedVersion(long streamId, DiscoveryRequest nack) {
    Sent sent = lastSent.getOrDefault(streamId, Map.of()).get(nack.getTypeUrl());
    return sent != null && sent.nonce().equals(nack.getResponseNonce()) ? sent.version() : "?";
  }

  @Override
  public void onStreamClose(long streamId, Node node) {
    lastSent.remove(streamId);
  }
}
