package io.llmxds.cp.policy;

import io.llmxds.common.GatewayIdentity;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Request limits for model routes, one bucket per authenticated consumer ({@link GatewayIdentity#CONSUMER_HEADER},
 * set by the gateway alone), tiered by the consumer's tier ({@link GatewayIdentity#TIER_HEADER}).
 *
 * @param modelRoutes the ModelRoutes this limit applies to
 * @param limit the limit of a consumer whose tier is not listed (the {@code default} tier among them)
 * @param tiers per-tier limits, by tier name
 */
public record RateLimit(String name, List<String> modelRoutes, Limit limit, List<Tier> tiers) {

  /** The tier of consumers that name none; not a name a RateLimit may give a tier. */
  public static final String DEFAULT_TIER = GatewayIdentity.DEFAULT_TIER;

  public RateLimit {
    modelRoutes = List.copyOf(modelRoutes);
    tiers = List.copyOf(tiers);
  }

  /** {@code requests} per {@code per}. */
  public record Limit(long requests, Duration per) {}

  /** A tier's limit; an empty limit means unlimited. */
  public record Tier(String value, Optional<Limit> limit) {
    public boolean unlimited() {
      return limit.isEmpty();
    }
  }
}
