package io.llmxds.cp.publish;

import io.llmxds.cp.translate.EnvoyResources;
import io.llmxds.cp.translate.Flavor;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One config version as the xDS server serves it: a snapshot per {@link Flavor}, each with its own per-type
 * versions, all under the policy's one config version.
 */
public record PublishedConfig(String configVersion, Map<Flavor, PublishedSnapshot> snapshots) {

  public PublishedConfig {
    Map<Flavor, PublishedSnapshot> copy = new EnumMap<>(Flavor.class);
    for (Flavor flavor : Flavor.values()) {
      PublishedSnapshot s = Objects.requireNonNull(snapshots.get(flavor), () -> "no snapshot of flavor " + flavor);
      if (!Objects.equals(s.configVersion(), configVersion)) {
        throw new IllegalArgumentException(
            "snapshot of config " + s.configVersion() + " published as config " + configVersion);
      }
      copy.put(flavor, s);
    }
    snapshots = Collections.unmodifiableMap(copy);
  }

  /** Every flavor of one config version, with their per-type content-hash versions. */
  public static PublishedConfig of(String configVersion, Map<Flavor, EnvoyResources> resources) {
    Map<Flavor, PublishedSnapshot> snapshots = new EnumMap<>(Flavor.class);
    for (Flavor flavor : Flavor.values()) {
      snapshots.put(flavor, PublishedSnapshot.of(configVersion,
          Objects.requireNonNull(resources.get(flavor), () -> "no resources of flavor " + flavor)));
    }
    return new PublishedConfig(configVersion, snapshots);
  }

  public PublishedSnapshot snapshot(Flavor flavor) {
    return snapshots.get(flavor);
  }

  public PublishedSnapshot edge() {
    return snapshot(Flavor.EDGE);
  }

  public PublishedSnapshot proxyless() {
    return snapshot(Flavor.PROXYLESS);
  }
}
