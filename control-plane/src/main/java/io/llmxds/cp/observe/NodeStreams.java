package io.llmxds.cp.observe;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which streams each node holds, so that per-node state lives exactly as long as the node is connected. A node may
 * hold several streams: one per type when it does not use ADS, or a new one that opens before the old one closes.
 * Not thread-safe: its owner guards it.
 */
final class NodeStreams {
  private final Map<Long, String> nodeOfStream = new HashMap<>();
  private final Map<String, Set<Long>> streamsOfNode = new HashMap<>();

  /** Records that {@code streamId} belongs to {@code nodeId}; true if it is the node's only stream. */
  boolean identified(long streamId, String nodeId) {
    nodeOfStream.put(streamId, nodeId);
    Set<Long> streams = streamsOfNode.computeIfAbsent(nodeId, id -> new HashSet<>());
    streams.add(streamId);
    return streams.size() == 1;
  }

  /** Forgets {@code streamId}; the node it belonged to if that was the node's last stream. */
  Optional<String> closed(long streamId) {
    String nodeId = nodeOfStream.remove(streamId);
    if (nodeId == null) {
      return Optional.empty();
    }
    Set<Long> streams = streamsOfNode.get(nodeId);
    streams.remove(streamId);
    if (!streams.isEmpty()) {
      return Optional.empty();
    }
    streamsOfNode.remove(nodeId);
    return Optional.of(nodeId);
  }
}
