package io.llmxds.cp.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.RateLimit.Action;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.LocalReplyConfig;
import io.llmxds.common.GlobalRateLimits;
import io.llmxds.cp.policy.ContextPolicy.FailureMode;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.RateLimit.Bucket;
import io.llmxds.cp.policy.RateLimit.Global;
import io.llmxds.cp.policy.RateLimit.Limit;
import io.llmxds.cp.policy.RateLimit.Rules;
import io.llmxds.cp.policy.RateLimit.TokenKind;
import io.llmxds.cp.policy.RateLimit.TokenLimit;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The edge side of global limits beyond the golden case: an anonymous gateway's descriptors, a limit of requests only
 * (no stream-done charges), a filter per failure mode, and the local-reply mapper of a fail-closed one.
 */
class GlobalRateLimitFeatureTest {

  private static final GlobalRateLimitFeature OPEN = new GlobalRateLimitFeature(FailureMode.OPEN);
  private static final GlobalRateLimitFeature CLOSED = new GlobalRateLimitFeature(FailureMode.CLOSED);

  private static io.llmxds.cp.policy.RateLimit global(FailureMode mode, Rules rules) {
    return new io.llmxds.cp.policy.RateLimit("chat-global", List.of("chat"), Optional.of(rules), List.of(), List.of(),
        Optional.of(new Global("counters", true, mode, Map.of())));
  }

  private static PolicyBundle withLimit(io.llmxds.cp.policy.RateLimit limit) {
    PolicyBundle example = Bundles.example();
    return new PolicyBundle(example.gateway(), example.providers(), example.modelRoutes(), List.of(limit),
        example.contextPolicies());
  }

  private static final Rules REQUESTS = Rules.of(new Limit(100, Duration.ofMinutes(1)));
  private static final Rules TOKENS = new Rules(Optional.empty(),
      List.of(new TokenLimit(TokenKind.TOTAL, 1000, Duration.ofMinutes(1))), List.of(), Bucket.CONSUMER);

  @Test
  void anAnonymousGatewaysDescriptorsHaveNoConsumerOrTierAndARequestLimitChargesNoTokens() {
    PolicyBundle bundle = withLimit(global(FailureMode.OPEN, REQUESTS));
    assertThat(bundle.authenticates()).isFalse();
    RateLimitPerRoute perRoute = Unpack.any(OPEN.modelRouteConfig(BundleIndex.of(bundle), Bundles.chat())
        .orElseThrow(), RateLimitPerRoute.class);
    assertThat(perRoute.getRateLimitsList()).hasSize(1);
    assertThat(perRoute.getRateLimits(0).getActionsList()).extracting(Action::getGenericKey)
        .extracting(k -> k.getDescriptorKey() + "=" + k.getDescriptorValue())
        .containsExactly(GlobalRateLimits.LIMIT_ENTRY + "=chat-global", GlobalRateLimits.ROUTE_ENTRY + "=chat",
            GlobalRateLimits.CHARGE_ENTRY + "=" + GlobalRateLimits.CHARGE_REQUEST);
    assertThat(perRoute.getRateLimits(0).getHitsAddend().getNumber().getValue()).isEqualTo(1);
    assertThat(CLOSED.present(bundle)).as("no fail-closed limit, no fail-closed filter").isFalse();
    assertThat(CLOSED.modelRouteConfig(BundleIndex.of(bundle), Bundles.chat())).isEmpty();
  }

  @Test
  void aTokenLimitChargesInputAndOutputWhenTheStreamIsDone() {
    PolicyBundle bundle = withLimit(global(FailureMode.CLOSED, TOKENS));
    RateLimitPerRoute perRoute = Unpack.any(CLOSED.modelRouteConfig(BundleIndex.of(bundle), Bundles.chat())
        .orElseThrow(), RateLimitPerRoute.class);
    assertThat(perRoute.getRateLimitsList()).extracting(r -> r.getApplyOnStreamDone() + " " + r.getHitsAddend()
            .getFormat())
        .containsExactly("false ", "true %DYNAMIC_METADATA(io.llmxds.usage:prompt_tokens)%",
            "true %DYNAMIC_METADATA(io.llmxds.usage:completion_tokens)%");
    assertThat(OPEN.present(bundle)).isFalse();
    RateLimit filter = Unpack.any(CLOSED.hcmFilter(bundle).getTypedConfig(), RateLimit.class);
    assertThat(filter.getFailureModeDeny()).isTrue();
    assertThat(filter.getStatusOnError().getCodeValue()).isEqualTo(503);
    assertThat(filter.getDomain()).isEqualTo(GlobalRateLimits.DOMAIN);
    assertThat(filter.getDisableXEnvoyRatelimitedHeader()).isTrue();
  }

  @Test
  void onlyAFailClosedLimitGetsTheMapperForTheServicesFailureAndNoMapperTouchesA429() {
    LocalReplyConfig closed = LocalReplies.config(withLimit(global(FailureMode.CLOSED, REQUESTS)));
    LocalReplyConfig open = LocalReplies.config(withLimit(global(FailureMode.OPEN, REQUESTS)));
    assertThat(closed.getMappersCount()).isEqualTo(open.getMappersCount() + 1);
    assertThat(closed.toString()).contains(LocalReplies.RATE_LIMIT_SERVICE_ERROR).doesNotContain("default_value: 429");
  }
}
