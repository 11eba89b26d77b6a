package io.llmxds.cp.policy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Request limits for model routes, one bucket per distinct value of the client key header (e.g. the API key).
 *
 * @param modelRoutes the ModelRoutes this limit applies to
 * @param keyHeader the header whose value identifies a client
 * @param limit the limit of a client that has no tier (or a tier not listed)
 * @param tierHeader the header naming a client's tier, if tiers are used
 * @param tiers per-tier limits, by tier value
 */
public record RateLimit(
    String name,
    List<String> modelRoutes,
    String keyHeader,
    Limit limit,
    Optional<String> tierHeader,
    List<Tier> tiers) {

  /** The tier of clients that send no tier header or an unknown tier; not a name a policy may give a tier. */
  public static final String DEFAULT_TIER = "default";

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
