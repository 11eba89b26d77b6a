package io.llmxds.cp.observe;

import io.llmxds.cp.publish.PublishedConfig;
import io.llmxds.cp.publish.XdsServer;
import io.llmxds.cp.reload.ConfigPublisher;
import io.llmxds.cp.reload.PolicyCompiler;
import io.llmxds.cp.translate.Flavor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * Publishes to the xDS server, first recording the version with its reload span and the type versions of both
 * flavors. It runs inside the {@code policy.reload} span ({@link TracedReloader} makes it current and the reloader
 * publishes on the same thread), and the recording must precede the publish: the server answers open watches while
 * it sets the snapshots, and those pushes look their version up.
 */
public final class VersionRecordingPublisher implements ConfigPublisher {
  private final XdsServer xds;
  private final ConfigVersions versions;
  private final RouteVersions routeVersions;

  public VersionRecordingPublisher(XdsServer xds, ConfigVersions versions, RouteVersions routeVersions) {
    this.xds = xds;
    this.versions = versions;
    this.routeVersions = routeVersions;
  }

  @Override
  public void publish(PolicyCompiler.Compiled compiled, Instant reloadStartedAt) {
    PublishedConfig config = PublishedConfig.of(compiled.configVersion(), compiled.flavors());
    Map<Flavor, Map<String, String>> typeVersions = new EnumMap<>(Flavor.class);
    for (Flavor flavor : Flavor.values()) {
      typeVersions.put(flavor, config.snapshot(flavor).typeVersions());
    }
    SpanContext reload = Span.current().getSpanContext();
    versions.register(new ConfigVersions.Registered(compiled.configVersion(), typeVersions, reload, reloadStartedAt));
    routeVersions.record(compiled.configVersion(), compiled.resources(), reload, Instant.now());
    xds.publish(config).join();
  }
}
