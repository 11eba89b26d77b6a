package io.llmxds.cp.publish;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.llmxds.cp.translate.EnvoyResources;
import io.llmxds.cp.translate.Flavor;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets snapshots on one dedicated thread. {@code SimpleCache.setSnapshot} answers every open watch inline (serializing
 * and writing to each stream), so with many proxies it is slow: callers get a future instead of doing that work.
 * One thread also keeps publishes in the order they were asked for.
 */
final class SnapshotPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotPublisher.class);

  private final SimpleCache<String> cache;
  private final NackSafeWatcher watcher;
  private final AtomicReference<PublishedConfig> current = new AtomicReference<>();
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread t = new Thread(task, "xds-publisher");
            t.setDaemon(true);
            return t;
          });

  SnapshotPublisher(SimpleCache<String> cache, NackSafeWatcher watcher) {
    this.cache = cache;
    this.watcher = watcher;
  }

  /** A queued publish; kept as a type so that publishes dropped at shutdown can fail their futures. */
  private final class Publish implements Runnable {
    private final PublishedConfig config;
    private final CompletableFuture<PublishedConfig> result = new CompletableFuture<>();

    Publish(PublishedConfig config) {
      this.config = config;
    }

    @Override
    public void run() {
      try {
        set(config);
        result.complete(config);
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    }
  }

  CompletableFuture<PublishedConfig> publish(PublishedConfig config) {
    Publish publish = new Publish(config);
    try {
      thread.execute(publish);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new IllegalStateException("the xDS server is closed", e));
    }
    return publish.result;
  }

  Optional<PublishedConfig> current() {
    return Optional.ofNullable(current.get());
  }

  /** Each flavor's group gets its own snapshot; the parked watches are swept once all are set. */
  private void set(PublishedConfig published) {
    for (Flavor flavor : Flavor.values()) {
      cache.setSnapshot(flavor.wire(), snapshotOf(published.snapshot(flavor)));
    }
    current.set(published);
    watcher.snapshotPublished();
    LOG.info("published config {} with type versions: edge {}, proxyless {}, context-service {}",
        published.configVersion(), published.edge().typeVersions(), published.proxyless().typeVersions(),
        published.snapshot(Flavor.CONTEXT_SERVICE).typeVersions());
  }

  /**
   * Each type gets its own content-hash version. The per-resource versions {@code Snapshot.create} derives from
   * {@code Message.hashCode()} only matter to delta xDS, which is not served.
   */
  static Snapshot snapshotOf(PublishedSnapshot published) {
    EnvoyResources r = published.resources();
    var v = published.typeVersions();
    return Snapshot.create(
        r.clusters(), v.get(Resources.V3.CLUSTER_TYPE_URL),
        r.endpoints(), v.get(Resources.V3.ENDPOINT_TYPE_URL),
        r.listeners(), v.get(Resources.V3.LISTENER_TYPE_URL),
        r.routes(), v.get(Resources.V3.ROUTE_TYPE_URL),
        r.secrets(), v.get(Resources.V3.SECRET_TYPE_URL));
  }

  /** Lets queued publishes finish for at most {@code grace}; the ones still queued then fail. */
  void close(Duration grace) {
    thread.shutdown();
    try {
      if (thread.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Runnable dropped : thread.shutdownNow()) {
      ((Publish) dropped).result.completeExceptionally(new IllegalStateException("the xDS server closed"));
    }
  }
}
