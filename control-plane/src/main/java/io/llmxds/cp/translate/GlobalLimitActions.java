package io.llmxds.cp.translate;

import com.google.protobuf.UInt64Value;
import io.envoyproxy.envoy.config.route.v3.RateLimit.Action;
import io.envoyproxy.envoy.config.route.v3.RateLimit.HitsAddend;
import io.envoyproxy.envoy.type.metadata.v3.MetadataKey;
import io.llmxds.common.ContextPolicyMetadata;
import io.llmxds.common.GatewayIdentity;
import io.llmxds.common.GlobalRateLimits;
import io.llmxds.cp.policy.ModelRoute;
import io.llmxds.cp.policy.RateLimit;
import java.util.ArrayList;
import java.util.List;

/**
 * The descriptors a global RateLimit makes the edge send (GlobalRateLimits, docs/global-rate-limits.md), as the
 * {@code rate_limits} of a RateLimitPerRoute — not of the Route: only the per-route form reads {@code hits_addend}
 * (docs/envoy-semantics.md RL2). At request time one descriptor, hits 1; when the limit counts tokens, at stream done
 * one for the answer's input and one for its output tokens, their hits the usage the context service wrote into
 * dynamic metadata (RL4, RL5). The consumer and tier come from the headers only ext_authz sets (I1, I2); an anonymous
 * gateway has neither, and its descriptors omit them.
 */
final class GlobalLimitActions {

  private GlobalLimitActions() {}

  static List<io.envoyproxy.envoy.config.route.v3.RateLimit> of(RateLimit limit, ModelRoute route,
      boolean authenticates) {
    List<io.envoyproxy.envoy.config.route.v3.RateLimit> rateLimits = new ArrayList<>();
    rateLimits.add(io.envoyproxy.envoy.config.route.v3.RateLimit.newBuilder()
        .addAllActions(identity(limit, route, authenticates))
        .addActions(genericKey(GlobalRateLimits.CHARGE_ENTRY, GlobalRateLimits.CHARGE_REQUEST))
        .setHitsAddend(HitsAddend.newBuilder().setNumber(UInt64Value.of(1)))
        .build());
    if (countsTokens(limit)) {
      rateLimits.add(charge(limit, route, authenticates, GlobalRateLimits.CHARGE_INPUT_TOKENS,
          ContextPolicyMetadata.USAGE_PROMPT_TOKENS));
      rateLimits.add(charge(limit, route, authenticates, GlobalRateLimits.CHARGE_OUTPUT_TOKENS,
          ContextPolicyMetadata.USAGE_COMPLETION_TOKENS));
    }
    return rateLimits;
  }

  private static boolean countsTokens(RateLimit limit) {
    return limit.limit().filter(RateLimit.Rules::countsTokens).isPresent()
        || limit.tiers().stream().anyMatch(t -> t.limit().filter(RateLimit.Rules::countsTokens).isPresent())
        || limit.consumers().stream().anyMatch(c -> c.limit().filter(RateLimit.Rules::countsTokens).isPresent());
  }

  /**
   * Fire-and-forget at stream done; a missing usage field drops the descriptor (RL5): a request that got no answer
   * (refused, failed) is charged nothing. The model entry is skipped when the usage names none.
   */
  private static io.envoyproxy.envoy.config.route.v3.RateLimit charge(RateLimit limit, ModelRoute route,
      boolean authenticates, String charge, String usageField) {
    return io.envoyproxy.envoy.config.route.v3.RateLimit.newBuilder()
        .addAllActions(identity(limit, route, authenticates))
        .addActions(genericKey(GlobalRateLimits.CHARGE_ENTRY, charge))
        .addActions(Action.newBuilder().setMetadata(Action.MetaData.newBuilder()
            .setDescriptorKey(GlobalRateLimits.MODEL_ENTRY)
            .setMetadataKey(usageKey(ContextPolicyMetadata.USAGE_MODEL))
            .setSource(Action.MetaData.Source.DYNAMIC)
            .setSkipIfAbsent(true)))
        .setApplyOnStreamDone(true)
        .setHitsAddend(HitsAddend.newBuilder()
            .setFormat("%DYNAMIC_METADATA(" + ContextPolicyMetadata.USAGE_NAMESPACE + ":" + usageField + ")%"))
        .build();
  }

  private static List<Action> identity(RateLimit limit, ModelRoute route, boolean authenticates) {
    List<Action> actions = new ArrayList<>();
    actions.add(genericKey(GlobalRateLimits.LIMIT_ENTRY, limit.name()));
    actions.add(genericKey(GlobalRateLimits.ROUTE_ENTRY, route.name()));
    if (authenticates) {
      actions.add(header(GatewayIdentity.CONSUMER_HEADER, GlobalRateLimits.CONSUMER_ENTRY));
      actions.add(header(GatewayIdentity.TIER_HEADER, GlobalRateLimits.TIER_ENTRY));
    }
    return actions;
  }

  private static Action genericKey(String key, String value) {
    return Action.newBuilder()
        .setGenericKey(Action.GenericKey.newBuilder().setDescriptorKey(key).setDescriptorValue(value))
        .build();
  }

  /** Both headers are always set on an authenticating gateway (ext_authz answers every consumer with both). */
  private static Action header(String header, String key) {
    return Action.newBuilder()
        .setRequestHeaders(Action.RequestHeaders.newBuilder().setHeaderName(header).setDescriptorKey(key))
        .build();
  }

  private static MetadataKey usageKey(String field) {
    return MetadataKey.newBuilder()
        .setKey(ContextPolicyMetadata.USAGE_NAMESPACE)
        .addPath(MetadataKey.PathSegment.newBuilder().setKey(field))
        .build();
  }
}
