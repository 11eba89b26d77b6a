package io.llmxds.cp.publish;

import io.llmxds.cp.translate.EnvoyResources;
import io.llmxds.cp.translate.Flavor;
import java.util.Objects;

/**
 * One config version as the xDS server serves it: a snapshot per {@link Flavor}, each with its own per-type
 * versions, all under the policy's one config version.
 */
public record PublishedConfig(String configVersion, PublishedSnapshot edge, PublishedSnapshot proxyless) {

  public PublishedConfig {
    for (PublishedSnapshot s : new PublishedSnapshot[] {edge, proxyless}) {
      if (!Objects.equals(s.configVersion(), configVersion)) {
        throw new IllegalArgumentException(
            "snapshot of config " + s.configVersion() + " published as config " + configVersion);
      }
    }
  }

  /** Both flavors of one config version, with their per-type content-hash versions. */
  public static PublishedConfig of(String configVersion, EnvoyResources edge, EnvoyResources proxyless) {
    return new PublishedConfig(configVersion, PublishedSnapshot.of(configVersion, edge),
        PublishedSnapshot.of(configVersion, proxyless));
  }

  public PublishedSnapshot snapshot(Flavor flavor) {
    return switch (flavor) {
      case EDGE -> edge;
      case PROXYLESS -> proxyless;
    };
  }
}
