package io.llmxds.cp.publish;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.server.DefaultExecutorGroup;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.llmxds.common.tls.ReloadingTls;
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
 * flavor and resource type; plaintext, or mutual TLS with each node held to its certificate. A NACKed config is not
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
  private final Optional<ReloadingTls> tls;

  private XdsServer(Server server, SnapshotPublisher publisher, XdsCallbacks callbacks, Optional<ReloadingTls> tls) {
    this.server = server;
    this.port = server.getPort();
    this.publisher = publisher;
    this.callbacks = callbacks;
    this.tls = tls;
  }

  /** Starts on the loopback interface; {@code port} 0 lets the OS choose (see {@link #port()}). */
  public static XdsServer start(int port) throws IOException {
    return start(InetAddress.getLoopbackAddress().getHostAddress(), port);
  }

  /** Starts plaintext on {@code host} (e.g. {@code 0.0.0.0} for every interface); {@code port} 0 lets the OS choose. */
  public static XdsServer start(String host, int port) throws IOException {
    return start(host, port, Optional.empty());
  }

  /**
   * Starts on {@code host}; with {@code tls}, mutual TLS: every client must present a certificate the CA signed, and
   * a stream is served only the node its certificate names (docs/xds-server.md, "Node identity"). The server owns
   * {@code tls} from now on and closes it.
   */
  public static XdsServer start(String host, int port, Optional<ReloadingTls> tls) throws IOException {
    XdsStreams streams = new XdsStreams();
    XdsNodeGroups groups = new XdsNodeGroups();
    SimpleCache<String> cache = new SimpleCache<>(groups);
    NackSafeWatcher watcher = new NackSafeWatcher(cache, groups, streams);
    XdsCallbacks callbacks = new XdsCallbacks(streams,
        tls.isPresent() ? new CertificateNodeAuthenticator() : NodeAuthenticator.NONE);
    V3DiscoveryServer discovery =
        new V3DiscoveryServer(
            List.of(callbacks),
            watcher,
            new DefaultExecutorGroup(),
            // Serializes each resource once for all streams instead of once per stream.
            new IdentityCachingSerializer());
    InetSocketAddress address = new InetSocketAddress(host, port);
    NettyServerBuilder builder = tls.isPresent()
        ? NettyServerBuilder.forAddress(address, tls.get().serverCredentials())
        : NettyServerBuilder.forAddress(address);
    ClientCertificateInterceptor peers = new ClientCertificateInterceptor();
    Server server;
    try {
      server = builder
          .addService(ServerInterceptors.intercept(discovery.getAggregatedDiscoveryServiceImpl(), peers))
          .addService(ServerInterceptors.intercept(discovery.getClusterDiscoveryServiceImpl(), peers))
          .addService(ServerInterceptors.intercept(discovery.getEndpointDiscoveryServiceImpl(), peers))
          .addService(ServerInterceptors.intercept(discovery.getListenerDiscoveryServiceImpl(), peers))
          .addService(ServerInterceptors.intercept(discovery.getRouteDiscoveryServiceImpl(), peers))
          .addService(ServerInterceptors.intercept(discovery.getSecretDiscoveryServiceImpl(), peers))
          .build()
          .start();
    } catch (IOException | RuntimeException e) {
      tls.ifPresent(ReloadingTls::close);
      throw e;
    }
    LOG.info("xDS server listening on {}:{} ({})", host, server.getPort(),
        tls.map(t -> "mutual TLS: " + t.files()).orElse("plaintext"));
    return new XdsServer(server, new SnapshotPublisher(cache, watcher), callbacks, tls);
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
    tls.ifPresent(ReloadingTls::close);
    LOG.info("xDS server on port {} stopped", port);
  }
}
