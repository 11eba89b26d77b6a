package io.llmxds.cp.publish;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.server.DefaultExecutorGroup;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.llmxds.cp.translate.EnvoyResources;
import io.llmxds.cp.translate.Flavor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The xDS server: state-of-the-world ADS (and the per-type CDS, EDS, LDS, RDS, SDS services) over gRPC, serving the
 * last published config to each node in its flavor (Envoy or proxyless gRPC), with one content-hash version per
 * flavor and resource type. A NACKed config is not
 * resent until a newer one is published. See docs/xds-server.md.
 */
public final class XdsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(XdsServer.class);

  /**
   * xDS streams never end on their own, so a graceful shutdown only lets in-flight responses drain for this long
   * before the streams are cancelled (clients then reconnect, to this server's successor).
   */
  private static final Duration GRACE = Duration.ofSeconds(1);

  private final Server server;
  private final int port;
  private final SnapshotPublisher publisher;
  private final XdsCallbacks callbacks;

  private XdsServer(Server server, SnapshotPublisher publisher, XdsCallbacks callbacks) {
    this.server = server;
    this.port = server.getPort();
    this.publisher = publisher;
    this.callbacks = callbacks;
  }

  /** Starts on the loopback interface; {@code port} 0 lets the OS choose (see {@link #port()}). */
  public static XdsServer start(int port) throws IOException {
    return start(InetAddress.getLoopbackAddress().getHostAddress(), port);
  }

  /** Starts on {@code host} (e.g. {@code 0.0.0.0} for every interface); {@code port} 0 lets the OS choose. */
  public static XdsServer start(String host, int port) throws IOException {
    XdsStreams streams = new XdsStreams();
    XdsNodeGroups groups = new XdsNodeGroups();
    SimpleCache<String> cache = new SimpleCache<>(groups);
    NackSafeWatcher watcher = new NackSafeWatcher(cache, groups, streams);
    XdsCallbacks callbacks = new XdsCallbacks(streams);
    V3DiscoveryServer discovery =
        new V3DiscoveryServer(
            List.of(callbacks),
            watcher,
            new DefaultExecutorGroup(),
            // Serializes each resource once for all streams instead of once per stream.
            new IdentityCachingSerializer());
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
            .addService(discovery.getAggregatedDiscoveryServiceImpl())
            .addService(discovery.getClusterDiscoveryServiceImpl())
            .addService(discovery.getEndpointDiscoveryServiceImpl())
            .addService(discovery.getListenerDiscoveryServiceImpl())
            .addService(discovery.getRouteDiscoveryServiceImpl())
            .addService(discovery.getSecretDiscoveryServiceImpl())
            .build()
            .start();
    LOG.info("xDS server listening on {}:{}", host, server.getPort());
    return new XdsServer(server, new SnapshotPublisher(cache, watcher), callbacks);
  }

  public int port() {
    return port;
  }

  /**
   * Serves each flavor's resources to the nodes of that flavor from now on (see {@link XdsNodeGroups}).
   * Thread-safe; publishes apply in call order on the publisher thread. The future completes once every snapshot is
   * set and every open watch has been answered (that fan-out is why this is asynchronous), with what was set.
   */
  public CompletableFuture<PublishedConfig> publish(String configVersion, Map<Flavor, EnvoyResources> resources) {
    return publish(PublishedConfig.of(configVersion, resources));
  }

  /** As {@link #publish(String, Map)}, for a caller that needed the versions beforehand. */
  public CompletableFuture<PublishedConfig> publish(PublishedConfig config) {
    return publisher.publish(config);
  }

  /** The edge snapshot last set, if any: what Envoy nodes are served. */
  public Optional<PublishedSnapshot> current() {
    return current(Flavor.EDGE);
  }

  /** The snapshot of {@code flavor} last set, if any. */
  public Optional<PublishedSnapshot> current(Flavor flavor) {
    return publisher.current().map(c -> c.snapshot(flavor));
  }

  /** The config last set, both flavors, if any. */
  public Optional<PublishedConfig> currentConfig() {
    return publisher.current();
  }

  /** Adds a stream observer; see {@link XdsEventListener} for its threading rules. */
  public void addListener(XdsEventListener listener) {
    callbacks.addListener(listener);
  }

  /**
   * Stops accepting streams, drains for a bounded time, then cancels the remaining streams and stops the publisher.
   * Later {@link #publish} calls fail.
   */
  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
        server.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    publisher.close(GRACE);
    LOG.info("xDS server on port {} stopped", port);
  }
}
