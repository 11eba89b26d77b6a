package io.llmxds.filters.ratelimit;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of one request descriptor.
 *
 * @param limit empty: the descriptor names no limit of the table, or one that does not apply to the request
 * @param rules the target's rules as the check left them (none when the limit does not apply or the store failed)
 */
record Verdict(LimitDescriptor descriptor, Optional<GlobalLimit> limit, Decision decision, List<RuleState> rules) {

  Verdict {
    rules = List.copyOf(rules);
  }

  static Verdict notLimited(LimitDescriptor descriptor) {
    return new Verdict(descriptor, Optional.empty(), Decision.OK, List.of());
  }

  /** Whether the client sees this verdict's headers: an enforced limit that applied. */
  boolean shown() {
    return limit.map(GlobalLimit::enforce).orElse(false);
  }
}
