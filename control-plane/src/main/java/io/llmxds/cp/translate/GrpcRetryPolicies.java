package io.llmxds.cp.translate;

import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.llmxds.cp.policy.ModelRoute;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A model route's retries for gRPC clients. They retry on gRPC status names, and gRFC A44 honours only
 * {@code cancelled}, {@code deadline-exceeded}, {@code internal}, {@code resource-exhausted} and
 * {@code unavailable}; so each Envoy condition becomes the status a gRPC call fails with in that situation, and
 * conditions with no gRPC counterpart are dropped. Retry host predicates and priorities are not sent: gRPC ignores
 * them.
 */
final class GrpcRetryPolicies {

  static final String UNAVAILABLE = "unavailable";
  static final String RESOURCE_EXHAUSTED = "resource-exhausted";

  /** Envoy {@code retry_on} conditions: a failed or refused connection or a 5xx all surface as UNAVAILABLE. */
  private static final Map<String, String> CONDITIONS = Map.of(
      "5xx", UNAVAILABLE,
      "gateway-error", UNAVAILABLE,
      "reset", UNAVAILABLE,
      "reset-before-request", UNAVAILABLE,
      "connect-failure", UNAVAILABLE,
      "refused-stream", UNAVAILABLE);

  /** {@code retriable-status-codes}: 429 (rate limited) and 503 are the HTTP statuses with a gRPC counterpart. */
  private static final Map<Integer, String> STATUS_CODES = Map.of(429, RESOURCE_EXHAUSTED, 503, UNAVAILABLE);

  private GrpcRetryPolicies() {}

  /** Empty when the route does not retry, or retries only on conditions gRPC has no status for. */
  static Optional<RetryPolicy> forRoute(ModelRoute route) {
    ModelRoute.Retry retry = route.retry();
    if (retry.attempts() <= 0) {
      return Optional.empty();
    }
    Set<String> statuses = new TreeSet<>();
    retry.retryOn().stream().map(CONDITIONS::get).filter(s -> s != null).forEach(statuses::add);
    retry.statusCodes().stream().map(STATUS_CODES::get).filter(s -> s != null).forEach(statuses::add);
    if (statuses.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(RetryPolicies.attemptsAndTimeout(retry).setRetryOn(String.join(",", statuses)).build());
  }
}
