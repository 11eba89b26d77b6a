package io.llmxds.cp.publish;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.NodeGroup;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ConfigWatcher} the discovery server uses: {@code SimpleCache}, plus
 *
 * <ul>
 *   <li>the stream's node on every request (clients send it only on the first, the cache groups by every one);
 *   <li>no resend of a rejected config. A NACK carries the client's <em>old</em> {@code version_info}; the cache
 *       sees it differ from the snapshot and resends the rejected config at once, about 1,200 times a second per
 *       client. A NACK of the version that is still current is therefore parked until a snapshot with another
 *       version for that type is published.
 *   <li>an answer to a client that resumes on a new stream with the version it runs (a reconnect to a restarted
 *       server): the cache keeps a wildcard watch (CDS, LDS) for an unchanged version open forever, so the node
 *       would never be shown as synced; it is asked as a fresh subscription instead ({@link #resumedAsNew}), and
 *       parked until the group's first snapshot if it came before one.
 * </ul>
 */
final class NackSafeWatcher implements ConfigWatcher {

  private static final Logger LOG = LoggerFactory.getLogger(NackSafeWatcher.class);

  private final SimpleCache<String> cache;
  private final NodeGroup<String> groups;
  private final XdsStreams streams;

  /**
   * Parking and the sweep after a publish both read the cache's snapshot under this lock, so a NACK either sees the
   * new snapshot (and is answered by the cache) or is parked before the sweep looks.
   */
  private final Object parkLock = new Object();

  private final Set<ParkedWatch> parked = new HashSet<>();

  NackSafeWatcher(SimpleCache<String> cache, NodeGroup<String> groups, XdsStreams streams) {
    this.cache = cache;
    this.groups = groups;
    this.streams = streams;
  }

  @Override
  public Watch createWatch(
      boolean ads,
      XdsRequest request,
      Set<String> knownResourceNames,
      Consumer<Response> responseConsumer,
      boolean hasClusterChanged,
      boolean allowDefaultEmptyEdsUpdate) {
    XdsStream stream = streams.requesting(request.v3Request());
    XdsRequest completed = resumedAsNew(stream, stream.complete(request));
    String typeUrl = completed.getTypeUrl();
    Consumer<Response> recordingSent =
        response -> {
          stream.sent(typeUrl, response.version());
          responseConsumer.accept(response);
        };
    WatchRequest watchRequest =
        new WatchRequest(
            ads, completed, knownResourceNames, recordingSent, hasClusterChanged, allowDefaultEmptyEdsUpdate);
    Optional<ParkedWatch> parkedWatch = parkIfUnanswerable(stream, watchRequest);
    return parkedWatch.isPresent() ? parkedWatch.get() : watchRequest.createOn(cache);
  }

  /**
   * A client on a new stream asks with the version it runs (it reconnected, e.g. to a restarted server). The cache
   * would answer a request naming resources at once but keep a wildcard one (CDS, LDS) open while the version is
   * unchanged, so the node would never ACK on this stream and would show as not synced. Asked as on a fresh
   * subscription, it is sent the current version, which it ACKs; an unchanged config is applied as a no-op (xDS
   * clients compare resources, not versions).
   */
  private static XdsRequest resumedAsNew(XdsStream stream, XdsRequest request) {
    DiscoveryRequest raw = request.v3Request();
    boolean resumed = raw.getResponseNonce().isEmpty() && !raw.getVersionInfo().isEmpty()
        && stream.lastSent(raw.getTypeUrl()).isEmpty();
    return resumed ? XdsRequest.create(raw.toBuilder().clearVersionInfo().build()) : request;
  }

  private Optional<ParkedWatch> parkIfUnanswerable(XdsStream stream, WatchRequest watchRequest) {
    String typeUrl = watchRequest.typeUrl();
    String group = groups.hash(watchRequest.request().v3Request().getNode());
    Optional<String> rejected = stream.lastSent(typeUrl);
    synchronized (parkLock) {
      Optional<String> current = currentVersion(group, typeUrl);
      boolean nackOfCurrent = watchRequest.request().hasErrorDetail() && rejected.isPresent()
          && rejected.equals(current);
      if (!nackOfCurrent && current.isPresent()) {
        return Optional.empty();
      }
      ParkedWatch watch = new ParkedWatch(watchRequest, group, current, this::unpark);
      parked.add(watch);
      if (nackOfCurrent) {
        LOG.info(
            "stream {} (node {}) rejected {} version {}: holding it back until the next config",
            stream.id(),
            stream.node().getId(),
            typeUrl,
            rejected.get());
      }
      return Optional.of(watch);
    }
  }

  private void unpark(ParkedWatch watch) {
    synchronized (parkLock) {
      parked.remove(watch);
    }
  }

  /** After a publish: hands every parked watch whose type now has another version (or has one) to the cache. */
  void snapshotPublished() {
    List<ParkedWatch> due = new ArrayList<>();
    synchronized (parkLock) {
      parked.removeIf(
          watch -> {
            boolean moved = !watch.parkedAt().equals(currentVersion(watch.group(), watch.typeUrl()));
            if (moved) {
              due.add(watch);
            }
            return moved;
          });
    }
    due.forEach(watch -> watch.reissue(cache));
  }

  private Optional<String> currentVersion(String group, String typeUrl) {
    Snapshot snapshot = cache.getSnapshot(group);
    return snapshot == null ? Optional.empty() : Optional.of(snapshot.version(typeUrl));
  }

  @Override
  public DeltaWatch createDeltaWatch(
      DeltaXdsRequest request,
      String requesterVersion,
      Map<String, String> resourceVersions,
      Set<String> pendingResources,
      boolean isWildcard,
      Consumer<DeltaResponse> responseConsumer,
      boolean hasClusterChanged) {
    // XdsCallbacks closes delta streams before they get here.
    throw new UnsupportedOperationException("delta xDS is not served");
  }
}
