package io.llmxds.filters.ratelimit;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One global RateLimit as the data-path config's limit table carries it (GlobalRateLimits, docs/global-rate-limits.md
 * "The limit table"), decoded and checked when the snapshot is assembled.
 *
 * @param version the limit's content hash (on spans, never in a counter's key)
 * @param store the ContextStore holding its counters
 * @param enforce false: shadow mode, counts and reports, refuses nothing
 * @param modelRoutes the ModelRoutes it covers
 * @param targets whom its rules apply to; the most specific match wins
 * @param prices dollars per 1M tokens by model, for {@code usd} rules
 */
public record GlobalLimit(String name, String version, String store, boolean enforce, FailureMode failureMode,
    Set<String> modelRoutes, List<LimitTarget> targets, Map<String, ModelPrice> prices) {

  public GlobalLimit {
    modelRoutes = Set.copyOf(modelRoutes);
    targets = List.copyOf(targets);
    prices = Map.copyOf(prices);
  }

  /** What a check does when the store fails or does not answer within its command timeout. */
  public enum FailureMode { OPEN, CLOSED }

  /**
   * The target whose rules apply to a request of {@code consumer} (absent: anonymous) in {@code tier}: the consumer's
   * own, else its tier's, else {@code all}; empty: the limit does not apply.
   */
  public Optional<LimitTarget> targetFor(Optional<String> consumer, Optional<String> tier) {
    return find(LimitTarget.Kind.CONSUMER, consumer)
        .or(() -> find(LimitTarget.Kind.TIER, tier))
        .or(() -> targets.stream().filter(t -> t.kind() == LimitTarget.Kind.ALL).findFirst());
  }

  private Optional<LimitTarget> find(LimitTarget.Kind kind, Optional<String> name) {
    return name.flatMap(n -> targets.stream().filter(t -> t.kind() == kind && t.name().equals(Optional.of(n)))
        .findFirst());
  }
}
