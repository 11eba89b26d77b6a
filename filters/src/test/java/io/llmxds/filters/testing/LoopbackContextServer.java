package io.llmxds.filters.testing;

import io.llmxds.common.Telemetry;
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

  private LoopbackContextServer() {}

  public static ContextServer start(Telemetry telemetry) throws IOException, StoreException {
    return start(telemetry, Optional.empty());
  }

  /** Configured by the control plane at {@code xds}, as node {@code context-service-test}. */
  public static ContextServer start(Telemetry telemetry, Optional<XdsServerAddress> xds)
      throws IOException, StoreException {
    return ContextServer.start(settings(xds), telemetry);
  }

  private static ContextServer.Settings settings(Optional<XdsServerAddress> xds) {
    return new ContextServer.Settings("127.0.0.1", 0, "127.0.0.1", 0, xds, Optional.of("context-service-test"), TTL,
        ContextProcessor.DEFAULT_MAX_BODY_BYTES, InMemoryContextStore.DEFAULT_MAX_CHARS);
  }
}
