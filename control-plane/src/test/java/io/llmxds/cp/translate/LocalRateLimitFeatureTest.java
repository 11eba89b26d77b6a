package io.llmxds.cp.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.envoyproxy.envoy.config.route.v3.RateLimit.Action;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.LocalRateLimitDescriptor;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.XRateLimitHeadersRFCVersion;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.llmxds.common.GatewayIdentity;
import io.llmxds.cp.policy.PolicyBundle;
import io.llmxds.cp.policy.RateLimit;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocalRateLimitFeatureTest {

  private static final LocalRateLimitFeature FEATURE = new LocalRateLimitFeature();

  private static PolicyBundle withLimits(RateLimit... limits) {
    PolicyBundle example = Bundles.example();
    return new PolicyBundle(example.gateway(), example.providers(), example.modelRoutes(), List.of(limits),
        example.contextPolicies());
  }

  private static LocalRateLimit chatLimit(PolicyBundle bundle) {
    return Unpack.any(FEATURE.modelRouteConfig(BundleIndex.of(bundle), Bundles.chat()).orElseThrow(), LocalRateLimit.class);
  }

  private static List<List<String>> entries(LocalRateLimit limit) {
    return limit.getDescriptorsList().stream()
        .map(d -> d.getEntriesList().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
        .toList();
  }

  @Test
  void enforcedOnEveryRequestWithTheDefaultLimitAsDefaultBucket() {
    LocalRateLimit limit = chatLimit(Bundles.example());
    assertThat(limit.getFilterEnabled().getDefaultValue().getNumerator()).isEqualTo(100);
    assertThat(limit.getFilterEnabled().getDefaultValue().getDenominator())
        .isEqualTo(FractionalPercent.DenominatorType.HUNDRED);
    assertThat(limit.getFilterEnabled().getRuntimeKey()).isNotEmpty();
    assertThat(limit.getFilterEnforced().getDefaultValue().getNumerator()).isEqualTo(100);
    assertThat(limit.getFilterEnforced().getRuntimeKey()).isNotEmpty();
    assertThat(limit.getAlwaysConsumeDefaultTokenBucket().getValue()).isFalse();
    assertThat(limit.hasAlwaysConsumeDefaultTokenBucket()).isTrue();
    assertThat(limit.getEnableXRatelimitHeaders()).isEqualTo(XRateLimitHeadersRFCVersion.DRAFT_VERSION_03);
    assertThat(limit.getMaxDynamicDescriptors().getValue()).isEqualTo(LocalRateLimitFeature.MAX_CLIENT_KEYS);
    assertThat(limit.getTokenBucket().getMaxTokens()).isEqualTo(100);
    assertThat(limit.getTokenBucket().getTokensPerFill().getValue()).isEqualTo(100);
    assertThat(limit.getTokenBucket().getFillInterval().getSeconds()).isEqualTo(60);
  }

  @Test
  void withoutTiersOneBucketPerConsumer() {
    RateLimit plain = new RateLimit("plain", List.of("chat"), new RateLimit.Limit(5, Duration.ofSeconds(1)), List.of());
    LocalRateLimit limit = chatLimit(withLimits(plain));
    assertThat(limit.getRateLimitsCount()).isEqualTo(1);
    Action key = limit.getRateLimits(0).getActions(0);
    assertThat(key.getRequestHeaders().getHeaderName()).as("set by the gateway, never the client")
        .isEqualTo(GatewayIdentity.CONSUMER_HEADER);
    assertThat(key.getRequestHeaders().getDescriptorKey()).isEqualTo("consumer");
    assertThat(entries(limit)).containsExactly(List.of("consumer="));
    assertThat(limit.getDescriptors(0).getTokenBucket().getMaxTokens()).isEqualTo(5);
  }

  @Test
  void tiersGetTheirOwnBucketsAndUnknownTiersTheDefault() {
    LocalRateLimit limit = chatLimit(Bundles.example());
    assertThat(entries(limit)).containsExactly(
        List.of("tier=gold", "consumer="), List.of("tier=premium"), List.of("tier=default", "consumer="));
    List<LocalRateLimitDescriptor> descriptors = limit.getDescriptorsList();
    assertThat(descriptors.get(0).getTokenBucket().getMaxTokens()).isEqualTo(1000);
    assertThat(Integer.toUnsignedLong(descriptors.get(1).getTokenBucket().getMaxTokens()))
        .as("premium is unlimited").isEqualTo(0xFFFF_FFFFL);
    assertThat(descriptors.get(1).getTokenBucket().getFillInterval().getSeconds()).isEqualTo(1);
    assertThat(descriptors.get(2).getTokenBucket().getMaxTokens()).isEqualTo(100);

    List<io.envoyproxy.envoy.config.route.v3.RateLimit> actions = limit.getRateLimitsList();
    assertThat(actions).hasSize(3);
    Action.HeaderValueMatch gold = actions.get(0).getActions(0).getHeaderValueMatch();
    assertThat(gold.getDescriptorKey()).isEqualTo("tier");
    assertThat(gold.getDescriptorValue()).isEqualTo("gold");
    assertThat(gold.getExpectMatch().getValue()).isTrue();
    assertThat(gold.getHeaders(0).getName()).isEqualTo(GatewayIdentity.TIER_HEADER);
    assertThat(gold.getHeaders(0).getStringMatch().getExact()).isEqualTo("gold");
    assertThat(actions.get(0).getActions(1).getRequestHeaders().getHeaderName())
        .isEqualTo(GatewayIdentity.CONSUMER_HEADER);
    assertThat(actions.get(1).getActionsList()).as("an unlimited tier needs no consumer key").hasSize(1);

    Action.HeaderValueMatch fallback = actions.get(2).getActions(0).getHeaderValueMatch();
    assertThat(fallback.getDescriptorValue()).isEqualTo("default");
    assertThat(fallback.getExpectMatch().getValue()).isFalse();
    assertThat(fallback.getHeaders(0).getStringMatch().getSafeRegex().getRegex()).isEqualTo("^(?:gold|premium)$");
  }

  @Test
  void tierValuesAreQuotedInTheRegex() {
    RateLimit dotted = new RateLimit("d", List.of("chat"), new RateLimit.Limit(1, Duration.ofSeconds(1)),
        List.of(new RateLimit.Tier("a.b+", Optional.empty())));
    assertThat(chatLimit(withLimits(dotted)).getRateLimits(1).getActions(0).getHeaderValueMatch().getHeaders(0)
        .getStringMatch().getSafeRegex().getRegex()).isEqualTo("^(?:a\\.b\\+)$");
  }

  @Test
  void routesWithoutALimitGetNoConfig() {
    assertThat(FEATURE.modelRouteConfig(BundleIndex.of(Bundles.example()), Bundles.gpt4o())).isEmpty();
  }

  @Test
  void twoLimitsOnOneRouteAreRefused() {
    RateLimit other = new RateLimit("other", List.of("chat"), new RateLimit.Limit(5, Duration.ofSeconds(1)), List.of());
    assertThatThrownBy(() -> chatLimit(withLimits(Bundles.tieredLimit(), other)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("chat");
  }

  @Test
  void descriptorEntriesAreNonEmptyKeys() {
    for (LocalRateLimitDescriptor d : chatLimit(Bundles.example()).getDescriptorsList()) {
      assertThat(d.getEntriesList()).extracting(RateLimitDescriptor.Entry::getKey).allSatisfy(k ->
          assertThat(k).isNotEmpty());
    }
  }
}
