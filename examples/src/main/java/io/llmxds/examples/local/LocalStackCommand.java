package io.llmxds.examples.local;

import io.llmxds.common.ShutdownSignal;
import io.llmxds.common.tls.PlaintextBinding;
import io.llmxds.filters.store.StoreException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code llm-xds-local}: the local stack's command line (what {@code bin/run} passes on). */
@Command(name = "llm-xds-local", mixinStandardHelpOptions = true,
    description = "Run the mock LLMs of the policies' local providers, the context service, the control plane and, "
        + "when possible, Envoy. Ctrl-C stops everything. Exit 1 if something cannot start, 2 on bad options (a non-loopback --address among them).")
final class LocalStackCommand implements Callable<Integer> {
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);

  @Spec
  CommandSpec spec;

  @Option(names = "--policies", defaultValue = "examples/policies",
      description = "Policy directory (default: ${DEFAULT-VALUE}).")
  Path policies;

  @Option(names = "--address", defaultValue = "127.0.0.1",
      description = "Where xDS and ext_proc listen, a loopback address: both are plaintext here (default: "
          + "${DEFAULT-VALUE}); the admin APIs stay on 127.0.0.1. For other addresses run llm-xds serve with TLS.")
  String address;

  @Option(names = "--xds-port", defaultValue = "18000", description = "xDS (ADS) port (default: ${DEFAULT-VALUE}).")
  int xdsPort;

  @Option(names = "--admin-port", defaultValue = "19000",
      description = "Control-plane admin port (default: ${DEFAULT-VALUE}).")
  int adminPort;

  @Option(names = "--context-port", defaultValue = "50051",
      description = "Context service (ext_proc) port (default: ${DEFAULT-VALUE}).")
  int contextPort;

  @Option(names = "--context-admin-port", defaultValue = "19001",
      description = "Context service admin port (default: ${DEFAULT-VALUE}).")
  int contextAdminPort;

  @Option(names = "--admin-token-file", defaultValue = ".llm-xds/admin-token",
      description = "Bearer token for POST /reload; created if missing (default: ${DEFAULT-VALUE}).")
  Path adminTokenFile;

  @Option(names = "--envoy", defaultValue = "auto", paramLabel = "auto|off",
      description = "auto: run Envoy from $ENVOY_BIN, envoy on $PATH or Docker, else print how to (default: "
          + "${DEFAULT-VALUE}); off: never.")
  EnvoyMode envoy;

  @Option(names = "--envoy-bootstrap", defaultValue = "envoy/bootstrap.yaml",
      description = "Envoy's bootstrap (default: ${DEFAULT-VALUE}).")
  Path envoyBootstrap;

  @Option(names = "--mock-latency", defaultValue = "0s",
      description = "Every mock LLM waits this long before answering, e.g. 300ms (default: ${DEFAULT-VALUE}).")
  Duration mockLatency;

  @Option(names = "--mock-error-rate", defaultValue = "0",
      description = "Share of requests (0 to 1) each mock answers with 503 (default: ${DEFAULT-VALUE}).")
  double mockErrorRate;

  @Override
  public Integer call() throws InterruptedException {
    if (!(mockErrorRate >= 0 && mockErrorRate <= 1)) {
      throw new ParameterException(spec.commandLine(), "--mock-error-rate must be between 0 and 1, got "
          + mockErrorRate);
    }
    if (!PlaintextBinding.isLoopback(address)) {
      throw new ParameterException(spec.commandLine(), "--address " + address + " is not a loopback address: the "
          + "local stack serves xDS (provider credentials included) and ext_proc in plaintext; run llm-xds serve and "
          + "llm-xds-filters serve with their TLS options to serve other addresses (docs/operations.md)");
    }
    if (mockLatency.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--mock-latency must not be negative");
    }
    LocalStack.Settings settings = new LocalStack.Settings(policies, address, xdsPort, adminPort, contextPort,
        contextAdminPort, adminTokenFile, mockLatency, mockErrorRate, envoy, envoyBootstrap);
    ShutdownSignal shutdown = ShutdownSignal.install(SHUTDOWN_GRACE);
    try {
      try (LocalStack stack = LocalStack.start(settings, EnvoyLookup.system(), System.out)) {
        System.out.println(stack.banner());
        shutdown.await();
        System.out.println("llm-xds-local: stopping Envoy, the control plane, the context service and the mocks");
      }
      System.out.println("llm-xds-local: stopped");
      System.out.flush();
      // Ctrl-C has started the JVM's shutdown: it would end with the signal's status (130, 143) once the hook
      // returns. Everything is closed, so a clean stop ends here, with 0.
      Runtime.getRuntime().halt(0);
      return 0;
    } catch (IOException | StoreException e) {
      System.err.println("llm-xds-local: cannot start: " + e.getMessage());
      return 1;
    } finally {
      shutdown.done();
    }
  }
}
