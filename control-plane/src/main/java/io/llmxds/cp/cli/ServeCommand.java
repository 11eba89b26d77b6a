package io.llmxds.cp.cli;

import io.llmxds.common.ShutdownSignal;
import io.llmxds.cp.ControlPlane;
import io.llmxds.cp.admin.AdminToken;
import io.llmxds.common.Telemetry;
import io.llmxds.cp.source.PolicyDirectoryWatcher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code llm-xds serve}: the control plane itself. */
@Command(name = "serve", description = "Serve a policy directory to Envoy over ADS, reloading it on change.")
final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);
  private static final String SERVICE_NAME = "llm-xds-control-plane";

  @Option(names = "--policies", defaultValue = "examples/policies",
      description = "Policy directory (default: ${DEFAULT-VALUE}).")
  Path policies;

  @Option(names = "--xds-address", defaultValue = "0.0.0.0",
      description = "xDS bind address (default: ${DEFAULT-VALUE}).")
  String xdsAddress;

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

  @Override
  public Integer call() throws Exception {
    AdminToken token = AdminToken.loadOrCreate(adminTokenFile);
    ControlPlane.Settings settings = new ControlPlane.Settings(policies, xdsAddress, xdsPort, adminAddress,
        adminPort, token, PolicyDirectoryWatcher.DEFAULT_QUIET, PolicyDirectoryWatcher.DEFAULT_MAX_DELAY);
    ShutdownSignal shutdown = ShutdownSignal.install(SHUTDOWN_GRACE);
    try (Telemetry telemetry = Telemetry.autoconfigured(SERVICE_NAME);
         ControlPlane cp = ControlPlane.start(settings, telemetry)) {
      log.info("llm-xds serving {}: xDS on {}:{}, admin on http://{}:{} (token in {})",
          policies.toAbsolutePath().normalize(), xdsAddress, cp.xdsPort(), adminAddress, cp.adminPort(),
          adminTokenFile);
      shutdown.await();
      log.info("shutting down");
    } finally {
      shutdown.done();
    }
    return 0;
  }
}
