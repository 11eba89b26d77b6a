package io.llmxds.cp;

import io.llmxds.cp.admin.AdminServer;
import io.llmxds.cp.admin.AdminToken;
import io.llmxds.cp.observe.AuditLog;
import io.llmxds.cp.observe.ConfigVersions;
import io.llmxds.cp.observe.NodeStatusBoard;
import io.llmxds.cp.observe.PushCorrelator;
import io.llmxds.cp.observe.PushLog;
import io.llmxds.cp.observe.PushSpans;
import io.llmxds.common.Telemetry;
import io.llmxds.common.tls.ReloadingTls;
import io.llmxds.common.tls.TlsFiles;
import io.llmxds.cp.observe.TracedReloader;
import io.llmxds.cp.observe.RouteVersions;
import io.llmxds.cp.observe.StreamRefusals;
import io.llmxds.cp.observe.VersionRecordingPublisher;
import io.llmxds.cp.observe.XdsMetrics;
import io.llmxds.cp.publish.PublishedSnapshot;
import io.llmxds.cp.publish.XdsServer;
import io.llmxds.cp.reload.ConfigCheck;
import io.llmxds.cp.reload.PolicyReloader;
import io.llmxds.cp.reload.ReloadTrigger;
import io.llmxds.cp.source.PolicySource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The running control plane: the xDS server, the reload handle over a policy source (a directory or an etcd
 * prefix), the source's watch and the admin API, started in that order and closed in reverse.
 */
public final class ControlPlane implements AutoCloseable {

  /**
   * Where to listen and what to serve. Port 0 lets the OS choose (tests). With {@code xdsTls} the xDS port is mutual
   * TLS, its files re-read when they change.
   */
  public record Settings(
      PolicySource.Opener source,
      String xdsAddress,
      int xdsPort,
      String adminAddress,
      int adminPort,
      AdminToken adminToken,
      Duration debounceQuiet,
      Duration debounceMaxDelay,
      Optional<TlsFiles> xdsTls,
      ConfigCheck lastCheck) {

    /** A policy directory. */
    public Settings(Path policies, String xdsAddress, int xdsPort, String adminAddress, int adminPort,
        AdminToken adminToken, Duration debounceQuiet, Duration debounceMaxDelay, Optional<TlsFiles> xdsTls,
        ConfigCheck lastCheck) {
      this(PolicySource.Opener.directory(policies), xdsAddress, xdsPort, adminAddress, adminPort, adminToken,
          debounceQuiet, debounceMaxDelay, xdsTls, lastCheck);
    }

    /** No check after the verify stage. */
    public Settings(Path policies, String xdsAddress, int xdsPort, String adminAddress, int adminPort,
        AdminToken adminToken, Duration debounceQuiet, Duration debounceMaxDelay, Optional<TlsFiles> xdsTls) {
      this(policies, xdsAddress, xdsPort, adminAddress, adminPort, adminToken, debounceQuiet, debounceMaxDelay, xdsTls,
          ConfigCheck.NONE);
    }

    /** Plaintext xDS. */
    public Settings(Path policies, String xdsAddress, int xdsPort, String adminAddress, int adminPort,
        AdminToken adminToken, Duration debounceQuiet, Duration debounceMaxDelay) {
      this(policies, xdsAddress, xdsPort, adminAddress, adminPort, adminToken, debounceQuiet, debounceMaxDelay,
          Optional.empty());
    }
  }

  private final XdsServer xds;
  private final PolicyReloader reloader;
  private final PolicySource source;
  private final AdminServer admin;
  private final XdsMetrics metrics;

  private ControlPlane(XdsServer xds, PolicyReloader reloader, PolicySource source, AdminServer admin,
      XdsMetrics metrics) {
    this.xds = xds;
    this.reloader = reloader;
    this.source = source;
    this.admin = admin;
    this.metrics = metrics;
  }

  /**
   * Starts everything and runs the startup reload. A policy directory that is invalid at startup does not stop
   * the process: it serves nothing (and {@code /readyz} says so) until a valid change arrives.
   */
  public static ControlPlane start(Settings s, Telemetry telemetry) throws IOException {
    ConfigVersions versions = new ConfigVersions();
    RouteVersions routeVersions = new RouteVersions();
    XdsServer xds = XdsServer.start(s.xdsAddress(), s.xdsPort(), ReloadingTls.forServer(s.xdsTls()));
    XdsMetrics metrics = new XdsMetrics(telemetry.meters());
    xds.addListener(new StreamRefusals(telemetry.tracer(), telemetry.meters()));
    NodeStatusBoard board =
        new NodeStatusBoard(flavor -> xds.current(flavor).map(PublishedSnapshot::typeVersions).orElse(Map.of()));
    xds.addListener(new PushCorrelator(versions,
        List.of(new PushSpans(telemetry.tracer()), new PushLog(), metrics, board)));
    PolicySource source = null;
    try {
      // Watch before the first load, so that no change between the load and the watch is missed.
      PolicySource started = s.source().open(s.debounceQuiet(), s.debounceMaxDelay());
      source = started;
      metrics.watchSource(started);
      PolicyReloader reloader = new PolicyReloader(started, new VersionRecordingPublisher(xds, versions, routeVersions),
          started::watchFilesOf, s.lastCheck());
      TracedReloader traced = new TracedReloader(reloader, telemetry.tracer(), List.of(new AuditLog(), metrics));
      ReloadTrigger onChange = started.changeTrigger();
      started.start(() -> traced.reload(onChange, Context.root(), onChange.wire()));
      traced.reload(ReloadTrigger.STARTUP, Context.root(), ReloadTrigger.STARTUP.wire());
      AdminServer admin = AdminServer.start(s.adminAddress(), s.adminPort(), traced, started, xds, board,
          routeVersions, s.adminToken(), telemetry);
      return new ControlPlane(xds, reloader, started, admin, metrics);
    } catch (IOException | RuntimeException e) {
      if (source != null) {
        source.close();
      }
      xds.close();
      metrics.close();
      throw e;
    }
  }

  public int xdsPort() {
    return xds.port();
  }

  public int adminPort() {
    return admin.port();
  }

  public XdsServer xds() {
    return xds;
  }

  public PolicyReloader reloader() {
    return reloader;
  }

  @Override
  public void close() {
    admin.close();
    source.close();
    xds.close();
    metrics.close();
  }
}
