package io.llmxds.cp.observe;

import io.llmxds.cp.translate.Flavor;
import io.opentelemetry.api.trace.SpanContext;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The config versions published recently and the reload that made each: how a push (which carries only a per-type
 * version) finds its config version, its reload span (its parent) and its reload start (for convergence time).
 * Bounded: the oldest versions are forgotten once {@link #CAPACITY} newer ones exist.
 */
public final class ConfigVersions {
  static final int CAPACITY = 64;

  /**
   * One published config version.
   *
   * @param typeVersions per flavor, type URL to the version that flavor's nodes are pushed
   */
  public record Registered(String configVersion, Map<Flavor, Map<String, String>> typeVersions,
      SpanContext reloadSpan, Instant reloadStartedAt) {
    public Registered {
      Map<Flavor, Map<String, String>> copy = new EnumMap<>(Flavor.class);
      typeVersions.forEach((flavor, versions) -> copy.put(flavor, Map.copyOf(versions)));
      typeVersions = Collections.unmodifiableMap(copy);
    }

    /**
     * True when a node of {@code flavor} runs this config version: it has ACKed ({@code ackedTypeVersions}, type
     * URL to version) this version of every type it subscribes to ({@code subscribedTypes}; a proxyless client never
     * asks for secrets, an Envoy without credentials in its config neither). A node that subscribes to nothing runs
     * nothing.
     */
    public boolean appliedBy(Flavor flavor, Set<String> subscribedTypes, Map<String, String> ackedTypeVersions) {
      Map<String, String> versions = typeVersions.getOrDefault(flavor, Map.of());
      return !subscribedTypes.isEmpty() && subscribedTypes.stream()
          .allMatch(t -> versions.containsKey(t) && versions.get(t).equals(ackedTypeVersions.get(t)));
    }

    /** True if {@code typeVersion} is this config's version of {@code typeUrl} in some flavor. */
    boolean has(String typeUrl, String typeVersion) {
      return typeVersions.values().stream().anyMatch(v -> typeVersion.equals(v.get(typeUrl)));
    }
  }

  private final Deque<Registered> newestFirst = new ArrayDeque<>();

  /** Call before the config is handed to the xDS server, so pushes can be attributed as soon as they start. */
  public synchronized void register(Registered version) {
    newestFirst.removeIf(r -> r.configVersion().equals(version.configVersion()));
    newestFirst.addFirst(version);
    while (newestFirst.size() > CAPACITY) {
      newestFirst.removeLast();
    }
  }

  public synchronized Optional<Registered> byConfigVersion(String configVersion) {
    return newestFirst.stream().filter(r -> r.configVersion().equals(configVersion)).findFirst();
  }

  /**
   * The newest config version whose {@code typeUrl} resources have version {@code typeVersion} in either flavor: a
   * type that did not change keeps its version across config versions, and a node receiving it now receives the
   * newest config. (The versions are content hashes, so a version both flavors share means the same resources.)
   */
  public synchronized Optional<Registered> byTypeVersion(String typeUrl, String typeVersion) {
    return newestFirst.stream().filter(r -> r.has(typeUrl, typeVersion)).findFirst();
  }
}
