package io.llmxds.filters.cli;

import io.llmxds.common.ShutdownSignal;
import io.llmxds.common.Telemetry;
import io.llmxds.filters.config.XdsServerAddress;
import io.llmxds.filters.server.ContextServer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code llm-xds-filters serve}: the ext_proc context service. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the ext_proc conversation-context service to Envoy "
    + "(docs/context-protocol.md), configured by the control plane over ADS (docs/data-path-config.md). Exit 1 if it "
    + "cannot start (port taken).")
final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);
  private static final String SERVICE_NAME = "llm-xds-filters";

  @Option(names = "--address", defaultValue = "0.0.0.0", description = "gRPC bind address (default: ${DEFAULT-VALUE}).")
  String address;

  @Option(names = "--port", defaultValue = "50051",
      description = "gRPC port: ext_proc and ext_authz (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--admin-address", defaultValue = "127.0.0.1",
      description = "Admin HTTP bind address (default: ${DEFAULT-VALUE}).")
  String adminAddress;

  @Option(names = "--admin-port", defaultValue = "19001",
      description = "Admin HTTP port: /metrics, /healthz (default: ${DEFAULT-VALUE}).")
  int adminPort;

  @Option(names = "--xds", paramLabel = "HOST:PORT", converter = XdsAddressConverter.class,
      description = "The control plane's xDS port: the context stores and the model -> context policy table come "
          + "from there. Without it: the built-in default policy only (every chat request, memory store).")
  Optional<XdsServerAddress> xds;

  @Option(names = "--node-id", paramLabel = "ID",
      description = "The ADS node id (default: context-service-<hostname>).")
  Optional<String> nodeId;

  @Option(names = "--ttl", defaultValue = "24h",
      description = "How long a session's history lives after its last write (default: ${DEFAULT-VALUE}).")
  Duration ttl;

  @Option(names = "--max-body", defaultValue = "8Mi",
      description = "Bodies larger than this are refused with a 413, until the config sets the Gateway's limit "
          + "(default: ${DEFAULT-VALUE}).")
  String maxBody;

  @Option(names = "--memory-max-chars", defaultValue = "64Mi",
      description = "Bound of the in-memory store, in characters (default: ${DEFAULT-VALUE}).")
  String memoryMaxChars;

  /** {@code --xds} values: {@code host:port}. */
  static final class XdsAddressConverter implements CommandLine.ITypeConverter<XdsServerAddress> {
    @Override
    public XdsServerAddress convert(String value) {
      return XdsServerAddress.parse(value);
    }
  }

  @Override
  public Integer call() throws Exception {
    ContextServer.Settings settings = new ContextServer.Settings(address, port, adminAddress, adminPort, xds, nodeId,
        ttl, Units.bytes(maxBody), Units.bytes(memoryMaxChars));
    ShutdownSignal shutdown = ShutdownSignal.install(SHUTDOWN_GRACE);
    try (Telemetry telemetry = Telemetry.autoconfigured(SERVICE_NAME);
         ContextServer server = ContextServer.start(settings, telemetry)) {
      log.info("llm-xds-filters serving ext_proc and ext_authz on {}:{}, admin on http://{}:{}", address, server.port(),
          adminAddress, server.adminPort());
      if (xds.isPresent()) {
        log.info("data-path config from the control plane at {}; the built-in default policy until it is applied",
            xds.get());
      } else {
        log.info("no --xds: serving the built-in default policy only (every chat request under policy 'default', "
            + "session header x-session-id, memory store; docs/data-path-config.md)");
      }
      shutdown.await();
      log.info("shutting down");
    } finally {
      shutdown.done();
    }
    return 0;
  }
}
