package io.llmxds.filters.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.llmxds.common.Telemetry;
import io.llmxds.common.tls.TlsFiles;
import io.llmxds.filters.config.XdsServerAddress;
import io.llmxds.filters.extproc.ContextProcessor;
import io.llmxds.filters.server.ContextServer;
import io.llmxds.filters.store.InMemoryContextStore;
import io.llmxds.filters.store.StoreException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * The context service as tests of other modules run it: loopback, ports the OS chooses, the memory store; without
 * an xDS port it runs the built-in default policy only.
 */
public final class LoopbackContextServer {
  private static final Duration TTL = Duration.ofHours(1);
  private static final Duration PATIENCE = Duration.ofSeconds(15);

  private LoopbackContextServer() {}

  public static ContextServer start(Telemetry telemetry) throws IOException, StoreException {
    return start(telemetry, Optional.empty());
  }

  /** Configured by the control plane at {@code xds}, as node {@code context-service-test}. */
  public static ContextServer start(Telemetry telemetry, Optional<XdsServerAddress> xds)
      throws IOException, StoreException {
    return ContextServer.start(settings(xds), telemetry);
  }

  /** Configured by the control plane whose xDS port is {@code xdsPort} on loopback. */
  public static ContextServer following(Telemetry telemetry, int xdsPort) throws IOException, StoreException {
    return start(telemetry, Optional.of(new XdsServerAddress("127.0.0.1", xdsPort)));
  }

  /**
   * Configured by the control plane whose mutual-TLS xDS port is {@code xdsPort} on loopback, showing it
   * {@code xdsTls}; its own port requires client certificates ({@code portTls}).
   */
  public static ContextServer following(Telemetry telemetry, int xdsPort, TlsFiles xdsTls, TlsFiles portTls)
      throws IOException, StoreException {
    ContextServer.Settings plain = settings(Optional.of(new XdsServerAddress("127.0.0.1", xdsPort)));
    return ContextServer.start(new ContextServer.Settings(plain.address(), plain.port(), plain.adminAddress(),
        plain.adminPort(), plain.xds(), plain.nodeId(), plain.ttl(), plain.maxBodyBytes(), plain.memoryMaxChars(),
        Optional.of(portTls), Optional.of(xdsTls)), telemetry);
  }

  /** Waits until new requests on {@code server} run under config {@code configVersion}. */
  public static void awaitConfig(ContextServer server, String configVersion) {
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(server.snapshot().config())
        .as("the context service's config version").isEqualTo(configVersion));
  }

  private static ContextServer.Settings settings(Optional<XdsServerAddress> xds) {
    return new ContextServer.Settings("127.0.0.1", 0, "127.0.0.1", 0, xds, Optional.of("context-service-test"), TTL,
        ContextProcessor.DEFAULT_MAX_BODY_BYTES, InMemoryContextStore.DEFAULT_MAX_CHARS);
  }
}
