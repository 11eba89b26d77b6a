package io.llmxds.cp.observe;

import io.llmxds.cp.translate.Flavor;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * When each node has applied each config version: the first ACK after which the node runs every type it subscribes
 * to at that version's type versions of the node's flavor. Measured from the reload's start, so it covers validation, translation, the push and the
 * node's own apply. Only nodes connected before the reload started count: a node that connects later is starting
 * up, not converging on a change. Not thread-safe: its owner guards it.
 */
final class Convergence {
  /** How many converged versions a node remembers, so an ACK it repeats is not counted twice. */
  private static final int REMEMBERED = ConfigVersions.CAPACITY;

  private final NodeStreams streams = new NodeStreams();
  private final Map<String, NodeAcks> nodes = new HashMap<>();

  private static final class NodeAcks {
    final Instant connectedAt;
    final Flavor flavor;
    final Set<String> subscribedTypes = new HashSet<>();
    final Map<String, String> ackedTypeVersions = new HashMap<>();
    /** Keyed by the registration, not the version string: a rollback to identical content is a new convergence. */
    final Map<ConfigVersions.Registered, Boolean> converged = new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<ConfigVersions.Registered, Boolean> eldest) {
        return size() > REMEMBERED;
      }
    };

    NodeAcks(Instant connectedAt, Flavor flavor) {
      this.connectedAt = connectedAt;
      this.flavor = flavor;
    }
  }

  void identified(long streamId, XdsNode node, Instant now) {
    streams.identified(streamId, node.id());
    nodes.computeIfAbsent(node.id(), id -> new NodeAcks(now, node.flavor()));
  }

  void subscription(XdsNode node, String typeUrl, boolean subscribed) {
    NodeAcks acks = nodes.get(node.id());
    if (acks != null && subscribed) {
      acks.subscribedTypes.add(typeUrl);
    } else if (acks != null) {
      acks.subscribedTypes.remove(typeUrl);
    }
  }

  void closed(long streamId) {
    streams.closed(streamId).ifPresent(nodes::remove);
  }

  /** Records the ACK of {@code push}; how long its config version took to converge on the node, if it just did. */
  Optional<Duration> acked(Push push, Instant now) {
    NodeAcks node = nodes.get(push.node().id());
    if (node == null) {
      return Optional.empty();
    }
    node.ackedTypeVersions.put(push.typeUrl(), push.typeVersion());
    return push.config()
        .filter(config -> !node.connectedAt.isAfter(config.reloadStartedAt()))
        .filter(config -> config.appliedBy(node.flavor, node.subscribedTypes, node.ackedTypeVersions))
        .filter(config -> node.converged.put(config, Boolean.TRUE) == null)
        .map(config -> Duration.between(config.reloadStartedAt(), now));
  }
}
