package io.llmxds.filters.ratelimit;

/**
 * What one answer adds to a limit's counters at stream done.
 *
 * @param nanoDollars the answer's cost through the limit's price table; 0 when its model has no price
 */
record Charge(long inputTokens, long outputTokens, long nanoDollars) {}
