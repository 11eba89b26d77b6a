package io.llmxds.examples.local;

import io.llmxds.common.Telemetry;
import io.llmxds.cp.ControlPlane;
import io.llmxds.cp.admin.AdminToken;
import io.llmxds.cp.policy.LoadResult;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.PolicyError;
import io.llmxds.cp.policy.PolicyLoader;
import io.llmxds.cp.source.PolicyDirectoryWatcher;
import io.llmxds.filters.cli.Units;
import io.llmxds.filters.config.XdsServerAddress;
import io.llmxds.filters.extproc.ContextProcessor;
import io.llmxds.filters.server.ContextServer;
import io.llmxds.filters.store.InMemoryContextStore;
import io.llmxds.filters.store.StoreException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Everything a gateway needs, on one machine, in one process: a mock LLM for every local provider of the policies,
 * the control plane serving the policies, the context service (configured by the control plane over xDS), and Envoy
 * when this machine can run one. Started in that order, closed in reverse. {@code bin/run} runs its {@link #main}.
 */
public final class LocalStack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
  private static final Duration CONTEXT_TTL = Duration.ofHours(24);
  /** The context service's node id, beside Envoy's {@code envoy-local-1} in {@code llm-xds status}. */
  static final String CONTEXT_NODE_ID = "context-service-local-1";

  /**
   * @param address where xDS and ext_proc listen (the admin APIs listen on 127.0.0.1); ports 0 let the OS choose
   * @param mockLatency and {@code mockErrorRate}: what every mock injects (503 for errors)
   */
  public record Settings(Path policies, String address, int xdsPort, int adminPort, int contextPort,
      int contextAdminPort, Path adminTokenFile, Duration mockLatency, double mockErrorRate, EnvoyMode envoy,
      Path envoyBootstrap) {}

  private final Deque<AutoCloseable> started;
  private final MockProviders mocks;
  private final ContextServer context;
  private final ControlPlane controlPlane;
  private final Optional<EnvoyProcess> envoy;
  private final String banner;

  private LocalStack(Deque<AutoCloseable> started, MockProviders mocks, ContextServer context,
      ControlPlane controlPlane, Optional<EnvoyProcess> envoy, String banner) {
    this.started = started;
    this.mocks = mocks;
    this.context = context;
    this.controlPlane = controlPlane;
    this.envoy = envoy;
    this.banner = banner;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line of {@code bin/run}, for tests that run it in-process. */
  static CommandLine commandLine() {
    return new CommandLine(new LocalStackCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .registerConverter(Duration.class, Units::duration);
  }

  /**
   * Starts everything; {@code envoyOutput} receives Envoy's output. Fails, closing what it had started, when the
   * policies are invalid (the mocks to start come from them) or a port is taken.
   */
  public static LocalStack start(Settings settings, EnvoyLookup lookup, PrintStream envoyOutput)
      throws IOException, StoreException {
    PolicyBundle bundle = load(settings.policies());
    Deque<AutoCloseable> started = new ArrayDeque<>();
    try {
      MockProviders mocks = push(started,
          MockProviders.start(bundle, settings.mockLatency(), settings.mockErrorRate()));
      Telemetry cpTelemetry = push(started, Telemetry.autoconfigured("llm-xds-control-plane"));
      ControlPlane controlPlane = push(started, ControlPlane.start(new ControlPlane.Settings(settings.policies(),
          settings.address(), settings.xdsPort(), "127.0.0.1", settings.adminPort(),
          AdminToken.loadOrCreate(settings.adminTokenFile()), PolicyDirectoryWatcher.DEFAULT_QUIET,
          PolicyDirectoryWatcher.DEFAULT_MAX_DELAY), cpTelemetry));
      // The context service follows the control plane like every Envoy: its stores and policies come over xDS.
      Telemetry contextTelemetry = push(started, Telemetry.autoconfigured("llm-xds-filters"));
      ContextServer context = push(started, ContextServer.start(new ContextServer.Settings(settings.address(),
          settings.contextPort(), "127.0.0.1", settings.contextAdminPort(),
          Optional.of(new XdsServerAddress(loopbackFor(settings.address()), controlPlane.xdsPort())),
          Optional.of(CONTEXT_NODE_ID), CONTEXT_TTL, ContextProcessor.DEFAULT_MAX_BODY_BYTES,
          InMemoryContextStore.DEFAULT_MAX_CHARS), contextTelemetry));
      EnvoyPlan plan = EnvoyPlan.choose(settings.envoy(), settings.envoyBootstrap(), lookup);
      Optional<EnvoyProcess> envoy = Optional.empty();
      if (plan instanceof EnvoyPlan.Run run) {
        try {
          envoy = Optional.of(push(started, EnvoyProcess.start(run, envoyOutput)));
        } catch (IOException e) {
          plan = new EnvoyPlan.NotStarted("could not run " + Banner.shell(run.command()) + ": " + e.getMessage(),
              List.of());
        }
      }
      String banner = Banner.text(settings.policies(), bundle.gateway(), mocks,
          new Banner.Addresses(settings.address(), controlPlane.xdsPort(), controlPlane.adminPort(), context.port(),
              context.adminPort()), plan);
      return new LocalStack(started, mocks, context, controlPlane, envoy, banner);
    } catch (IOException | StoreException | RuntimeException e) {
      closeAll(started);
      throw e;
    }
  }

  /** Where a process on this machine reaches a server listening on {@code address}. */
  private static String loopbackFor(String address) {
    return address.equals("0.0.0.0") || address.equals("::") ? "127.0.0.1" : address;
  }

  /** The policies as the control plane will read them; invalid ones stop the start with every error listed. */
  private static PolicyBundle load(Path policies) throws IOException {
    LoadResult result = PolicyLoader.load(policies);
    if (result instanceof LoadResult.Rejected rejected) {
      throw new IOException("the policies in " + policies.toAbsolutePath().normalize() + " are invalid:\n"
          + rejected.errors().stream().map(PolicyError::format).map(e -> "  " + e)
          .collect(Collectors.joining("\n")));
    }
    return ((LoadResult.Loaded) result).bundle();
  }

  private static <T extends AutoCloseable> T push(Deque<AutoCloseable> started, T component) {
    started.push(component);
    return component;
  }

  public MockProviders mocks() {
    return mocks;
  }

  public ContextServer contextService() {
    return context;
  }

  public ControlPlane controlPlane() {
    return controlPlane;
  }

  public Optional<EnvoyProcess> envoy() {
    return envoy;
  }

  /** Each component and its address, and what to try. */
  public String banner() {
    return banner;
  }

  /** Stops everything, the last started first. */
  @Override
  public void close() {
    closeAll(started);
  }

  private static void closeAll(Deque<AutoCloseable> started) {
    while (!started.isEmpty()) {
      AutoCloseable component = started.pop();
      try {
        component.close();
      } catch (Exception e) {
        log.warn("stopping {} failed", component, e);
      }
    }
  }
}
