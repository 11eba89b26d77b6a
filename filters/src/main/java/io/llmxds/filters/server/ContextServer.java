package io.llmxds.filters.server;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.common.Telemetry;
import io.llmxds.common.tls.ReloadingTls;
import io.llmxds.common.tls.TlsFiles;
import io.llmxds.filters.auth.AuthorizationService;
import io.llmxds.filters.config.AdsClient;
import io.llmxds.filters.config.ConfigMetrics;
import io.llmxds.filters.config.ContextServiceNode;
import io.llmxds.filters.config.DataPathSnapshot;
import io.llmxds.filters.config.LiveSnapshot;
import io.llmxds.filters.config.XdsServerAddress;
import io.llmxds.filters.context.StoredConversationMemory;
import io.llmxds.filters.extproc.ContextProcessor;
import io.llmxds.filters.ratelimit.LimitTelemetry;
import io.llmxds.filters.ratelimit.RateLimitService;
import io.llmxds.filters.store.ContextStores;
import io.llmxds.filters.store.StoreException;
import io.llmxds.filters.store.StoreFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The context service as a process: the gRPC server (ext_proc, ext_authz and the rate-limit service on one port), the data-path snapshots
 * and their stores (the built-in default until the control plane's config is applied), the ADS client that gets that
 * config when {@code --xds} names the control plane, and the admin HTTP ({@code /metrics}, {@code /healthz}).
 */
public final class ContextServer implements AutoCloseable {
  private static final long SHUTDOWN_SECONDS = 5;
  /**
   * The largest ProcessingRequest accepted: the largest body any Gateway lets Envoy buffer, plus room for the
   * headers and attributes around it. A smaller limit (gRPC's default is 4 MiB) fails the stream on a large body
   * and the request goes on without its model; the service's own body limit answers 413 instead.
   */
  static final int MAX_MESSAGE_BYTES = (int) Math.min(Integer.MAX_VALUE,
      ContextPolicyMetadata.MAX_BUFFERED_BODY_BYTES + (1 << 20));

  /**
   * @param xds the control plane's xDS port; empty: the built-in default only
   * @param nodeId the ADS node id; empty: {@link ContextServiceNode#defaultId()}
   * @param ttl how long a session's record lives after its last write
   * @param maxBodyBytes the body limit until a config sets the Gateway's
   * @param memoryMaxChars a {@code memory} store's bound (total characters of keys and entries)
   * @param tls mutual TLS on the gRPC port (Envoy must show a certificate the CA signed); empty: plaintext
   * @param xdsTls mutual TLS to the control plane; empty: plaintext
   */
  public record Settings(String address, int port, String adminAddress, int adminPort,
      Optional<XdsServerAddress> xds, Optional<String> nodeId, Duration ttl, long maxBodyBytes,
      long memoryMaxChars, Optional<TlsFiles> tls, Optional<TlsFiles> xdsTls) {

    /** Plaintext on both sides. */
    public Settings(String address, int port, String adminAddress, int adminPort, Optional<XdsServerAddress> xds,
        Optional<String> nodeId, Duration ttl, long maxBodyBytes, long memoryMaxChars) {
      this(address, port, adminAddress, adminPort, xds, nodeId, ttl, maxBodyBytes, memoryMaxChars, Optional.empty(),
          Optional.empty());
    }
  }

  private final LiveSnapshot snapshots;
  private final ExecutorService storeCloser;
  private final Server grpc;
  private final Optional<ReloadingTls> tls;
  private final Optional<AdsClient> ads;
  private final AdminHttp admin;
  private final MeterExport meters;

  private ContextServer(LiveSnapshot snapshots, ExecutorService storeCloser, Server grpc, Optional<ReloadingTls> tls,
      Optional<AdsClient> ads, AdminHttp admin, MeterExport meters) {
    this.snapshots = snapshots;
    this.storeCloser = storeCloser;
    this.grpc = grpc;
    this.tls = tls;
    this.ads = ads;
    this.admin = admin;
    this.meters = meters;
  }

  /** Starts everything, with the stores this build opens. */
  public static ContextServer start(Settings settings, Telemetry telemetry) throws IOException, StoreException {
    return start(settings, telemetry, new ContextStores(settings.memoryMaxChars()));
  }

  /** Starts everything, opening stores with {@code stores}; fails (closing what it opened) when a port is taken. */
  public static ContextServer start(Settings settings, Telemetry telemetry, StoreFactory stores)
      throws IOException, StoreException {
    ExecutorService storeCloser = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "context-store-closer");
      t.setDaemon(true);
      return t;
    });
    LiveSnapshot snapshots = null;
    Server grpc = null;
    Optional<ReloadingTls> tls = Optional.empty();
    Optional<AdsClient> ads = Optional.empty();
    // Scraped from the Prometheus registry; also pushed over OTLP when the environment asks for it.
    MeterExport export = MeterExport.fromEnvironment(telemetry.meters());
    MeterRegistry meters = export.registry();
    try {
      tls = ReloadingTls.forServer(settings.tls());
      snapshots = LiveSnapshot.startingWithBuiltInDefault(stores, settings.maxBodyBytes(), storeCloser);
      ConfigMetrics configMetrics = new ConfigMetrics(meters, snapshots);
      LimitTelemetry limits = new LimitTelemetry(meters, Clock.systemUTC());
      ContextProcessor processor = new ContextProcessor(snapshots,
          new StoredConversationMemory(settings.ttl(), telemetry.openTelemetry(), meters),
          telemetry.openTelemetry(), meters, Clock.systemUTC());
      InetSocketAddress address = new InetSocketAddress(settings.address(), settings.port());
      grpc = (tls.isPresent()
              ? NettyServerBuilder.forAddress(address, tls.get().serverCredentials())
              : NettyServerBuilder.forAddress(address))
          .addService(processor.service())
          .addService(new AuthorizationService(snapshots, telemetry.openTelemetry(), meters).service())
          .addService(new RateLimitService(snapshots, telemetry.openTelemetry(), limits, Clock.systemUTC()).service())
          .maxInboundMessageSize(MAX_MESSAGE_BYTES)
          .build()
          .start();
      LiveSnapshot live = snapshots;
      if (settings.xds().isPresent()) {
        ads = Optional.of(AdsClient.start(settings.xds().get(), ReloadingTls.forClient(settings.xdsTls()),
            settings.nodeId().orElseGet(ContextServiceNode::defaultId), live, AdsClient.WAIT_LIMIT, configMetrics));
      }
      Optional<AdsClient> client = ads;
      AdminHttp admin = AdminHttp.start(settings.adminAddress(), settings.adminPort(), telemetry.meters(),
          () -> HealthReport.json(live.current(), client.map(AdsClient::status), limits.status()));
      return new ContextServer(snapshots, storeCloser, grpc, tls, ads, admin, export);
    } catch (IOException | StoreException | RuntimeException e) {
      ads.ifPresent(AdsClient::close);
      if (grpc != null) {
        grpc.shutdownNow();
      }
      tls.ifPresent(ReloadingTls::close);
      if (snapshots != null) {
        snapshots.close();
      }
      storeCloser.shutdown();
      export.close();
      throw e;
    }
  }

  public int port() {
    return grpc.getPort();
  }

  public int adminPort() {
    return admin.port();
  }

  /** The snapshot new requests run under. */
  public DataPathSnapshot snapshot() {
    return snapshots.current();
  }

  /** Stops taking config, then requests (letting running ones finish), then closes the stores. */
  @Override
  public void close() {
    ads.ifPresent(AdsClient::close);
    admin.close();
    grpc.shutdown();
    try {
      if (!grpc.awaitTermination(SHUTDOWN_SECONDS, TimeUnit.SECONDS)) {
        grpc.shutdownNow().awaitTermination(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      grpc.shutdownNow();
    }
    tls.ifPresent(ReloadingTls::close);
    snapshots.close();
    storeCloser.shutdown();
    try {
      storeCloser.awaitTermination(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    meters.close();
  }
}
