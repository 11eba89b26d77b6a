package io.llmxds.cp.observe;

import io.llmxds.cp.publish.PublishedSnapshot;
import io.llmxds.cp.publish.XdsServer;
import io.llmxds.cp.reload.ConfigPublisher;
import io.llmxds.cp.translate.EnvoyResources;
import io.opentelemetry.api.trace.Span;
import java.time.Instant;

/**
 * Publishes to the xDS server, first recording the version with its reload span. It runs inside the
 * {@code policy.reload} span ({@link TracedReloader} makes it current and the reloader publishes on the same thread),
 * and the recording must precede the publish: the server answers open watches while it sets the snapshot, and
 * those pushes look their version up.
 */
public final class VersionRecordingPublisher implements ConfigPublisher {
  private final XdsServer xds;
  private final ConfigVersions versions;

  public VersionRecordingPublisher(XdsServer xds, ConfigVersions versions) {
    this.xds = xds;
    this.versions = versions;
  }

  @Override
  public void publish(String configVersion, EnvoyResources resources, Instant reloadStartedAt) {
    PublishedSnapshot snapshot = PublishedSnapshot.of(configVersion, resources);
    versions.register(new ConfigVersions.Registered(configVersion, snapshot.typeVersions(),
        Span.current().getSpanContext(), reloadStartedAt));
    xds.publish(snapshot).join();
  }
}
