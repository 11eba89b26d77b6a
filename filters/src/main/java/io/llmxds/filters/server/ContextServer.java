package io.llmxds.filters.server;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.common.Telemetry;
import io.llmxds.filters.context.StoredConversationMemory;
import io.llmxds.filters.extproc.ContextProcessor;
import io.llmxds.filters.store.ContextStore;
import io.llmxds.filters.store.InMemoryContextStore;
import io.llmxds.filters.store.RedisContextStore;
import io.llmxds.filters.store.StoreException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The context service as a process: the ext_proc gRPC server, its stores ({@code memory} always, {@code redis} when
 * configured) and the admin HTTP ({@code /metrics}, {@code /healthz}).
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
   * @param redisUri {@code redis://host:port[/db]}: adds the store {@code redis}
   * @param ttl how long a session's record lives after its last write
   * @param maxBodyBytes bodies larger than this pass through unparsed
   * @param memoryMaxChars the {@code memory} store's bound (total characters of keys and entries)
   */
  public record Settings(String address, int port, String adminAddress, int adminPort, Optional<String> redisUri,
      Duration ttl, long maxBodyBytes, long memoryMaxChars) {}

  private final Map<String, ContextStore> stores;
  private final Server grpc;
  private final AdminHttp admin;

  private ContextServer(Map<String, ContextStore> stores, Server grpc, AdminHttp admin) {
    this.stores = stores;
    this.grpc = grpc;
    this.admin = admin;
  }

  /** Starts everything; fails (closing what it opened) when Redis is configured but unreachable now. */
  public static ContextServer start(Settings settings, Telemetry telemetry) throws IOException, StoreException {
    Map<String, ContextStore> stores = new LinkedHashMap<>();
    stores.put("memory", new InMemoryContextStore(settings.memoryMaxChars()));
    Server grpc = null;
    try {
      if (settings.redisUri().isPresent()) {
        stores.put("redis", RedisContextStore.connect(settings.redisUri().get(),
            RedisContextStore.DEFAULT_COMMAND_TIMEOUT));
      }
      ContextProcessor processor = new ContextProcessor(
          new StoredConversationMemory(stores, settings.ttl(), telemetry.openTelemetry(), telemetry.meters()),
          telemetry.openTelemetry(), telemetry.meters(), settings.maxBodyBytes(), Clock.systemUTC());
      grpc = NettyServerBuilder.forAddress(new InetSocketAddress(settings.address(), settings.port()))
          .addService(processor.service())
          .maxInboundMessageSize(MAX_MESSAGE_BYTES)
          .build()
          .start();
      AdminHttp admin = AdminHttp.start(settings.adminAddress(), settings.adminPort(), telemetry.meters());
      return new ContextServer(stores, grpc, admin);
    } catch (IOException | StoreException | RuntimeException e) {
      if (grpc != null) {
        grpc.shutdownNow();
      }
      stores.values().forEach(ContextStore::close);
      throw e;
    }
  }

  public int port() {
    return grpc.getPort();
  }

  public int adminPort() {
    return admin.port();
  }

  /** The configured store names. */
  public java.util.Set<String> stores() {
    return stores.keySet();
  }

  @Override
  public void close() {
    admin.close();
    grpc.shutdown();
    try {
      if (!grpc.awaitTermination(SHUTDOWN_SECONDS, TimeUnit.SECONDS)) {
        grpc.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      grpc.shutdownNow();
    }
    stores.values().forEach(ContextStore::close);
  }
}
