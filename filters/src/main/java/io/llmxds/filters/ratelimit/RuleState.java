package io.llmxds.filters.ratelimit;

import java.time.Duration;

/**
 * A rule's counter as a check left it.
 *
 * @param value the counter after the check (before it, when the check refused)
 * @param over whether this rule refused the request
 * @param reset how long until its window ends
 */
record RuleState(LimitRule rule, long value, boolean over, Duration reset) {

  long remaining() {
    return Math.max(0, rule.amount() - value);
  }
}
