package io.llmxds.filters.ratelimit;

import java.util.List;
import java.util.Optional;

/**
 * Whom a limit's rules apply to: every request, a tier's or one consumer's.
 *
 * @param name the tier or consumer; empty for {@link Kind#ALL}
 * @param unlimited true: the requests it matches are never limited (and have no rules)
 * @param rules every one must admit a request
 */
public record LimitTarget(Kind kind, Optional<String> name, boolean unlimited, List<LimitRule> rules) {

  public LimitTarget {
    rules = List.copyOf(rules);
  }

  public enum Kind { ALL, TIER, CONSUMER }

  /** How a counter's key names it: {@code all}, {@code tier:<name>}, {@code consumer:<name>}. */
  String keyPart() {
    return switch (kind) {
      case ALL -> "all";
      case TIER -> "tier:" + name.orElseThrow();
      case CONSUMER -> "consumer:" + name.orElseThrow();
    };
  }

  /** Whether some rule counts one counter for everyone the target matches. */
  boolean hasSharedRule() {
    return rules.stream().anyMatch(rule -> rule.bucket() == LimitRule.Bucket.SHARED);
  }
}
