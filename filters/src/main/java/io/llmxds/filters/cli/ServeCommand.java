package io.llmxds.filters.cli;

import io.llmxds.common.ShutdownSignal;
import io.llmxds.common.Telemetry;
import io.llmxds.common.tls.PlaintextBinding;
import io.llmxds.common.tls.TlsFiles;
import io.llmxds.filters.config.XdsServerAddress;
import io.llmxds.filters.server.ContextServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code llm-xds-filters serve}: the ext_proc context service. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the ext_proc conversation-context service to Envoy "
    + "(docs/context-protocol.md), configured by the control plane over ADS (docs/data-path-config.md). Exit 1 if it "
    + "cannot start (port taken), 2 on bad options (plaintext on a non-loopback --address without --insecure).")
final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);
  private static final String SERVICE_NAME = "llm-xds-filters";

  @Option(names = "--address", defaultValue = "127.0.0.1", description = "gRPC bind address (default: "
      + "${DEFAULT-VALUE}). Anything but loopback needs mutual TLS (--tls-cert, --tls-key, --client-ca) or --insecure.")
  String address;

  /** Mutual TLS on the gRPC (ext_proc) port: all three files or none. */
  static final class PortTlsOptions {
    @Option(names = "--tls-cert", paramLabel = "FILE", required = true,
        description = "PEM certificate chain of the gRPC port; with it, Envoy must show a client certificate the "
            + "--client-ca signed (mutual TLS). Re-read when it changes.")
    Path cert;

    @Option(names = "--tls-key", paramLabel = "FILE", required = true,
        description = "PEM (PKCS#8) private key of --tls-cert. Re-read when it changes.")
    Path key;

    @Option(names = "--client-ca", paramLabel = "FILE", required = true,
        description = "PEM CA bundle that Envoy's client certificate must chain to. Re-read when it changes.")
    Path clientCa;
  }

  @ArgGroup(exclusive = false)
  PortTlsOptions portTls;

  @Option(names = "--insecure",
      description = "Serve the gRPC port in plaintext on a non-loopback --address (a trusted network only).")
  boolean insecure;

  /** Mutual TLS to the control plane's xDS port: all three files or none. */
  static final class XdsTlsOptions {
    @Option(names = "--xds-tls-cert", paramLabel = "FILE", required = true,
        description = "PEM certificate chain this service shows the control plane; a SAN must name --node-id "
            + "(URI spiffe://llm-xds/node/<id> or DNS <id>). Re-read when it changes.")
    Path cert;

    @Option(names = "--xds-tls-key", paramLabel = "FILE", required = true,
        description = "PEM (PKCS#8) private key of --xds-tls-cert. Re-read when it changes.")
    Path key;

    @Option(names = "--xds-ca", paramLabel = "FILE", required = true,
        description = "PEM CA bundle the control plane's certificate must chain to; it must name the --xds host. "
            + "Re-read when it changes.")
    Path ca;
  }

  @ArgGroup(exclusive = false)
  XdsTlsOptions xdsTls;

  @Spec
  CommandSpec spec;

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
    if (xdsTls != null && xds.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--xds-tls-cert, --xds-tls-key and --xds-ca need --xds");
    }
    Optional<TlsFiles> tls = Optional.ofNullable(portTls).map(o -> new TlsFiles(o.cert, o.key, o.clientCa));
    if (tls.isEmpty()) {
      String refusal = PlaintextBinding.refusal(address, insecure, "ext_proc", "--tls-cert, --tls-key and --client-ca",
          "--insecure");
      if (refusal != null) {
        throw new ParameterException(spec.commandLine(), refusal);
      }
      if (insecure) {
        log.warn("--insecure: serving ext_proc and ext_authz in plaintext on {}; any client that reaches it can read and write "
            + "conversation history", address);
      }
    }
    ContextServer.Settings settings = new ContextServer.Settings(address, port, adminAddress, adminPort, xds, nodeId,
        ttl, Units.bytes(maxBody), Units.bytes(memoryMaxChars), tls,
        Optional.ofNullable(xdsTls).map(o -> new TlsFiles(o.cert, o.key, o.ca)));
    ShutdownSignal shutdown = ShutdownSignal.install(SHUTDOWN_GRACE);
    try (Telemetry telemetry = Telemetry.autoconfigured(SERVICE_NAME);
         ContextServer server = ContextServer.start(settings, telemetry)) {
      log.info("llm-xds-filters serving ext_proc and ext_authz on {}:{} ({}), admin on http://{}:{}", address,
          server.port(), tls.isPresent() ? "mutual TLS" : "plaintext", adminAddress, server.adminPort());
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
