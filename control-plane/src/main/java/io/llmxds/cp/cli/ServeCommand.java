package io.llmxds.cp.cli;

import io.llmxds.common.ShutdownSignal;
import io.llmxds.cp.ControlPlane;
import io.llmxds.cp.envoy.EnvoyCheck;
import io.llmxds.cp.envoy.EnvoyCommand;
import io.llmxds.cp.envoy.EnvoyValidator;
import io.llmxds.cp.reload.ConfigCheck;
import io.llmxds.cp.admin.AdminToken;
import io.llmxds.common.Telemetry;
import io.llmxds.common.tls.PlaintextBinding;
import io.llmxds.common.tls.TlsFiles;
import io.llmxds.cp.source.EtcdTarget;
import io.llmxds.cp.source.PolicyDirectoryWatcher;
import io.llmxds.cp.source.PolicySource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code llm-xds serve}: the control plane itself. */
@Command(name = "serve", description = "Serve a policy directory (or an etcd prefix) to Envoy over ADS, reloading it on change. Exit 2 "
    + "on bad options, among them plaintext xDS on a non-loopback address without --insecure-xds.")
final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);
  private static final String SERVICE_NAME = "llm-xds-control-plane";

  @Option(names = "--policies", defaultValue = "examples/policies",
      description = "Policy directory (default: ${DEFAULT-VALUE}).")
  Path policies;

  @Option(names = "--source", paramLabel = "etcd://HOST:PORT/PREFIX", converter = EtcdOptions.TargetConverter.class,
      description = "Serve the bundle under an etcd prefix instead of --policies, watching it (docs/sources.md); "
          + "write it there with 'llm-xds push'.")
  Optional<EtcdTarget> source;

  @Mixin
  EtcdOptions etcd;

  @Option(names = "--xds-address", defaultValue = "127.0.0.1",
      description = "xDS bind address (default: ${DEFAULT-VALUE}). Anything but loopback needs mutual TLS "
          + "(--xds-tls-cert, --xds-tls-key, --xds-client-ca) or --insecure-xds.")
  String xdsAddress;

  /** The three files of mutual TLS on the xDS port: all or none. */
  static final class XdsTlsOptions {
    @Option(names = "--xds-tls-cert", paramLabel = "FILE", required = true,
        description = "PEM certificate chain of the xDS port; with it, clients need certificates (mutual TLS) and a "
            + "node is served only the node id its certificate names. Re-read when it changes.")
    Path cert;

    @Option(names = "--xds-tls-key", paramLabel = "FILE", required = true,
        description = "PEM (PKCS#8) private key of --xds-tls-cert. Re-read when it changes.")
    Path key;

    @Option(names = "--xds-client-ca", paramLabel = "FILE", required = true,
        description = "PEM CA bundle that client certificates must chain to. Re-read when it changes.")
    Path clientCa;

    TlsFiles files() {
      return new TlsFiles(cert, key, clientCa);
    }
  }

  @ArgGroup(exclusive = false)
  XdsTlsOptions xdsTls;

  @Option(names = "--insecure-xds",
      description = "Serve xDS in plaintext on a non-loopback --xds-address (a trusted network only: every client "
          + "that reaches the port gets every resource, provider credentials included).")
  boolean insecureXds;

  @Spec
  CommandSpec spec;

  @Option(names = "--xds-port", defaultValue = "18000",
      description = "xDS (ADS) gRPC port (default: ${DEFAULT-VALUE}).")
  int xdsPort;

  @Option(names = "--admin-address", defaultValue = "127.0.0.1",
      description = "Admin HTTP bind address (default: ${DEFAULT-VALUE}).")
  String adminAddress;

  @Option(names = "--admin-port", defaultValue = "19000",
      description = "Admin HTTP port (default: ${DEFAULT-VALUE}).")
  int adminPort;

  @Option(names = "--admin-token-file", defaultValue = ".llm-xds/admin-token",
      description = "Bearer token for POST /reload; created with a random token if missing "
          + "(default: ${DEFAULT-VALUE}).")
  Path adminTokenFile;

  @Option(names = "--envoy-validate", paramLabel = "PATH|docker[:IMAGE]",
      converter = EnvoyOptions.CommandConverter.class,
      description = "Before publishing each new config version, run 'envoy --mode validate' on it (a local binary, or "
          + "the image under Docker, default " + EnvoyCommand.DEFAULT_IMAGE + "); a rejection, or no verdict, fails "
          + "the reload and the last good config keeps serving. Off by default.")
  Optional<EnvoyCommand> envoyValidate;

  @Option(names = "--envoy-timeout", defaultValue = EnvoyOptions.DEFAULT_TIMEOUT_SECONDS, paramLabel = "SECONDS",
      description = "With --envoy-validate: how long Envoy may take per reload (default: ${DEFAULT-VALUE}).")
  int envoyTimeoutSeconds;

  @Override
  public Integer call() throws Exception {
    Optional<String> noEnvoy = envoyValidate.flatMap(EnvoyCommand::unavailable);
    if (noEnvoy.isPresent()) {
      throw new ParameterException(spec.commandLine(), "--envoy-validate: " + noEnvoy.get());
    }
    ConfigCheck lastCheck = envoyValidate.<ConfigCheck>map(
        e -> new EnvoyCheck(new EnvoyValidator(e, Duration.ofSeconds(envoyTimeoutSeconds)))).orElse(ConfigCheck.NONE);
    Optional<TlsFiles> tls = Optional.ofNullable(xdsTls).map(XdsTlsOptions::files);
    if (tls.isEmpty()) {
      String refusal = PlaintextBinding.refusal(xdsAddress, insecureXds, "xDS",
          "--xds-tls-cert, --xds-tls-key and --xds-client-ca", "--insecure-xds");
      if (refusal != null) {
        throw new ParameterException(spec.commandLine(), refusal);
      }
      if (insecureXds) {
        log.warn("--insecure-xds: serving xDS in plaintext on {}; every client that reaches it is served any node "
            + "id it names, provider credentials (SDS) included", xdsAddress);
      }
    }
    PolicySource.Opener opener;
    try {
      opener = source.isPresent() ? PolicySource.Opener.etcd(source.get(), etcd.access())
          : PolicySource.Opener.directory(policies);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    String location = source.map(EtcdTarget::url).orElse(policies.toAbsolutePath().normalize().toString());
    AdminToken token = AdminToken.loadOrCreate(adminTokenFile);
    ControlPlane.Settings settings = new ControlPlane.Settings(opener, xdsAddress, xdsPort, adminAddress,
        adminPort, token, PolicyDirectoryWatcher.DEFAULT_QUIET, PolicyDirectoryWatcher.DEFAULT_MAX_DELAY, tls,
        lastCheck);
    ShutdownSignal shutdown = ShutdownSignal.install(SHUTDOWN_GRACE);
    try (Telemetry telemetry = Telemetry.autoconfigured(SERVICE_NAME);
         ControlPlane cp = ControlPlane.start(settings, telemetry)) {
      log.info("llm-xds serving {}: xDS on {}:{} ({}), admin on http://{}:{} (token in {})",
          location, xdsAddress, cp.xdsPort(), tls.isPresent() ? "mutual TLS" : "plaintext",
          adminAddress, cp.adminPort(), adminTokenFile);
      shutdown.await();
      log.info("shutting down");
    } finally {
      shutdown.done();
    }
    return 0;
  }
}
