package io.llmxds.filters.ratelimit;

import java.util.Locale;

/** How a check of one limit ended ({@code llm_xds_ratelimit_decisions_total{decision}}). */
public enum Decision {
  /** Admitted (also: the limit does not apply to the request). */
  OK,
  /** Refused: 429. */
  OVER_LIMIT,
  /** Shadow mode: enforcing would have refused it; admitted. */
  WOULD_REFUSE,
  /** The store failed, failure mode open: admitted. */
  ERROR_OPEN,
  /** The store failed, failure mode closed: refused, 429 {@code rate_limit_unavailable}. */
  ERROR_CLOSED;

  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }

  boolean refuses() {
    return this == OVER_LIMIT || this == ERROR_CLOSED;
  }
}
