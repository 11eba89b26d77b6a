package io.llmxds.cp.observe;

import com.google.protobuf.Any;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.llmxds.cp.publish.XdsEventListener;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the raw xDS stream events into pushes and their outcomes. A node answers a response by echoing its nonce
 * (nonces are unique per stream across types); an answer with {@code error_detail} is a NACK. A response that is
 * followed by another of the same type before any answer is superseded; a stream that closes ends its open pushes.
 */
public final class PushCorrelator implements XdsEventListener {
  private static final Logger log = LoggerFactory.getLogger(PushCorrelator.class);

  /** How many resource names a push keeps for spans and status: enough to recognise it, bounded for 2,000 routes. */
  static final int MAX_NAMES = 10;

  /** Types whose request without names subscribes to every resource; for the others it unsubscribes. */
  private static final Set<String> WILDCARD_TYPES =
      Set.of(Resources.V3.CLUSTER_TYPE_URL, Resources.V3.LISTENER_TYPE_URL);

  private final ConfigVersions versions;
  private final List<PushObserver> observers;
  private final Map<Long, StreamPushes> streams = new ConcurrentHashMap<>();

  /** The pushes of one stream still waiting for an answer. */
  private static final class StreamPushes {
    /** The type of a per-type stream (its requests may omit it); empty on ADS streams. */
    final String defaultTypeUrl;
    XdsNode node = XdsNode.UNKNOWN;
    final Map<String, Boolean> subscribed = new HashMap<>();
    final Map<String, Push> byNonce = new HashMap<>();
    final Map<String, Push> latestByType = new HashMap<>();

    StreamPushes(String defaultTypeUrl) {
      this.defaultTypeUrl = defaultTypeUrl;
    }
  }

  public PushCorrelator(ConfigVersions versions, List<PushObserver> observers) {
    this.versions = versions;
    this.observers = List.copyOf(observers);
  }

  @Override
  public void onStreamOpen(long streamId, String typeUrl) {
    streams.put(streamId, new StreamPushes(typeUrl == null ? "" : typeUrl));
    notifyAll(o -> o.onStreamOpened(streamId));
  }

  @Override
  public void onRequest(long streamId, Node node, DiscoveryRequest request, boolean nack) {
    StreamPushes stream = streams.get(streamId);
    if (stream == null) {
      return;
    }
    Push answered;
    boolean identified;
    String typeUrl = request.getTypeUrl().isEmpty() ? stream.defaultTypeUrl : request.getTypeUrl();
    boolean subscribes = request.getResourceNamesCount() > 0 || WILDCARD_TYPES.contains(typeUrl);
    boolean subscriptionChanged;
    XdsNode who;
    synchronized (stream) {
      identified = stream.node == XdsNode.UNKNOWN && node != null && !node.getId().isEmpty();
      if (identified) {
        stream.node = XdsNode.of(node);
      }
      who = stream.node;
      subscriptionChanged = !typeUrl.isEmpty()
          && !Boolean.valueOf(subscribes).equals(stream.subscribed.put(typeUrl, subscribes));
      answered = stream.byNonce.remove(request.getResponseNonce());
      if (answered != null) {
        stream.latestByType.remove(answered.typeUrl(), answered);
      }
    }
    if (identified) {
      XdsNode id = XdsNode.of(node);
      notifyAll(o -> o.onNodeIdentified(streamId, id));
    }
    if (subscriptionChanged && who != XdsNode.UNKNOWN) {
      notifyAll(o -> o.onSubscription(streamId, who, typeUrl, subscribes));
    }
    if (answered != null) {
      Duration latency = Duration.ofNanos(System.nanoTime() - answered.sentNanos());
      PushOutcome outcome = nack
          ? new PushOutcome.Nacked(latency, request.getErrorDetail().getCode(),
              request.getErrorDetail().getMessage(), request.getVersionInfo())
          : new PushOutcome.Acked(latency);
      answer(answered, outcome);
    }
  }

  @Override
  public void onResponse(long streamId, Node node, DiscoveryResponse response) {
    StreamPushes stream = streams.get(streamId);
    if (stream == null) {
      return;
    }
    Push push;
    Push superseded;
    synchronized (stream) {
      XdsNode who = stream.node != XdsNode.UNKNOWN ? stream.node : XdsNode.of(node);
      push = new Push(streamId, who, response.getTypeUrl(), response.getVersionInfo(),
          versions.byTypeVersion(response.getTypeUrl(), response.getVersionInfo()), response.getNonce(),
          response.getResourcesCount(), names(response.getResourcesList()), response.getResourcesList(),
          Instant.now(), System.nanoTime());
      superseded = stream.latestByType.put(push.typeUrl(), push);
      if (superseded != null) {
        stream.byNonce.remove(superseded.nonce());
      }
      stream.byNonce.put(push.nonce(), push);
    }
    if (superseded != null) {
      answer(superseded, new PushOutcome.Superseded(push.nonce()));
    }
    notifyAll(o -> o.onPushSent(push));
  }

  @Override
  public void onStreamClose(long streamId, Node node) {
    StreamPushes stream = streams.remove(streamId);
    if (stream == null) {
      return;
    }
    List<Push> open;
    XdsNode who;
    synchronized (stream) {
      open = new ArrayList<>(stream.byNonce.values());
      stream.byNonce.clear();
      stream.latestByType.clear();
      who = stream.node;
    }
    open.forEach(p -> answer(p, new PushOutcome.StreamClosed()));
    notifyAll(o -> o.onStreamClosed(streamId, who));
  }

  private void answer(Push push, PushOutcome outcome) {
    notifyAll(o -> o.onPushAnswered(push, outcome));
  }

  /** One observer failing must not keep the others from hearing about a push. */
  private void notifyAll(Consumer<PushObserver> event) {
    for (PushObserver observer : observers) {
      try {
        event.accept(observer);
      } catch (RuntimeException e) {
        log.warn("push observer {} failed", observer.getClass().getSimpleName(), e);
      }
    }
  }

  private static List<String> names(List<Any> resources) {
    List<String> names = new ArrayList<>(Math.min(MAX_NAMES, resources.size()));
    for (Any any : resources.subList(0, Math.min(MAX_NAMES, resources.size()))) {
      try {
        names.add(Resources.getResourceName(any));
      } catch (RuntimeException e) {
        log.debug("cannot name resource of type {}", any.getTypeUrl(), e);
        names.add("?");
      }
    }
    return names;
  }
}
