package io.llmxds.filters.ratelimit;

import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.llmxds.common.GlobalRateLimits;
import java.util.Optional;

/**
 * One descriptor the edge sends (GlobalRateLimits), read by entry key, never by position.
 *
 * @param hits what it adds: the descriptor's {@code hits_addend} when set, else the request's, else 1 (Envoy sends the
 *     request's as 0 unless a filter state sets it: docs/envoy-semantics.md RS2)
 */
record LimitDescriptor(String limit, String route, Optional<String> consumer, Optional<String> tier, String charge,
    Optional<String> model, long hits) {

  static LimitDescriptor of(RateLimitDescriptor descriptor, long requestHits) {
    String limit = "";
    String route = "";
    String charge = GlobalRateLimits.CHARGE_REQUEST;
    Optional<String> consumer = Optional.empty();
    Optional<String> tier = Optional.empty();
    Optional<String> model = Optional.empty();
    for (RateLimitDescriptor.Entry entry : descriptor.getEntriesList()) {
      String value = entry.getValue();
      switch (entry.getKey()) {
        case GlobalRateLimits.LIMIT_ENTRY -> limit = value;
        case GlobalRateLimits.ROUTE_ENTRY -> route = value;
        case GlobalRateLimits.CONSUMER_ENTRY -> consumer = Optional.of(value).filter(v -> !v.isEmpty());
        case GlobalRateLimits.TIER_ENTRY -> tier = Optional.of(value).filter(v -> !v.isEmpty());
        case GlobalRateLimits.CHARGE_ENTRY -> charge = value;
        case GlobalRateLimits.MODEL_ENTRY -> model = Optional.of(value).filter(v -> !v.isEmpty());
        default -> { } // an entry a newer edge sends: not ours to read
      }
    }
    long hits = descriptor.hasHitsAddend() ? descriptor.getHitsAddend().getValue() : requestHits > 0 ? requestHits : 1;
    return new LimitDescriptor(limit, route, consumer, tier, charge, model, hits);
  }

  boolean isRequest() {
    return charge.equals(GlobalRateLimits.CHARGE_REQUEST);
  }

  /** A stream-done charge; any other {@code charge} value (a newer edge's) is answered OK and ignored. */
  boolean isTokenCharge() {
    return charge.equals(GlobalRateLimits.CHARGE_INPUT_TOKENS) || charge.equals(GlobalRateLimits.CHARGE_OUTPUT_TOKENS);
  }
}
