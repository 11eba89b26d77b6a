package io.llmxds.cp.publish;

import io.llmxds.cp.translate.EnvoyResources;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the xDS server serves: the policy's config version, the version of each resource type (type URL to content
 * hash, see {@link TypeVersions}) and the resources themselves.
 */
public record PublishedSnapshot(
    String configVersion, Map<String, String> typeVersions, EnvoyResources resources) {

  public PublishedSnapshot {
    // LinkedHashMap keeps the xDS type order (CDS, EDS, LDS, RDS, SDS) for readable logs.
    typeVersions = Collections.unmodifiableMap(new LinkedHashMap<>(typeVersions));
  }

  /** The snapshot of {@code resources}, with their per-type content-hash versions. */
  public static PublishedSnapshot of(String configVersion, EnvoyResources resources) {
    return new PublishedSnapshot(configVersion, TypeVersions.of(resources), resources);
  }
}
