package io.llmxds.cp.observe;

import io.opentelemetry.api.trace.SpanContext;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;

/**
 * The config versions published recently and the reload that made each: how a push (which carries only a per-type
 * version) finds its config version, its reload span (its parent) and its reload start (for convergence time).
 * Bounded: the oldest versions are forgotten once {@link #CAPACITY} newer ones exist.
 */
public final class ConfigVersions {
  static final int CAPACITY = 64;

  /** One published config version. */
  public record Registered(
      String configVersion, Map<String, String> typeVersions, SpanContext reloadSpan, Instant reloadStartedAt) {
    public Registered {
      typeVersions = Map.copyOf(typeVersions);
    }

    /** True when a node that has ACKed {@code ackedTypeVersions} (type URL to version) runs this config version. */
    public boolean appliedBy(Map<String, String> ackedTypeVersions) {
      return typeVersions.entrySet().stream().allMatch(t -> t.getValue().equals(ackedTypeVersions.get(t.getKey())));
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
   * The newest config version whose {@code typeUrl} resources have version {@code typeVersion}: a type that did not
   * change keeps its version across config versions, and a node receiving it now receives the newest config.
   */
  public synchronized Optional<Registered> byTypeVersion(String typeUrl, String typeVersion) {
    return newestFirst.stream().filter(r -> typeVersion.equals(r.typeVersions().get(typeUrl))).findFirst();
  }

  public synchronized Optional<Registered> newest() {
    return Optional.ofNullable(newestFirst.peekFirst());
  }
}
