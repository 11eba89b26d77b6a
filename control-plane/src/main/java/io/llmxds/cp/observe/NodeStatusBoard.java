package io.llmxds.cp.observe;

import io.llmxds.cp.translate.Flavor;
import io.opentelemetry.api.trace.SpanContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What every connected node runs, type by type, compared with what the server serves now (like
 * {@code istioctl proxy-status}); the admin API shows it under {@code GET /status} and keeps the last pushed
 * resources for {@code GET /config_dump}. Per node and type it keeps the latest push, whichever stream carried it,
 * and a node is forgotten when its last stream closes.
 */
public final class NodeStatusBoard implements PushObserver {

  /** How one node stands on one type. */
  public enum State {
    /** It has ACKed the version served now. */
    SYNCED,
    /** It was pushed a version it has not answered yet, or it runs an older version than the one served now. */
    STALE,
    /** It rejected the last version pushed and keeps running the one it had, which is not the one served now. */
    NACKED,
    /** Nothing of this type was pushed to it. */
    NOT_SENT
  }

  /**
   * One node on one type.
   *
   * @param sentVersion the version last pushed (null if none)
   * @param ackedVersion the version it last ACKed (null if none)
   * @param error the node's own NACK message when {@code NACKED}
   * @param traceId the trace of the NACKed push, which is the trace of its config version's reload
   */
  public record TypeStatus(
      State state, String sentVersion, String ackedVersion, String lastPush, String error, String traceId) {}

  /**
   * One connected node.
   *
   * @param flavor which config the node is served: {@code edge}, {@code proxyless} or {@code context-service}
   * @param configVersion the config version whose every type the node subscribes to it has ACKed ("" while none)
   * @param types type URL to status, in xDS order, every served type included
   */
  public record NodeStatus(
      String node, String cluster, String flavor, String configVersion, String lastPush, Map<String, TypeStatus> types) {}

  /** The pushes last sent to one node, type URL to push, in xDS order. */
  public record PushedConfig(XdsNode node, Map<String, Push> pushes) {}

  private final Function<Flavor, Map<String, String>> servedTypeVersions;
  private final NodeStreams streams = new NodeStreams();
  private final Map<String, NodeState> nodes = new HashMap<>();

  private static final class NodeState {
    final XdsNode node;
    final Map<String, TypeState> types = new HashMap<>();
    final Set<String> subscribedTypes = new HashSet<>();

    NodeState(XdsNode node) {
      this.node = node;
    }
  }

  private static final class TypeState {
    Push lastPush;
    /** The node's answer to {@link #lastPush}; null while there is none. */
    PushOutcome answer;
    Push lastAcked;
  }

  /**
   * @param servedTypeVersions per flavor, type URL to the version served now ({@code XdsServer.current(flavor)}),
   *     empty if none
   */
  public NodeStatusBoard(Function<Flavor, Map<String, String>> servedTypeVersions) {
    this.servedTypeVersions = servedTypeVersions;
  }

  @Override
  public synchronized void onNodeIdentified(long streamId, XdsNode node) {
    streams.identified(streamId, node.id());
    nodes.computeIfAbsent(node.id(), id -> new NodeState(node));
  }

  @Override
  public synchronized void onStreamClosed(long streamId, XdsNode node) {
    streams.closed(streamId).ifPresent(nodes::remove);
  }

  @Override
  public synchronized void onSubscription(long streamId, XdsNode node, String typeUrl, boolean subscribed) {
    NodeState state = nodes.get(node.id());
    if (state != null && subscribed) {
      state.subscribedTypes.add(typeUrl);
    } else if (state != null) {
      state.subscribedTypes.remove(typeUrl);
    }
  }

  @Override
  public synchronized void onPushSent(Push push) {
    NodeState node = nodes.get(push.node().id());
    if (node != null) {
      TypeState type = node.types.computeIfAbsent(push.typeUrl(), t -> new TypeState());
      type.lastPush = push;
      type.answer = null;
    }
  }

  @Override
  public synchronized void onPushAnswered(Push push, PushOutcome outcome) {
    NodeState node = nodes.get(push.node().id());
    TypeState type = node == null ? null : node.types.get(push.typeUrl());
    // Answers to older pushes (superseded, or on a stream the node has since replaced) say nothing about now.
    if (type == null || !push.equals(type.lastPush)) {
      return;
    }
    if (outcome instanceof PushOutcome.Acked) {
      type.answer = outcome;
      type.lastAcked = push;
    } else if (outcome instanceof PushOutcome.Nacked) {
      type.answer = outcome;
    }
  }

  /** Every connected node, by node id. */
  public List<NodeStatus> nodes() {
    Map<Flavor, Map<String, String>> served = served();
    synchronized (this) {
      return nodes.values().stream()
          .sorted(Comparator.comparing(n -> n.node.id()))
          .map(n -> status(n, served.get(n.node.flavor())))
          .toList();
    }
  }

  /** Read before taking this board's lock: the supplier asks the xDS server. */
  private Map<Flavor, Map<String, String>> served() {
    Map<Flavor, Map<String, String>> served = new EnumMap<>(Flavor.class);
    for (Flavor flavor : Flavor.values()) {
      served.put(flavor, servedTypeVersions.apply(flavor));
    }
    return served;
  }

  /** What was last pushed to {@code nodeId}, if it is connected. */
  public Optional<PushedConfig> lastPushed(String nodeId) {
    Map<Flavor, Map<String, String>> served = served();
    synchronized (this) {
      NodeState node = nodes.get(nodeId);
      if (node == null) {
        return Optional.empty();
      }
      Map<String, Push> pushes = new LinkedHashMap<>();
      for (String typeUrl : typeOrder(served.get(node.node.flavor()), node)) {
        TypeState type = node.types.get(typeUrl);
        if (type != null) {
          pushes.put(typeUrl, type.lastPush);
        }
      }
      return Optional.of(new PushedConfig(node.node, pushes));
    }
  }

  private static NodeStatus status(NodeState node, Map<String, String> served) {
    Map<String, TypeStatus> types = new LinkedHashMap<>();
    Map<String, String> acked = new HashMap<>();
    List<ConfigVersions.Registered> ackedConfigs = new ArrayList<>();
    Instant lastPush = null;
    for (String typeUrl : typeOrder(served, node)) {
      TypeState type = node.types.get(typeUrl);
      types.put(typeUrl, type == null
          ? new TypeStatus(State.NOT_SENT, null, null, null, null, null)
          : typeStatus(type, served.get(typeUrl)));
      if (type != null && type.lastAcked != null) {
        acked.put(typeUrl, type.lastAcked.typeVersion());
        type.lastAcked.config().ifPresent(ackedConfigs::add);
      }
      if (type != null && (lastPush == null || type.lastPush.sentAt().isAfter(lastPush))) {
        lastPush = type.lastPush.sentAt();
      }
    }
    String configVersion = ackedConfigs.stream()
        .filter(c -> c.appliedBy(node.node.flavor(), node.subscribedTypes, acked))
        .max(Comparator.comparing(ConfigVersions.Registered::reloadStartedAt))
        .map(ConfigVersions.Registered::configVersion)
        .orElse("");
    return new NodeStatus(node.node.id(), node.node.cluster(), node.node.flavor().wire(), configVersion,
        lastPush == null ? null : lastPush.toString(), types);
  }

  private static TypeStatus typeStatus(TypeState type, String servedVersion) {
    String sent = type.lastPush.typeVersion();
    String acked = type.lastAcked == null ? null : type.lastAcked.typeVersion();
    String at = type.lastPush.sentAt().toString();
    boolean runsServed = acked != null && acked.equals(servedVersion);
    // A rollback to what the node kept is pushed to nobody (the node already has it): the NACK is history then.
    if (type.answer instanceof PushOutcome.Nacked nack && !runsServed) {
      String traceId = type.lastPush.config()
          .map(ConfigVersions.Registered::reloadSpan)
          .filter(SpanContext::isValid)
          .map(SpanContext::getTraceId)
          .orElse(null);
      return new TypeStatus(State.NACKED, sent, acked, at, nack.message(), traceId);
    }
    State state = runsServed ? State.SYNCED : State.STALE;
    return new TypeStatus(state, sent, acked, at, null, null);
  }

  /** The served types in xDS order, then any other type the node was pushed. */
  private static Set<String> typeOrder(Map<String, String> served, NodeState node) {
    Set<String> order = new LinkedHashSet<>(served.keySet());
    node.types.keySet().stream().sorted().forEach(order::add);
    return order;
  }
}
