package io.llmxds.cp.translate;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig;
import io.llmxds.cp.policy.ModelRoute;
import java.util.Optional;

/** A model route's retries: never the same host twice, and with fallbacks, on to the next provider. */
final class RetryPolicies {

  /** How often Envoy re-picks a host that the previous-hosts predicate rejected before giving up on the rule. */
  static final int HOST_SELECTION_ATTEMPTS = 3;

  private RetryPolicies() {}

  static Optional<RetryPolicy> forRoute(ModelRoute route) {
    ModelRoute.Retry retry = route.retry();
    if (retry.attempts() <= 0) {
      return Optional.empty();
    }
    RetryPolicy.Builder policy = attemptsAndTimeout(retry)
        .setRetryOn(String.join(",", retry.retryOn()))
        .addAllRetriableStatusCodes(retry.statusCodes())
        .addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
            .setName(Names.PREVIOUS_HOSTS_PREDICATE)
            .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())))
        .setHostSelectionRetryMaxAttempts(HOST_SELECTION_ATTEMPTS);
    if (!route.fallbacks().isEmpty()) {
      // In the aggregate fallback cluster each provider is one priority level: skip the levels already tried.
      policy.setRetryPriority(RetryPolicy.RetryPriority.newBuilder()
          .setName(Names.PREVIOUS_PRIORITIES)
          .setTypedConfig(Any.pack(PreviousPrioritiesConfig.newBuilder().setUpdateFrequency(1).build())));
    }
    return Optional.of(policy.build());
  }

  /** What every flavor's retry policy has: how many retries, and the limit of one try when there is one. */
  static RetryPolicy.Builder attemptsAndTimeout(ModelRoute.Retry retry) {
    RetryPolicy.Builder policy = RetryPolicy.newBuilder().setNumRetries(UInt32Value.of(retry.attempts()));
    if (!retry.perTryTimeout().isZero()) {
      policy.setPerTryTimeout(ProtoValues.duration(retry.perTryTimeout()));
    }
    return policy;
  }
}
